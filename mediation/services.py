"""Writes about a case's handling after filing, one function per action (see cases.services for the core):
transfer sheets, the business's answer and messages (portal), the consumer's response and rating (public pages),
appraisal, outcomes and the documents issued, escalation and publicity, follow-up.

The services here wrap the core's transitions (transfer, record_reply, request_appraisal, appraisal_done, resolve,
terminate, close) and add their own records in the same transaction: if either part fails, nothing is saved.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines
from cases import services as case_services
from cases.choices import CaseState, DisputeChannel
from cases.models import Business, Case, Evidence
from cases.numbering import next_number
from cases.services import (
    CaseConflictError,
    case_record_reply,
    case_start_mediation,
    case_transfer,
    evidence_add,
    record_text,
    require_perm,
    save_audited,
)
from cases.users import BUSINESS_GROUP, SUPERVISOR_GROUP, get_system_user
from cases.validators import sniff_mime_type, validate_evidence_file
from documents.pdf import PdfDocument, render_pdf
from notifications.services import notification_enqueue

from .links import portal_sheet_link
from .models import (
    REMEDIES_WITH_AMOUNT,
    AppraisalBody,
    AppraisalRequest,
    BusinessReply,
    CaseDocument,
    ConsumerResponse,
    Escalation,
    FollowUp,
    GovernmentReport,
    Publication,
    Remedy,
    RemedyLine,
    ReplyKind,
    SheetMessage,
    TransferSheet,
    TransferSheetDispatch,
)

RATABLE_STATES = {CaseState.RESOLVED, CaseState.TERMINATED, CaseState.WITHDRAWN, CaseState.CLOSED}
# Finished cases that the follow-up sweep closes once the window has lapsed.
CLOSABLE_STATES = [CaseState.RESOLVED, CaseState.TERMINATED, CaseState.WITHDRAWN]
# A case can be escalated once it is filed, and unless the consumer withdrew it.
ESCALATABLE_STATES = {
    CaseState.ACCEPTED, CaseState.TRANSFERRED, CaseState.REPLIED, CaseState.MEDIATING, CaseState.APPRAISAL,
    CaseState.RESOLVED, CaseState.TERMINATED, CaseState.CLOSED,
}
# Remedies that are money paid to the consumer: their amount is required.
MONEY_REMEDIES = {RemedyLine.Kind.REFUND, RemedyLine.Kind.COMPENSATION}

# The documents are addressed to the parties in Chinese, whatever the language of the person issuing them.
REMEDY_ZH = {
    "refund": "退款", "replacement": "更换商品", "repair": "维修", "compensation": "赔偿",
    "apology": "赔礼道歉", "other": "其他",
}


def _require_text(value, message):
    if not (value and str(value).strip()):
        raise ValidationError(message)


def _today():
    return timezone.localdate()


# --- appraisal (鉴定) ------------------------------------------------------------------------------------


def appraisal_request(
    *, case_id: int, actor, body: AppraisalBody, items: str, fee: Decimal | None = None, fee_advanced_by: str = ""
) -> AppraisalRequest:
    """Send the quality question to an appraisal body: the case moves to `appraisal` and its clock pauses."""
    _require_text(items, _("Say what is to be appraised."))
    if body is None or not body.is_active:
        raise ValidationError(_("Choose an active appraisal body from the register."))
    with transaction.atomic():
        case = case_services.case_request_appraisal(
            case_id=case_id,
            actor=actor,
            reason=record_text(gettext_lazy("Appraisal by %(body)s: %(items)s"), body=body.name, items=items),
        )
        request = AppraisalRequest(
            case=case, body=body, items=items, requested_on=case.paused_on, fee=fee,
            fee_advanced_by=fee_advanced_by, requested_by=actor,
        )
        request.full_clean()
        save_audited(request, actor)
    return request


def appraisal_conclude(
    *,
    case_id: int,
    actor,
    conclusion: str,
    responsible_party: str,
    fee_borne_by: str,
    conclusion_file=None,
    fee: Decimal | None = None,
    received_on: date | None = None,
) -> Case:
    """Record the body's conclusion: the case returns to `mediating`, its due date moved by the paused days.

    The fee is borne by the party the conclusion finds responsible unless the parties agreed otherwise; both are
    recorded. A case sent to appraisal before the register existed has no request row: the conclusion is then
    kept in the case's history only.
    """
    _require_text(conclusion, _("Record the appraisal's conclusion."))
    received_on = received_on or _today()
    if received_on > _today():
        raise ValidationError(_("The conclusion cannot be received in the future."))
    if conclusion_file:
        validate_evidence_file(conclusion_file)
    with transaction.atomic():
        request = (
            AppraisalRequest.objects.select_for_update()
            .select_related("body")
            .filter(case_id=case_id, status=AppraisalRequest.Status.OPEN)
            .first()
        )
        if request is not None and received_on < request.requested_on:
            raise ValidationError(_("The conclusion cannot be received before the appraisal was requested."))
        body = request.body.name if request else "—"
        case = case_services.case_appraisal_done(
            case_id=case_id,
            actor=actor,
            reason=record_text(
                gettext_lazy("Appraisal concluded (%(body)s): %(conclusion)s"), body=body, conclusion=conclusion
            ),
        )
        if request is not None:
            request.status = AppraisalRequest.Status.CONCLUDED
            request.conclusion = conclusion
            request.received_on = received_on
            request.responsible_party = responsible_party
            request.fee_borne_by = fee_borne_by
            if fee is not None:
                request.fee = fee
            if conclusion_file:
                request.conclusion_content_type = sniff_mime_type(conclusion_file)
                request.conclusion_file = conclusion_file
            request.full_clean()
            save_audited(request, actor)
    return case


# --- outcomes ------------------------------------------------------------------------------------------------


def outcome_resolve(
    *, case_id: int, actor, remedies: list[dict], terms: str = "", money_recovered: Decimal | None = None
) -> CaseDocument:
    """Record the agreement (remedy lines, money recovered), resolve the case and issue the 调解协议书 PDF.

    `remedies`: dicts with kind, amount (None for an apology) and description. `money_recovered` defaults to the
    sum of the amounts. Returns the issued agreement.
    """
    lines = _remedy_lines(remedies)
    if money_recovered is None:
        money_recovered = sum((line.amount or Decimal("0") for line in lines), Decimal("0"))
    terms = terms.strip() or _terms_from(lines)
    with transaction.atomic():
        case = case_services.case_resolve(case_id=case_id, actor=actor, terms=terms, money_recovered=money_recovered)
        for line in lines:
            line.case = case
            line.full_clean()
            save_audited(line, actor)
        return _issue_agreement(case, lines, actor)


def _remedy_lines(remedies):
    if not remedies:
        raise ValidationError(_("Record at least one remedy of the agreement."))
    lines = []
    for item in remedies:
        kind = item.get("kind")
        if kind not in RemedyLine.Kind.values:
            raise ValidationError(_("Unknown remedy: %(kind)s.") % {"kind": kind})
        amount = item.get("amount")
        label = RemedyLine.Kind(kind).label
        if kind in MONEY_REMEDIES and amount is None:
            raise ValidationError(_("Enter the amount of the %(remedy)s.") % {"remedy": label})
        if amount is not None and amount < 0:
            raise ValidationError(_("Amounts cannot be negative."))
        if kind == RemedyLine.Kind.APOLOGY and amount is not None:
            raise ValidationError(_("An apology has no amount."))
        lines.append(RemedyLine(kind=kind, amount=amount, description=(item.get("description") or "").strip()))
    return lines


def _terms_from(lines):
    parts = []
    for line in lines:
        text = REMEDY_ZH[line.kind]
        if line.amount is not None:
            text += f"{line.amount}元"
        if line.description:
            text += f"（{line.description}）"
        parts.append(text)
    return "；".join(parts)


def _issue_agreement(case, lines, actor):
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/documents/agreement.txt",
            {
                "case": case,
                "remedies": [
                    {"label": REMEDY_ZH[line.kind], "amount": line.amount, "description": line.description}
                    for line in lines
                ],
                "terms": case.agreement_terms,
                "money_recovered": case.money_recovered,
                "association": settings.ASSOCIATION_NAME,
            },
        )
    consumer, business = case.consumer, case.business
    fields = [
        ("案件编号", case.number or ""),
        ("甲方（消费者）", consumer.name),
        ("甲方联系电话", consumer.phone),
        ("乙方（经营者）", business.name if business else ""),
        ("乙方地址", business.address if business else ""),
        ("商品或服务", case.product),
        ("调解员", _person(case.mediator or actor)),
    ]
    footer = (
        "甲方（签字）：____________        乙方（盖章）：____________\n\n"
        f"调解员：{_person(case.mediator or actor)}        {settings.ASSOCIATION_NAME}\n"
        f"{_chinese_date(case.outcome_on)}"
    )
    return _issue(case, CaseDocument.Kind.AGREEMENT, "调解协议书", "XY", text, fields, footer, actor)


def outcome_terminate(
    *, case_id: int, actor, ground, channel: str, explanation: str
) -> CaseDocument:
    """Terminate mediation with a ground and the advised channel, and issue the 终止调解告知书 PDF. An appraisal
    still open (e.g. the parties could not agree on the body or the fee, ground T04) is recorded as abandoned."""
    _require_text(explanation, _("Explain the termination to the parties."))
    with transaction.atomic():
        case = case_services.case_terminate(
            case_id=case_id, actor=actor, ground=ground, channel=channel, explanation=explanation
        )
        for request in AppraisalRequest.objects.select_for_update().filter(
            case=case, status=AppraisalRequest.Status.OPEN
        ):
            request.status = AppraisalRequest.Status.ABANDONED
            save_audited(request, actor, reason=record_text(gettext_lazy("Mediation terminated")))
        return _issue_termination_notice(case, actor)


def _issue_termination_notice(case, actor):
    with translation.override("zh-hans"):
        channel_label = str(DisputeChannel(case.advised_channel).label)
        text = render_to_string(
            "mediation/documents/termination.txt",
            {
                "case": case,
                "ground": case.termination_ground,
                "explanation": case.termination_explanation,
                "channel": channel_label,
            },
        )
    fields = [
        ("案件编号", case.number or ""),
        ("投诉人", case.consumer.name),
        ("被投诉经营者", case.business.name if case.business else ""),
        ("商品或服务", case.product),
        ("终止理由", case.termination_ground.label_zh),
        ("建议途径", channel_label),
    ]
    footer = f"{settings.ASSOCIATION_NAME}\n{_chinese_date(case.outcome_on)}"
    return _issue(case, CaseDocument.Kind.TERMINATION_NOTICE, "终止调解告知书", "ZZ", text, fields, footer, actor)


def _issue(case, kind, title, prefix, text, fields, footer, actor):
    """Number, lay out and store a document; its text and PDF never change after this."""
    issued_at = timezone.now()
    number = next_number(prefix=prefix, year=timezone.localdate(issued_at).year)
    pdf = render_pdf(PdfDocument(title=title, number=number, fields=fields, body=text, footer=footer))
    document = CaseDocument(
        case=case, kind=kind, number=number, title=title, text=text, issued_by=actor, issued_at=issued_at
    )
    document.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    return save_audited(document, actor, reason=record_text(gettext_lazy("Document issued: %(n)s"), n=number))


def _chinese_date(day):
    day = day or _today()
    return f"{day.year}年{day.month}月{day.day}日"


# --- follow-up (回访) and closing ------------------------------------------------------------------------------


def follow_up_record(*, case_id: int, channel: str, satisfaction: int | None, comment: str = "", actor) -> FollowUp:
    """Record the one follow-up of a finished case (the consumer's rating online, or a mediator's phone call)."""
    if channel != FollowUp.Channel.NONE and satisfaction not in (1, 2, 3, 4, 5):
        raise ValidationError(_("Give a satisfaction rating from 1 to 5."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.state not in RATABLE_STATES:
            raise ValidationError(_("The handling can be rated only after the case has an outcome."))
        follow_up = FollowUp(
            case=case, channel=channel, satisfaction=satisfaction if channel != "none" else None,
            comment=comment, recorded_by=actor,
        )
        try:
            with transaction.atomic():
                save_audited(follow_up, actor, reason=record_text(gettext_lazy("Follow-up recorded")))
        except IntegrityError as exc:
            raise ValidationError(_("The follow-up of this case has already been recorded.")) from exc
    return follow_up


def follow_up_by_phone(*, case_id: int, actor, satisfaction: int, comment: str = "") -> FollowUp:
    """A mediator's phone follow-up (电话回访) of a finished case."""
    require_perm(actor, "cases.mediate_case")
    return follow_up_record(
        case_id=case_id, channel=FollowUp.Channel.PHONE, satisfaction=satisfaction, comment=comment, actor=actor
    )


def follow_up_sweep(*, today: date | None = None) -> dict:
    """Close the finished cases whose follow-up window (FOLLOW_UP_WINDOW_DAYS after the outcome) has lapsed.

    Steps: ask the database for the due cases (index case_unclosed_outcome_idx); for each, in its own transaction,
    lock it (skipping one another sweep holds), record "no follow-up" if the consumer never rated, and close it
    through the FSM as the system user. A case closed meanwhile by a person, or by a concurrent sweep, is skipped:
    the transition refuses to run twice, and the one-follow-up-per-case constraint is the last guard.
    """
    today = today or _today()
    cutoff = today - timedelta(days=settings.FOLLOW_UP_WINDOW_DAYS)
    system = get_system_user()
    due = list(
        Case.objects.filter(state__in=CLOSABLE_STATES, outcome_on__lte=cutoff)
        .order_by("outcome_on", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"closed_without_follow_up": 0, "closed_after_follow_up": 0, "skipped": 0}
    for case_id in due:
        try:
            with transaction.atomic():
                case = (
                    Case.objects.select_for_update(skip_locked=True)
                    .filter(pk=case_id, state__in=CLOSABLE_STATES)
                    .first()
                )
                if case is None:
                    counts["skipped"] += 1
                    continue
                rated = FollowUp.objects.filter(case_id=case_id).exists()
                if not rated:
                    follow_up_record(case_id=case_id, channel=FollowUp.Channel.NONE, satisfaction=None, actor=system)
                    note = record_text(
                        gettext_lazy("No follow-up: no rating within %(days)s days of the outcome."),
                        days=settings.FOLLOW_UP_WINDOW_DAYS,
                    )
                else:
                    note = record_text(gettext_lazy("Closed after the follow-up window."))
                case_services.case_close(case_id=case_id, actor=system, note=note)
        except (CaseConflictError, ValidationError):
            counts["skipped"] += 1
            continue
        counts["closed_after_follow_up" if rated else "closed_without_follow_up"] += 1
    return counts


# --- escalation and publicity (报告政府 / 媒体曝光) ------------------------------------------------------------------


def escalation_propose(*, case_id: int, actor, kind: str, reasons: str) -> Escalation:
    """A mediator proposes to report the case to a department or to expose it in the media; a supervisor who is
    not the proposer decides (escalation_decide)."""
    require_perm(actor, "cases.mediate_case")
    _require_text(reasons, _("Give the reasons for the escalation."))
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
            _require_text(note, _("Say why the proposal is refused."))
        escalation.status = Escalation.Status.APPROVED if approve else Escalation.Status.REFUSED
        escalation.decided_by = actor
        escalation.decided_at = timezone.now()
        escalation.decision_note = note
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
    _require_text(department, _("Name the department."))
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
    _require_text(reply, _("Record the department's reply."))
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
    if reported_on > _today() or (replied_on and replied_on > _today()):
        raise ValidationError(_("Dates cannot be in the future."))
    if replied_on and replied_on < reported_on:
        raise ValidationError(_("The reply cannot come before the report."))


def escalation_publication_record(
    *, case_id: int, escalation_id: int, actor, outlet: str, published_on: date, title: str, summary: str,
    link: str = "",
) -> Publication:
    """Record a publication of an approved publicity escalation. Publications are shown on the public page, so
    they must not carry the consumer's name or phone."""
    require_perm(actor, "cases.mediate_case")
    with transaction.atomic():
        escalation = _approved(case_id, escalation_id, Escalation.Kind.PUBLICITY)
        if published_on > _today():
            raise ValidationError(_("Dates cannot be in the future."))
        consumer = escalation.case.consumer
        public_text = " ".join([outlet, title, summary, link])
        for value in (consumer.name, consumer.phone, consumer.id_number):
            if value and value.strip() and value.strip() in public_text:
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

# --- transfer sheets (转办单) --------------------------------------------------------------------------


def case_transfer_with_sheet(*, case_id: int, actor, reason: str = "") -> Case:
    """Transfer the case to its business and issue the numbered transfer sheet, in one transaction.

    Steps: run the FSM transition (state, permission, conditions, audit); take the next ZB number on the
    counter row (a refused or failed transfer rolls the number back, so numbers stay gap-free); render the
    sheet's text once and store it; send it by email to the business's contact (on commit).
    """
    with transaction.atomic():
        case = case_transfer(case_id=case_id, actor=actor, reason=reason)
        transfer_sheet_issue(case=case, actor=actor)
    return case


def transfer_sheet_issue(*, case: Case, actor) -> TransferSheet:
    """Issue the sheet of a case that has just been transferred; the caller holds the transaction."""
    now = timezone.now()
    today = timezone.localdate(now)
    # The case keeps the business's answer date (the ladder and the urging notices key on it); the sheet tells it.
    answer = deadlines.business_answer_due(
        timezone.localdate(case.transferred_at or now), deadlines.pauses_of(case), filed_on=case.filed_on
    )
    case_services.case_answer_due_set(case=case, actor=actor, answer_due_on=answer.on)
    sheet = TransferSheet(
        case=case,
        business=case.business,
        number=next_number(prefix="ZB", year=today.year),
        answer_by=case.answer_due_on,
        issued_by=actor,
        issued_at=now,
    )
    sheet.content = render_transfer_sheet(sheet=sheet, case=case, provisional=answer.provisional)
    sheet.contact_user = business_contact_user(case.business) if case.business.email else None
    save_audited(sheet, actor, reason=record_text(gettext_lazy("Transfer sheet issued")))
    if case.business.email:
        _dispatch(sheet, actor=actor, kind=TransferSheetDispatch.Kind.ISSUED, to_address=case.business.email)
    return sheet


def render_transfer_sheet(*, sheet: TransferSheet, case: Case, provisional: bool = False) -> str:
    """The sheet's text, always in Chinese (a document addressed to the business). Rendered once, then frozen."""
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/transfer_sheet.txt",
            {
                "sheet": sheet,
                "case": case,
                "association": settings.ASSOCIATION_NAME,
                "association_phone": settings.ASSOCIATION_PHONE,
                "mediator_name": _person(case.mediator),
                "portal_url": settings.PUBLIC_BASE_URL + reverse("portal:home"),
                "provisional": provisional,
            },
        )
    return text.strip() + "\n"


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def business_contact_user(business: Business, *, email: str = ""):
    """The portal account the sheet's emailed links sign in: the business's member whose email is the contact
    address (the business's, unless `email` is given), else a dedicated contact account of the business (no
    password: it signs in only through those links)."""
    User = get_user_model()
    email = email or business.email
    member = business.members.filter(email__iexact=email, is_active=True).order_by("pk").first()
    if member is not None:
        return member
    user, created = User.objects.get_or_create(
        username=f"business-contact-{business.pk}",
        defaults={
            "email": email,
            "first_name": (business.contact_person or business.name)[:150],
            "password": make_password(None),
        },
    )
    if not created and user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    user.groups.add(Group.objects.get(name=BUSINESS_GROUP))
    business.members.add(user)
    return user


def transfer_sheet_resend(*, case_id: int, actor, to_address: str = "", note: str = "") -> TransferSheetDispatch:
    """Send the sheet (as issued) again, with a fresh portal link, to the business's contact or another address."""
    require_perm(actor, "cases.transfer_case")
    with transaction.atomic():
        sheet = (
            TransferSheet.objects.select_for_update(of=("self",))
            .select_related("case", "business", "contact_user")
            .filter(case_id=case_id)
            .first()
        )
        if sheet is None:
            raise ValidationError(_("This case has no transfer sheet."))
        if not sheet.case.is_open:
            raise ValidationError(_("The case is finished; its transfer sheet is not sent any more."))
        to_address = (to_address or sheet.business.email).strip()
        if not to_address:
            raise ValidationError(
                _("The business has no email address. Enter one, or print the sheet and send it by post.")
            )
        if sheet.contact_user is None:
            sheet.contact_user = business_contact_user(sheet.business, email=to_address)
            save_audited(sheet, actor, update_fields=["contact_user"])
        return _dispatch(
            sheet, actor=actor, kind=TransferSheetDispatch.Kind.RESENT, to_address=to_address, note=note
        )


def _dispatch(sheet, *, actor, kind, to_address, note=""):
    """Record the sending, then put the email in the outbox (delivered once the transaction commits)."""
    dispatch = save_audited(
        TransferSheetDispatch(
            sheet=sheet, kind=kind, to_address=to_address, note=note, sent_by=actor, sent_at=timezone.now()
        ),
        actor,
    )
    link = portal_sheet_link(sheet)
    dispatch.notification = notification_enqueue(
        channel="email",
        template="mediation/transfer_sheet",
        to_address=to_address,
        about=sheet,
        dedupe_key=f"transfer-sheet-dispatch:{dispatch.pk}",
        context={
            "number": sheet.number,
            "business": sheet.business.name,
            "product": sheet.case.product,
            "answer_by": sheet.answer_by,
            "content": sheet.content,
            "link": link,
            "link_days": settings.SESAME_MAX_AGE // 86400,
            "resent": kind == TransferSheetDispatch.Kind.RESENT,
            "association": settings.ASSOCIATION_NAME,
        },
    )
    dispatch.save(update_fields=["notification"])
    return dispatch


# --- the business answers (portal) -------------------------------------------------------------------


def _sheet_for_member(sheet_id, actor, *, lock=False):
    """The sheet, if `actor` is a portal user of its business; anyone else is refused the same way whether the
    sheet exists or not."""
    sheets = TransferSheet.objects.select_related("case", "business", "case__mediator")
    if lock:
        sheets = sheets.select_for_update(of=("self",))
    sheet = sheets.filter(pk=sheet_id, business__members=actor).first()
    if sheet is None:
        raise PermissionDenied(_("You are not allowed to do this on this case."))
    return sheet


def validate_reply(*, kind: str, remedy: str, amount, explanation: str) -> None:
    errors = {}
    if kind not in ReplyKind.values:
        errors["kind"] = _("Choose how you answer.")
    if kind == ReplyKind.OFFER and remedy not in Remedy.values:
        errors["remedy"] = _("Choose the remedy you offer.")
    if kind == ReplyKind.OFFER and remedy in REMEDIES_WITH_AMOUNT and amount is None:
        errors["amount"] = _("State the amount of the refund or compensation.")
    if amount is not None and amount < 0:
        errors["amount"] = _("The amount cannot be negative.")
    if kind == ReplyKind.DISPUTE and not (explanation or "").strip():
        errors["explanation"] = _("Give your reasons for disputing the complaint.")
    if errors:
        raise ValidationError(errors)


def business_reply_submit(
    *, sheet_id: int, actor, kind: str, remedy: str = "", amount: Decimal | None = None, explanation: str = ""
) -> BusinessReply:
    """The business answers its transfer sheet: the case moves transferred → replied as this user (audited).
    A reply after the answer-by date is accepted and marked late."""
    validate_reply(kind=kind, remedy=remedy, amount=amount, explanation=explanation)
    if kind != ReplyKind.OFFER:
        remedy = ""
    with transaction.atomic():
        sheet = _sheet_for_member(sheet_id, actor, lock=True)
        if BusinessReply.objects.filter(sheet=sheet).exists():
            raise ValidationError(_("This transfer sheet has already been answered."))
        now = timezone.now()
        reply = BusinessReply(
            sheet=sheet,
            case=sheet.case,
            kind=kind,
            remedy=remedy,
            amount=amount,
            explanation=explanation.strip(),
            is_late=timezone.localdate(now) > sheet.answer_by,
            submitted_by=actor,
            submitted_at=now,
        )
        case = case_record_reply(case_id=sheet.case_id, actor=actor, summary=reply_summary(reply))
        save_audited(reply, actor, reason=record_text(gettext_lazy("Answer given in the business portal")))
        _notify_mediator(
            case,
            template="mediation/business_reply",
            key=f"business-reply:{reply.pk}",
            about=reply,
            context={
                "case_number": case.number,
                "sheet_number": sheet.number,
                "business": sheet.business.name,
                "summary": case.reply_summary,
                "late": reply.is_late,
            },
        )
        notification_enqueue(
            channel="sms",
            template="mediation/reply_to_consumer",
            to_address=case.consumer.phone,
            about=reply,
            dedupe_key=f"business-reply:{reply.pk}:consumer-sms",
            context={"association": settings.ASSOCIATION_NAME, "product": case.product,
                     "url": settings.PUBLIC_BASE_URL + reverse("public:track")},
        )
    return reply


def reply_summary(reply: BusinessReply) -> str:
    """The answer in one line for the case record (Case.reply_summary), in the association's language."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = [str(reply.get_kind_display())]
        if reply.remedy:
            parts.append(str(reply.get_remedy_display()))
        if reply.amount is not None:
            parts.append(_("%(amount)s yuan") % {"amount": reply.amount})
        if reply.explanation:
            parts.append(reply.explanation)
        if reply.is_late:
            parts.append(str(_("(late)")))
    return " · ".join(parts)


def business_evidence_add(*, sheet_id: int, actor, file, description: str = "") -> Evidence:
    """The business uploads evidence to its sheet (size and type checked by content); shown on the case page."""
    with transaction.atomic():
        sheet = _sheet_for_member(sheet_id, actor)
        if not sheet.case.is_open:
            raise ValidationError(_("The case is finished; nothing more can be added."))
        item = evidence_add(
            case_id=sheet.case_id, actor=actor, file=file, description=description, shared_with_business=True
        )
        _notify_mediator(
            sheet.case,
            template="mediation/business_message",
            key=f"business-evidence:{item.pk}",
            about=sheet,
            channels=("in_app",),
            context={"sheet_number": sheet.number, "business": sheet.business.name,
                     "body": _("Evidence uploaded: %(name)s") % {"name": str(item)}},
        )
    return item


def sheet_message_add(*, sheet_id: int, actor, body: str) -> SheetMessage:
    """A message on a transfer sheet, from the business (a member) or from the association (a mediator)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."))
    with transaction.atomic():
        sheets = TransferSheet.objects.select_related("case", "business", "case__mediator")
        sheet = sheets.filter(pk=sheet_id).first()
        if sheet is not None and sheet.business.members.filter(pk=actor.pk).exists():
            side = SheetMessage.Side.BUSINESS
        elif sheet is not None and actor.has_perm("cases.mediate_case"):
            side = SheetMessage.Side.ASSOCIATION
        else:
            raise PermissionDenied(_("You are not allowed to do this on this case."))
        message = save_audited(
            SheetMessage(
                sheet=sheet, case=sheet.case, side=side, author=actor, body=body, created_at=timezone.now()
            ),
            actor,
        )
        context = {"sheet_number": sheet.number, "business": sheet.business.name, "body": body}
        if side == SheetMessage.Side.BUSINESS:
            _notify_mediator(
                sheet.case, template="mediation/business_message", key=f"sheet-message:{message.pk}",
                about=sheet, channels=("in_app",), context=context,
            )
        elif sheet.business.email:
            if sheet.contact_user is None:
                sheet.contact_user = business_contact_user(sheet.business)
                save_audited(sheet, actor, update_fields=["contact_user"])
            notification_enqueue(
                channel="email", template="mediation/association_message", to_address=sheet.business.email,
                about=sheet, dedupe_key=f"sheet-message:{message.pk}:email",
                context={
                    **context,
                    "association": settings.ASSOCIATION_NAME,
                    "link": portal_sheet_link(sheet),
                    "link_days": settings.SESAME_MAX_AGE // 86400,
                },
            )
    return message


def association_message_add(*, case_id: int, actor, body: str) -> SheetMessage:
    """The admin's "message to the business" action on a case."""
    sheet = TransferSheet.objects.filter(case_id=case_id).values_list("pk", flat=True).first()
    if sheet is None:
        raise ValidationError(_("This case has no transfer sheet."))
    return sheet_message_add(sheet_id=sheet, actor=actor, body=body)


# --- the consumer answers (public tracking page) ----------------------------------------------------------


def consumer_offer_respond(*, case_id: int, accept: bool, comment: str = "") -> ConsumerResponse:
    """The consumer accepts the business's answer (→ resolved, money recovered = the amount offered) or refuses
    it (→ mediating). Recorded as the system user with a reason that says the consumer decided online."""
    system = get_system_user()
    comment = (comment or "").strip()
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("mediator").get(pk=case_id)
        reply = BusinessReply.objects.filter(case=case).select_related("sheet").order_by("-pk").first()
        if case.state != CaseState.REPLIED or reply is None or not reply.consumer_can_decide:
            raise ValidationError(_("There is no offer waiting for your answer."))
        if ConsumerResponse.objects.filter(reply=reply).exists():
            raise ValidationError(_("You have already answered this offer."))
        if accept:
            terms = record_text(
                gettext_lazy("The consumer accepted the business's answer online: %(answer)s"),
                answer=reply_summary(reply),
            )
            outcome_resolve(
                case_id=case.pk, actor=system, remedies=[_remedy_from_reply(reply, case)], terms=terms,
                money_recovered=reply.amount or Decimal("0"),
            )
            case.refresh_from_db()
        else:
            case = case_start_mediation(
                case_id=case.pk,
                actor=system,
                reason=record_text(
                    gettext_lazy("The consumer refused the business's answer online: %(comment)s"), comment=comment
                ),
            )
        response = save_audited(
            ConsumerResponse(
                reply=reply,
                case=case,
                decision=ConsumerResponse.Decision.ACCEPTED if accept else ConsumerResponse.Decision.REFUSED,
                comment=comment,
                responded_at=timezone.now(),
            ),
            system,
            reason=record_text(gettext_lazy("Consumer's response given on the tracking page")),
        )
        _notify_mediator(
            case,
            template="mediation/consumer_response",
            key=f"consumer-response:{response.pk}",
            about=response,
            context={"case_number": case.number, "accepted": accept, "comment": comment,
                     "business": reply.sheet.business.name if reply.sheet_id else ""},
        )
    return response


def _remedy_from_reply(reply: BusinessReply, case: Case) -> dict:
    """The agreement's remedy line when the consumer accepts the business's answer: the remedy offered, or (when
    the business accepted the demand) the consumer's own demand; a money remedy without an amount becomes "other"."""
    kind = reply.remedy or {"return": "refund"}.get(case.demand_type, case.demand_type)
    amount = reply.amount if reply.amount is not None else case.amount_claimed
    if kind not in RemedyLine.Kind.values or (kind in MONEY_REMEDIES and amount is None):
        kind = RemedyLine.Kind.OTHER
    if kind == RemedyLine.Kind.APOLOGY:
        amount = None
    return {"kind": kind, "amount": amount, "description": case.demand if reply.kind == ReplyKind.ACCEPT else ""}


def consumer_rate(*, case_id: int, satisfaction: int, comment: str = "") -> FollowUp:
    """The consumer rates the handling on the tracking page (the online 回访)."""
    return follow_up_record(
        case_id=case_id, channel=FollowUp.Channel.ONLINE, satisfaction=satisfaction, comment=comment.strip(),
        actor=get_system_user(),
    )


# --- helpers ---------------------------------------------------------------------------------------------


def _notify_mediator(case, *, template, key, about, context, channels=("in_app", "email")):
    """Tell the case's mediator in the application and by email (each notice once, by its dedupe key)."""
    mediator = case.mediator
    if mediator is None:
        return
    case_url = settings.PUBLIC_BASE_URL + reverse("admin:cases_case_change", args=[case.pk])
    context = {**context, "case_url": case_url}
    for channel in channels:
        if channel == "email" and not mediator.email:
            continue
        notification_enqueue(
            channel=channel, template=template, recipient_user=mediator, about=about,
            dedupe_key=f"{key}:{channel}", context=context,
        )
