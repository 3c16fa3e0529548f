"""Every write to a case: one function per business action, keyword-only, inside a transaction.

These are the public services of the actions whose whole meaning is the case's own (intake, screening, start of
mediation, withdrawal, closing, assignment, edits). The actions that other apps own (transfer with its sheet, the
business's answer, appraisal, outcomes with their documents) are public in those apps (mediation.services) and run
their transition through the internal cases.transitions.
"""


from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record_text, require_perm, save_audited
from core.dates import cn_date

from . import deadlines, transitions
from .choices import PauseKind
from .documents import document_issue
from .models import (
    Business,
    Case,
    CaseNote,
    CaseRejectionGround,
    Consumer,
    DocumentKind,
    Evidence,
)
from .numbering import next_number
from .users import get_system_user
from .validators import sniff_mime_type, validate_evidence_file


def _resolve_actor(actor):
    return actor if actor is not None else get_system_user()


def _today():
    return timezone.localdate()


# --- intake ----------------------------------------------------------------------------------------


def case_register(
    *, actor=None, consumer: dict, business: Business | None, reason: str = "", **fields
) -> Case:
    """Register a complaint received by any channel; it waits in `submitted` for screening."""
    actor = _resolve_actor(actor)
    with transaction.atomic():
        person = Consumer(**consumer)
        person.full_clean()
        save_audited(person, actor)
        case = Case(consumer=person, business=business, **fields)
        case.acceptance_due_on = deadlines.acceptance_due(timezone.localdate(case.received_at))
        case.full_clean(exclude=["state"])
        transitions.save_case(case, actor=actor, reason=reason or record_text(gettext_lazy("Complaint registered")))
    return case


def case_request_supplement(*, case_id: int, actor, missing: str) -> Case:
    """Ask the consumer for missing material; the acceptance clock waits until it arrives."""
    if not missing.strip():
        raise ValidationError(_("Say which material is missing."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        require_perm(actor, "cases.screen_case")
        if case.state != "submitted":
            raise ValidationError(_("Material can only be requested before the screening decision."))
        if case.pause_kind:
            raise ValidationError(
                _("The case is already waiting: %(kind)s.") % {"kind": case.get_pause_kind_display()}
            )
        transitions.pause_open(case, kind=PauseKind.SUPPLEMENT, reason=missing, actor=actor)
        transitions.save_case(
            case,
            actor=actor,
            reason=record_text(gettext_lazy("Supplementary material requested: %(missing)s"), missing=missing),
        )
    return case


def case_supplement_received(*, case_id: int, actor, note: str = "") -> Case:
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        require_perm(actor, "cases.screen_case")
        if case.pause_kind != PauseKind.SUPPLEMENT:
            raise ValidationError(_("The case is not waiting for supplementary material."))
        days = transitions.pause_close(case, actor=actor)
        case.acceptance_due_on = deadlines.extend_for_pause(case.acceptance_due_on, days)
        transitions.save_case(
            case, actor=actor, reason=record_text(gettext_lazy("Supplementary material received. %(note)s"), note=note)
        )
    return case


# --- screening --------------------------------------------------------------------------------------


def case_accept(*, case_id: int, actor, reason: str = "") -> Case:
    """Accept (立案): the case number and the filing date are fixed and the handling deadline starts."""
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        filed_on = _today()
        # Taken inside the transaction: if the transition is refused, the rollback returns the number.
        number = next_number(prefix="TS", year=filed_on.year)
        return transitions.run(
            case,
            "accept",
            actor=actor,
            reason=reason or record_text(gettext_lazy("Accepted and filed")),
            number=number,
            filed_on=filed_on,
            due_on=deadlines.handling_due(filed_on),
        )


def case_reject(*, case_id: int, actor, grounds, explanation: str) -> Case:
    """Reject (不予受理) with at least one ground; the notice for the consumer is issued as a document (BS-)."""
    grounds = list(grounds)
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        for ground in grounds:
            CaseRejectionGround.objects.get_or_create(case=case, ground=ground)
        codes = ", ".join(g.code for g in grounds)
        case = transitions.run(
            case,
            "reject",
            actor=actor,
            reason=record_text(gettext_lazy("Rejected (%(codes)s): %(why)s"), codes=codes, why=explanation),
            explanation=explanation,
            decided_on=_today(),
        )
        document_issue(
            case=case,
            kind=DocumentKind.REJECTION_NOTICE,
            text=render_rejection_notice(case=case, grounds=grounds, explanation=explanation),
            fields=[
                ("投诉人", case.consumer.name),
                ("被投诉经营者", case.business.name if case.business else "（被投诉方不明确）"),
                ("商品或服务", case.product),
                ("收到投诉日期", cn_date(timezone.localdate(case.received_at))),
                ("审查决定日期", cn_date(case.decided_on)),
            ],
            actor=actor,
        )
        return case


def render_rejection_notice(*, case, grounds, explanation) -> str:
    """The 不予受理告知书 text, always in Chinese: it is a document addressed to the consumer."""
    with translation.override("zh-hans"):
        return render_to_string(
            "cases/rejection_notice.txt",
            {"case": case, "grounds": grounds, "explanation": explanation},
        )


# --- handling -------------------------------------------------------------------------------------


def case_start_mediation(*, case_id: int, actor, reason: str) -> Case:
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        case.mediation_due_on = deadlines.mediation_due(_today())  # saved only if the transition is
        return transitions.run(
            case, "start_mediation", actor=actor, reason=reason or record_text(gettext_lazy("Mediation started"))
        )


def case_withdraw(*, case_id: int, actor, reason: str, check_permission=True) -> Case:
    """The consumer withdraws (or settled privately); an open pause ends with the case."""
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if case.pause_kind and case.is_open:
            transitions.pause_close(case, actor=actor)
        return transitions.run(
            case,
            "withdraw",
            actor=actor,
            reason=record_text(gettext_lazy("Withdrawn: %(why)s"), why=reason),
            check_permission=check_permission,
            why=reason,
            on=_today(),
        )


def case_close(*, case_id: int, actor, note: str = "") -> Case:
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        return transitions.run(
            case, "close", actor=actor, reason=note or record_text(gettext_lazy("Closed")), note=note, at=timezone.now()
        )


# --- other writes ------------------------------------------------------------------------------------


def case_assign_mediator(*, case_ids, mediator, actor, reason: str) -> int:
    """(Re)assign cases to a mediator; supervisors only; each case's history records who and why."""
    require_perm(actor, "cases.reassign_case")
    if not reason.strip():
        raise ValidationError(_("Say why the cases are reassigned."))
    if not mediator.has_perm("cases.mediate_case"):
        raise ValidationError(_("%(user)s is not a mediator.") % {"user": mediator})
    count = 0
    with transaction.atomic():
        for case in Case.objects.filter(pk__in=list(case_ids)).exclude(mediator=mediator):
            case.mediator = mediator
            transitions.save_case(
                case,
                actor=actor,
                reason=record_text(gettext_lazy("Assigned to %(user)s: %(why)s"), user=mediator, why=reason),
                update_fields=["mediator", "updated_at"],
            )
            count += 1
    return count


def case_add_note(*, case_id: int, actor, body: str) -> CaseNote:
    if not body.strip():
        raise ValidationError(_("The note is empty."))
    with transaction.atomic():
        note = CaseNote(case_id=case_id, author=actor, body=body)
        save_audited(note, actor)
    return note


def evidence_add(*, case_id: int, actor, file, description: str = "", shared_with_business=False) -> Evidence:
    item = Evidence(
        case_id=case_id, file=file, description=description, shared_with_business=shared_with_business
    )
    return evidence_save(item=item, actor=actor)


def case_update(*, case: Case, actor, reason: str, changed: list[str]) -> Case:
    """Staff edit of a case's descriptive fields; the reason is kept in the history."""
    if not changed:
        return case
    if not case.is_open:
        raise ValidationError(_("A finished case cannot be edited."))
    if "mediator" in changed and not actor.has_perm("cases.reassign_case"):
        original = Case.objects.filter(pk=case.pk).values_list("mediator_id", flat=True).get()
        if original is not None:
            raise PermissionDenied(_("Only a supervisor can reassign a case."))
    if not reason.strip():
        raise ValidationError(_("Say why you change the case."))
    with transaction.atomic():
        case.full_clean(exclude=["state"])
        transitions.save_case(case, actor=actor, reason=reason, update_fields=[*changed, "updated_at"])
    return case


def evidence_save(*, item: Evidence, actor) -> Evidence:
    """Store an uploaded file after checking its size and its real type (by content)."""
    if item.pk is None:
        validate_evidence_file(item.file)
        item.content_type = sniff_mime_type(item.file)
        item.size = item.file.size
        item.uploaded_by = item.uploaded_by or actor
    with transaction.atomic():
        save_audited(item, actor)
    return item
