"""Writes of the public channel: an online complaint becomes a `submitted` case with a tracking secret.

Everything else the public pages and the portal do goes through mediation.services and cases.services.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy

from cases.choices import Channel
from cases.models import Business, Case
from cases.services import case_register, evidence_add
from cases.users import get_system_user
from core.audit import record_text, save_audited
from core.text import one_line

from . import tracking

PRIVACY_NOTICE_VERSION = "2026-1"


def complaint_submit_online(
    *, consumer: dict, business: dict, files=(), agent: dict | None = None, **fields
) -> tuple[Case, str]:
    """Register the complaint as the system user ("online form" in the record), attach the uploaded evidence
    (each file checked by content) and return the case with the receipt's secret, which is not stored."""
    system = get_system_user()
    secret = tracking.new_secret()
    with transaction.atomic():
        case = case_register(
            actor=system,
            consumer=consumer,
            agent=agent,
            business=_business_named(business, actor=system),
            reason=record_text(
                gettext_lazy(
                    "Complaint filed by the consumer through the online form; privacy notice %(version)s accepted"
                ),
                version=PRIVACY_NOTICE_VERSION,
            ),
            channel=Channel.ONLINE,
            tracking_secret_hash=tracking.secret_hash(secret),
            **fields,
        )
        for upload in files:
            evidence_add(
                case_id=case.pk,
                actor=system,
                file=upload,
                description=record_text(gettext_lazy("Uploaded with the online complaint")),
            )
    return case, secret


def _business_named(data: dict, *, actor) -> Business:
    """The business of that exact name, else a new one from what the consumer gave (the mediator checks it when
    screening the complaint)."""
    name = one_line(data["name"])
    found = Business.objects.filter(name=name).order_by("pk").first()
    if found is not None:
        return found
    business = Business(name=name, address=data["address"].strip(), phone=data.get("phone", "").strip())
    business.full_clean()
    return save_audited(
        business, actor, reason=record_text(gettext_lazy("Named by a consumer in an online complaint"))
    )
