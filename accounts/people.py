"""How people are named and reached: the one place that turns an account into the name shown on pages and documents.

Callers that name many users at once should `select_related("staff_profile")` (or prefetch it) on the users.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _


def _profile(user):
    try:
        return user.staff_profile
    except (ObjectDoesNotExist, AttributeError):
        return None


def is_system_user(user) -> bool:
    return user is not None and user.get_username() == settings.SYSTEM_USERNAME


def display_name(user) -> str:
    """The profile's name, else the full name, else the username; the system user is 系统 / "System"."""
    if user is None:
        return ""
    if is_system_user(user):
        return _("System")
    profile = _profile(user)
    return display_name_of(
        profile_name=profile.display_name if profile is not None else "",
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.get_username(),
    )


def display_name_of(*, profile_name=None, first_name=None, last_name=None, username=None) -> str:
    """The same rule on plain values (rows of a report or export read with .values())."""
    if username == settings.SYSTEM_USERNAME:
        return _("System")
    if (profile_name or "").strip():
        return profile_name.strip()
    full_name = f"{first_name or ''} {last_name or ''}".strip()  # as User.get_full_name()
    return full_name or username or ""


# The .values() fields display_name_of needs, seen from a model with a user foreign key (prefix "mediator__").
NAME_FIELDS = ("staff_profile__display_name", "first_name", "last_name", "username")


def name_values(prefix: str) -> list[str]:
    return [prefix + f for f in NAME_FIELDS]


def display_name_from_row(row: dict, prefix: str) -> str:
    profile_name, first_name, last_name, username = (row.get(f) for f in name_values(prefix))
    return display_name_of(profile_name=profile_name, first_name=first_name, last_name=last_name, username=username)


def staff_phone(user) -> str:
    """The staff member's phone from the profile ("" when none)."""
    profile = _profile(user) if user is not None else None
    return profile.phone.strip() if profile is not None else ""
