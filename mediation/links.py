"""The signed portal link on a transfer sheet (django-sesame).

The link signs in the business's contact account (TransferSheet.contact_user) and is scoped to that one sheet:
a token made for sheet 12 is refused on sheet 13's link, even of the same business. It expires after
SESAME_MAX_AGE (the token carries its creation time) and dies early if the account is deactivated or its
password changes. The portal then keeps the session to that sheet's business.
"""

from django.conf import settings
from django.urls import reverse
from sesame.utils import get_query_string, get_user


def _scope(sheet_id) -> str:
    return f"transfer-sheet:{sheet_id}"


def portal_sheet_link(sheet) -> str:
    """Absolute URL that signs the business's contact account in and lands on `sheet`."""
    path = reverse("portal:sheet_link", args=[sheet.pk])
    return settings.PUBLIC_BASE_URL + path + get_query_string(sheet.contact_user, scope=_scope(sheet.pk))


def portal_link_user(request, sheet_id):
    """The account a valid, unexpired link for `sheet_id` signs in, else None (tampered, expired, other sheet)."""
    return get_user(request, scope=_scope(sheet_id), update_last_login=False)
