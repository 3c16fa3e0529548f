"""Writes of the public channel: an online complaint becomes a `submitted` case with a tracking secret.

Everything else the public pages and the portal do goes through mediation.services and cases.services.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy

from cases.choices import Channel
from cases.models import Business, Case
from cases.services import business_find_or_register, case_register, evidence_add
from cases.users import get_system_user
from core.audit import record_text
from groups.models import GroupComplaint, GroupMember, MemberConsent
from groups.services import group_member_add, member_consent_record

from . import tracking

PRIVACY_NOTICE_VERSION = "2026-1"


def complaint_submit_online(
    *, consumer: dict, business: dict, files=(), agent: dict | None = None,
    group: GroupComplaint | None = None, consents=(), **fields
) -> tuple[Case, str]:
    """Register the complaint as the system user ("online form" in the record), attach the uploaded evidence
    (each file checked by content) and return the case with the receipt's secret, which is not stored.

    With `group` the consumer joins that open group complaint (its business is the complaint's) and `consents`
    records the acts they agreed to on the form (groups.models.ConsentAct values)."""
    system = get_system_user()
    secret = tracking.new_secret()
    with transaction.atomic():
        case = case_register(
            actor=system,
            consumer=consumer,
            agent=agent,
            business=group.business if group is not None else _business_named(business, actor=system),
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
        if group is not None:
            member = group_member_add(group_id=group.pk, case_id=case.pk, actor=system, via=GroupMember.Via.ONLINE)
            for act in consents:
                member_consent_record(
                    member_id=member.pk, act=act, actor=system, via=MemberConsent.Via.TRACKING_PAGE,
                    note=record_text(gettext_lazy("Given on the online complaint form")),
                )
    return case, secret


def _business_named(data: dict, *, actor) -> Business:
    """The business of that exact name, else a new one from what the consumer gave (the mediator checks it when
    screening the complaint)."""
    return business_find_or_register(
        actor=actor,
        name=data["name"],
        address=data["address"],
        phone=data.get("phone", ""),
        reason=record_text(gettext_lazy("Named by a consumer in an online complaint")),
    )
