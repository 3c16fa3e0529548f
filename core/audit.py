"""The audited save and the permission check every service uses (django-simple-history records who and why)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _


def save_audited(obj, actor, *, reason=None, update_fields=None):
    """Save a record with the actor (and optional reason) recorded in its history."""
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save(update_fields=update_fields)
    return obj


def record_text(message, **params):
    """Texts kept in a record are in the association's language, whoever is acting."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def require_perm(actor, perm):
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You are not allowed to do this on this case."))


def require_text(value, message):
    """Refuse an empty or blank required text with a translated message."""
    if not (value and str(value).strip()):
        raise ValidationError(message)
