"""The users the system acts as, and the role groups."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from accounts.people import display_name

MEDIATOR_GROUP = "mediator"
SUPERVISOR_GROUP = "supervisor"
BUSINESS_GROUP = "business"


def get_system_user():
    """The account Celery and other automatic work is recorded as in the audit history (never nobody)."""
    user, _ = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "系统", "password": make_password(None)}
    )
    return user


def is_supervisor(user) -> bool:
    return user.is_superuser or user.groups.filter(name=SUPERVISOR_GROUP).exists()


def person_name(user) -> str:
    """How a staff member or business user is named on documents and notices (the one rule: accounts.people)."""
    return display_name(user)
