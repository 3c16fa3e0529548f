"""The signed portal link on a transfer sheet (django-sesame).

The link signs in the business's contact account (TransferSheet.contact_user) and is scoped to that one sheet:
a token made for sheet 12 is refused on sheet 13's link, even of the same business. It expires after
SESAME_MAX_AGE (the token carries its creation time) and dies early if the account is deactivated, its
password or its email changes, or the business's contact email changes (the address the link was sent to is
part of the scope: a link that went to an old address opens nothing once the business has a new one). The
portal then keeps the session to that sheet's business.
"""

import hashlib

from django.conf import settings
from django.urls import reverse
from sesame.utils import get_query_string, get_user


def _scope(sheet_id, contact_email: str) -> str:
    address = hashlib.sha256((contact_email or "").strip().lower().encode()).hexdigest()[:16]
    return f"transfer-sheet:{sheet_id}:{address}"


def portal_sheet_link(sheet) -> str:
    """Absolute URL that signs the business's contact account in and lands on `sheet`."""
    path = reverse("portal:sheet_link", args=[sheet.pk])
    scope = _scope(sheet.pk, sheet.business.email)
    return settings.PUBLIC_BASE_URL + path + get_query_string(sheet.contact_user, scope=scope)


def portal_link_user(request, sheet_id):
    """The account a valid, unexpired link for `sheet_id` signs in, else None (tampered, expired, other sheet,
    or sent before the business's contact email changed)."""
    from .models import TransferSheet

    email = TransferSheet.objects.filter(pk=sheet_id).values_list("business__email", flat=True).first()
    if email is None:
        return None
    return get_user(request, scope=_scope(sheet_id, email), update_last_login=False)
