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
    if profile is not None and profile.display_name.strip():
        return profile.display_name.strip()
    return user.get_full_name().strip() or user.get_username()


def staff_phone(user) -> str:
    """The staff member's phone from the profile ("" when none)."""
    profile = _profile(user) if user is not None else None
    return profile.phone.strip() if profile is not None else ""
