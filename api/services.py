"""Writes of the data exchange: partners and their keys, forwarded complaints. Everything a partner does to a case
goes through the domain's public services (cases.services, mediation.services) as the partner's user."""

import base64
import binascii
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import Channel
from cases.services import business_find_or_register, case_register, evidence_add
from cases.users import BUSINESS_GROUP
from core.audit import record_text, require_perm, save_audited

from . import keys
from .models import ApiKey, Handoff, Partner, Scope

# Which scopes a key of each kind of partner may carry.
KIND_SCOPES = {
    Partner.Kind.FORWARDER: {Scope.IMPORT, Scope.OPEN_DATA},
    Partner.Kind.BUSINESS: {Scope.BUSINESS, Scope.OPEN_DATA},
    Partner.Kind.STATISTICS: {Scope.OPEN_DATA},
}


# --- partners and keys ------------------------------------------------------------------------------------


def partner_create(*, actor, name: str, kind: str, business=None, webhook_url: str = "") -> Partner:
    """A partner and the user it acts as (named after it, no password: it signs in only with its keys). A platform
    business's user is a portal user of that business, so the portal's services accept its answers."""
    require_perm(actor, "api.add_partner")
    if kind == Partner.Kind.BUSINESS and business is None:
        raise ValidationError({"business": _("A platform business partner needs its business.")})
    if kind != Partner.Kind.BUSINESS:
        business = None
    with transaction.atomic():
        user = get_user_model().objects.create(
            username=f"api-{secrets.token_hex(6)}",
            first_name=name[:150],
            password=make_password(None),
            is_active=True,
        )
        partner = Partner(
            name=name, kind=kind, business=business, user=user, webhook_url=webhook_url,
            webhook_secret=secrets.token_urlsafe(32),
        )
        partner.full_clean()
        save_audited(partner, actor, reason=record_text(gettext_lazy("API partner created")))
        if business is not None:
            user.groups.add(Group.objects.get(name=BUSINESS_GROUP))
            business.members.add(user)
    return partner


def partner_deactivate(*, actor, partner_id: int) -> Partner:
    """Stop a partner: its keys stop working and its user can no longer act."""
    require_perm(actor, "api.change_partner")
    with transaction.atomic():
        partner = Partner.objects.select_for_update().select_related("user").get(pk=partner_id)
        partner.is_active = False
        save_audited(partner, actor, reason=record_text(gettext_lazy("API partner deactivated")), update_fields=["is_active"])
        partner.user.is_active = False
        partner.user.save(update_fields=["is_active"])
    return partner


def api_key_issue(*, actor, partner: Partner, name: str, scopes) -> tuple[ApiKey, str]:
    """Issue a key; returns it with the plain key, which is shown once and never stored."""
    require_perm(actor, "api.add_apikey")
    scopes = validate_scopes(partner, scopes)
    if not partner.is_active:
        raise ValidationError(_("The partner is deactivated."))
    prefix, plain = keys.generate()
    key = ApiKey(partner=partner, name=name, prefix=prefix, key_hash=keys.digest(plain), scopes=scopes, created_by=actor)
    save_audited(key, actor, reason=record_text(gettext_lazy("API key issued")))
    return key, plain


def validate_scopes(partner: Partner, scopes) -> list[str]:
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    allowed = KIND_SCOPES[partner.kind]
    if not set(scopes) <= allowed:
        raise ValidationError(
            {"scopes": _("A partner of this kind may only have: %(scopes)s.")
             % {"scopes": ", ".join(str(Scope(s).label) for s in sorted(allowed))}}
        )
    return scopes


def api_key_install(*, actor, partner: Partner, name: str, scopes, plain: str) -> ApiKey:
    """A key whose plain value is given (the demo's fixed key, settings.API_DEMO_KEYS under config.settings.local
    only); otherwise as api_key_issue."""
    key, _plain = api_key_issue(actor=actor, partner=partner, name=name, scopes=scopes)
    prefix = keys.parse_prefix(plain)
    if prefix is None:
        raise ValidationError(_("Not an API key."))
    key.prefix, key.key_hash = prefix, keys.digest(plain)
    save_audited(key, actor, update_fields=["prefix", "key_hash"])
    return key


def api_key_revoke(*, actor, key_id: int) -> ApiKey:
    require_perm(actor, "api.change_apikey")
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key_id)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revoked_by = actor
            save_audited(
                key, actor, reason=record_text(gettext_lazy("API key revoked")), update_fields=["revoked_at", "revoked_by"]
            )
    return key


# --- forwarded complaints (12315 / 12345) -----------------------------------------------------------------


def decode_attachment(item: dict):
    """A file sent as {"filename", "content_base64"}; its size and real type are checked by evidence_add."""
    try:
        content = base64.b64decode(item["content_base64"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"attachments": _("An attachment is not valid base64.")}) from exc
    return SimpleUploadedFile(item["filename"], content)


def handoff_receive(
    *, partner: Partner, external_id: str, channel: str, consumer: dict, business: dict, attachments=(), **fields
) -> tuple[Handoff, bool]:
    """Register a complaint a partner forwarded (as a `submitted` case, channel "transferred in", its source on
    the case) with its attachments. Idempotent: the same external id again returns the case made the first time
    (created False), also when both arrive at once: the id is claimed first, by a row with a unique constraint,
    so the second insert waits for the first transaction and then finds its case."""
    existing = _handoff(partner, external_id)
    if existing is not None:
        return existing, False
    actor = partner.user
    try:
        with transaction.atomic():
            handoff = Handoff.objects.create(partner=partner, external_id=external_id, channel=channel)
            reason = record_text(
                gettext_lazy("Complaint forwarded by %(partner)s (%(channel)s %(id)s) through the API"),
                partner=partner.name, channel=channel, id=external_id,
            )
            case = case_register(
                actor=actor,
                consumer=consumer,
                business=business_find_or_register(actor=actor, reason=reason, **business),
                reason=reason,
                channel=Channel.TRANSFERRED_IN,
                source_reference=f"{channel} · {external_id}",
                **fields,
            )
            for item in attachments:
                evidence_add(
                    case_id=case.pk, actor=actor, file=decode_attachment(item),
                    description=item.get("description") or record_text(gettext_lazy("Forwarded with the complaint")),
                )
            handoff.case = case
            handoff.save(update_fields=["case"])
    except IntegrityError:
        existing = _handoff(partner, external_id)
        if existing is None:
            raise
        return existing, False
    return handoff, True


def _handoff(partner, external_id):
    return (
        Handoff.objects.select_related("case").filter(partner=partner, external_id=external_id, case__isnull=False).first()
    )
