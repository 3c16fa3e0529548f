"""Escalation and publicity (报告政府 / 媒体曝光): a mediator proposes, another supervisor decides (four eyes)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseState
from cases.models import Case
from cases.users import SUPERVISOR_GROUP
from core.audit import record_text, require_perm, require_text, save_audited
from core.dates import today
from core.text import mentions
from notifications.services import notification_enqueue

from ..models import (
    Escalation,
    GovernmentReport,
    Publication,
)

ESCALATABLE_STATES = {
    CaseState.ACCEPTED, CaseState.TRANSFERRED, CaseState.REPLIED, CaseState.MEDIATING, CaseState.APPRAISAL,
    CaseState.RESOLVED, CaseState.TERMINATED, CaseState.CLOSED,
}


# --- escalation and publicity (报告政府 / 媒体曝光) ------------------------------------------------------------------


def escalation_propose(*, case_id: int, actor, kind: str, reasons: str) -> Escalation:
    """A mediator proposes to report the case to a department or to expose it in the media; a supervisor who is
    not the proposer decides (escalation_decide)."""
    require_perm(actor, "cases.mediate_case")
    require_text(reasons, _("Give the reasons for the escalation."))
    if kind not in Escalation.Kind.values:
        raise ValidationError(_("Choose the kind of escalation."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.state not in ESCALATABLE_STATES or case.business_id is None:
            raise ValidationError(_("Only a filed case against an identified business can be escalated."))
        if Escalation.objects.filter(case=case, kind=kind, status=Escalation.Status.PROPOSED).exists():
            raise ValidationError(_("A proposal of this kind is already waiting for a decision."))
        escalation = Escalation(
            case=case, business_id=case.business_id, kind=kind, reasons=reasons, proposed_by=actor
        )
        save_audited(
            escalation, actor,
            reason=record_text(gettext_lazy("Escalation proposed (%(kind)s): %(why)s"), kind=kind, why=reasons),
        )
        _notify_supervisors(escalation, actor)
    return escalation


def _notify_supervisors(escalation, proposer):
    users = get_user_model().objects.filter(
        Q(groups__name=SUPERVISOR_GROUP), is_active=True
    ).exclude(pk=proposer.pk).distinct()
    for user in users:
        notification_enqueue(
            channel="in_app", template="generic", recipient_user=user, about=escalation,
            context={
                "subject": record_text(gettext_lazy("Escalation to decide: %(case)s"), case=escalation.case),
                "message": escalation.reasons,
            },
            dedupe_key=f"escalation-proposed-{escalation.pk}-{user.pk}",
        )


def escalation_decide(*, case_id: int, escalation_id: int, actor, approve: bool, note: str = "") -> Escalation:
    """A supervisor approves or refuses a proposal. Four eyes: the proposer never decides, even when they are a
    supervisor too (also a database constraint)."""
    require_perm(actor, "mediation.approve_escalation")
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().filter(pk=escalation_id, case_id=case_id).first()
        if escalation is None:
            raise ValidationError(_("This proposal does not belong to this case."))
        if escalation.proposed_by_id == actor.pk:
            raise PermissionDenied(_("You proposed this escalation; another supervisor must decide it."))
        if escalation.status != Escalation.Status.PROPOSED:
            raise ValidationError(_("This proposal has already been decided."))
        if not approve:
            require_text(note, _("Say why the proposal is refused."))
        decide = escalation.approve if approve else escalation.refuse
        decide(by=actor, at=timezone.now(), note=note)
        message = gettext_lazy("Escalation approved: %(note)s") if approve else gettext_lazy(
            "Escalation refused: %(note)s"
        )
        save_audited(escalation, actor, reason=record_text(message, note=note))
        notification_enqueue(
            channel="in_app", template="generic", recipient_user=escalation.proposed_by, about=escalation,
            context={"subject": record_text(message, note=note), "message": str(escalation.case)},
            dedupe_key=f"escalation-decided-{escalation.pk}",
        )
    return escalation


def _approved(case_id, escalation_id, kind):
    escalation = (
        Escalation.objects.select_related("case__consumer")
        .filter(pk=escalation_id, case_id=case_id, kind=kind, status=Escalation.Status.APPROVED)
        .first()
    )
    if escalation is None:
        raise ValidationError(_("Choose an approved escalation of this case."))
    return escalation


def escalation_report_record(
    *, case_id: int, escalation_id: int, actor, department: str, reported_on: date, reply: str = "",
    replied_on: date | None = None,
) -> GovernmentReport:
    """Record the report of an approved escalation to a government or competent department."""
    require_perm(actor, "cases.mediate_case")
    require_text(department, _("Name the department."))
    with transaction.atomic():
        escalation = _approved(case_id, escalation_id, Escalation.Kind.REPORT)
        report = GovernmentReport(
            escalation=escalation, department=department, reported_on=reported_on, reply=reply,
            replied_on=replied_on if reply else None, recorded_by=actor,
        )
        _check_dates(reported_on, report.replied_on)
        report.full_clean()
        return save_audited(
            report, actor, reason=record_text(gettext_lazy("Reported to %(dept)s"), dept=department)
        )


def escalation_report_reply(*, case_id: int, report_id: int, actor, reply: str, replied_on: date) -> GovernmentReport:
    """Record the department's reply to a report."""
    require_perm(actor, "cases.mediate_case")
    require_text(reply, _("Record the department's reply."))
    with transaction.atomic():
        report = GovernmentReport.objects.select_for_update().filter(
            pk=report_id, escalation__case_id=case_id
        ).first()
        if report is None:
            raise ValidationError(_("This report does not belong to this case."))
        _check_dates(report.reported_on, replied_on)
        report.reply, report.replied_on = reply, replied_on
        return save_audited(
            report, actor, reason=record_text(gettext_lazy("Reply from %(dept)s"), dept=report.department),
            update_fields=["reply", "replied_on"],
        )


def _check_dates(reported_on, replied_on):
    if reported_on > today() or (replied_on and replied_on > today()):
        raise ValidationError(_("Dates cannot be in the future."))
    if replied_on and replied_on < reported_on:
        raise ValidationError(_("The reply cannot come before the report."))


def escalation_publication_record(
    *, case_id: int, escalation_id: int, actor, outlet: str, published_on: date, title: str, summary: str,
    link: str = "",
) -> Publication:
    """Record a publication of an approved publicity escalation. Publications are shown on the public page, so
    they must not carry the consumer's name, phone or ID number, however written (core.text.mentions: spaces,
    dashes, full-width digits)."""
    require_perm(actor, "cases.mediate_case")
    with transaction.atomic():
        escalation = _approved(case_id, escalation_id, Escalation.Kind.PUBLICITY)
        if published_on > today():
            raise ValidationError(_("Dates cannot be in the future."))
        consumer = escalation.case.consumer
        public_text = " ".join([outlet, title, summary, link])
        for value in (consumer.name, consumer.phone, consumer.id_number):
            if mentions(public_text, value):
                raise ValidationError(
                    _("The publication is public: remove the consumer's personal data (name, phone, ID number).")
                )
        publication = Publication(
            escalation=escalation, outlet=outlet, published_on=published_on, title=title, summary=summary,
            link=link, recorded_by=actor,
        )
        publication.full_clean()
        return save_audited(
            publication, actor,
            reason=record_text(gettext_lazy("Published in %(outlet)s: %(title)s"), outlet=outlet, title=title),
        )

