"""The users the system acts as, and the role groups."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import people
from accounts.models import StaffProfile
from core.audit import record_text, require_perm, require_text, save_audited
from notifications.services import notification_enqueue

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
    return people.display_name(user)


# --- accounts: supervisors create mediator and business accounts and invite them -----------------------------

# The roles an account manager may give, and whether the account signs in to the staff admin.
ACCOUNT_ROLES = {MEDIATOR_GROUP: True, BUSINESS_GROUP: False}
MANAGE_ACCOUNTS = "accounts.manage_accounts"
ROLE_LABELS = {MEDIATOR_GROUP: gettext_lazy("Mediator"), BUSINESS_GROUP: gettext_lazy("Business user")}


def account_create(*, actor, role: str, username: str, display_name: str, email: str, phone: str = "",
                   business=None):
    """Create a mediator's or a business user's account with its profile and invite it by email: the person
    chooses the password through the link; nobody else ever knows it. A business account answers for `business`."""
    require_perm(actor, MANAGE_ACCOUNTS)
    if role not in ACCOUNT_ROLES:
        raise ValidationError(_("Choose the kind of account: mediator or business user."))
    if role == BUSINESS_GROUP and business is None:
        raise ValidationError(_("Choose the business this account answers for."))
    require_text(display_name, _("Give the person's name."))
    require_text(email, _("Give an email address: the invitation is sent there."))
    User = get_user_model()
    username = User.normalize_username(username.strip())
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(username)s is taken.") % {"username": username})
    with transaction.atomic():
        user = User(username=username, email=email.strip(), first_name=display_name.strip()[:150],
                    is_staff=ACCOUNT_ROLES[role], is_active=True)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.add(Group.objects.get(name=role))
        reason = record_text(
            gettext_lazy("Account created (%(role)s) by %(who)s"), role=ROLE_LABELS[role], who=people.display_name(actor)
        )
        save_audited(StaffProfile(user=user, display_name=display_name.strip(), phone=phone.strip()), actor, reason=reason)
        if business is not None:
            business.members.add(user)
        account_invite(user=user, actor=actor)
    return user


def account_invite(*, user, actor):
    """Email the set-password link (through the outbox). The link works until the password is set, and for
    PASSWORD_RESET_TIMEOUT seconds at most; sending it again makes a new one."""
    require_perm(actor, MANAGE_ACCOUNTS)
    if not user.email:
        raise ValidationError(_("The account has no email address to send the invitation to."))
    if not user.is_active:
        raise ValidationError(_("The account is deactivated."))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return notification_enqueue(
        channel="email",
        template="accounts/invite",
        recipient_user=user,
        context={
            "name": people.display_name(user),
            "username": user.get_username(),
            "link": settings.PUBLIC_BASE_URL + reverse("portal:set_password", args=[uid, token]),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "association": settings.ASSOCIATION_NAME,
            "phone": settings.ASSOCIATION_PHONE,
            "staff": user.is_staff,
        },
    )

