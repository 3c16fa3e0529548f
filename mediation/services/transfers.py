"""Transfer sheets (转办单), the business's answer and messages in the portal, and the consumer's response to it."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, transitions
from cases.choices import MONEY_REMEDIES, CaseState, PeriodKind, Remedy, remedy_zh
from cases.delivery import case_notify, sheet_delivered, staff_phone
from cases.documents import document_issue, plain_text
from cases.models import Business, Case, DocumentKind, Evidence
from cases.services import case_answer_due_set, case_start_mediation, evidence_add
from cases.users import BUSINESS_GROUP, get_system_user, person_name
from core.audit import record_text, require_perm, save_audited
from core.dates import cn_date
from core.money import amount_in_figures
from notifications.services import notification_enqueue

from ..links import portal_sheet_link
from ..models import (
    BusinessReply,
    ConsumerResponse,
    ReplyKind,
    SheetMessage,
    TransferSheet,
    TransferSheetDispatch,
)
from . import outcomes

# --- transfer sheets (转办单) --------------------------------------------------------------------------


def case_transfer(
    *, case_id: int, actor, reason: str = "", annex: str = "", extra_fields: tuple = ()
) -> Case:
    """Transfer the case to its business and issue the numbered transfer sheet, in one transaction.

    Steps: run the FSM transition (state, permission, conditions, audit); take the next ZB number on the
    counter row (a refused or failed transfer rolls the number back, so numbers stay gap-free); render the
    sheet's text once and store it; send it by email to the business's contact (on commit). `annex` (text after
    the sheet's own) and `extra_fields` (table rows) carry what a group complaint adds: its members and total.
    """
    with transaction.atomic():
        case = transitions.transfer(case_id=case_id, actor=actor, reason=reason)
        transfer_sheet_issue(case=case, actor=actor, annex=annex, extra_fields=extra_fields)
    return case


def transfer_sheet_issue(*, case: Case, actor, annex: str = "", extra_fields: tuple = ()) -> TransferSheet:
    """Issue the sheet of a case that has just been transferred; the caller holds the transaction. The sheet's
    number is its document's (cases.Document, ZB-)."""
    now = timezone.now()
    # The case keeps the business's answer date (the ladder and the urging notices key on it); the sheet tells it.
    answer = deadlines.business_answer_due(
        timezone.localdate(case.transferred_at or now), deadlines.pauses_of(case), filed_on=case.filed_on,
        rules=deadlines.rules_for(case),
    )
    case_answer_due_set(case=case, actor=actor, answer_due_on=answer.on)
    sheet = TransferSheet(
        case=case, business=case.business, answer_by=case.answer_due_on, issued_by=actor, issued_at=now
    )
    sheet.document = document_issue(
        case=case,
        kind=DocumentKind.TRANSFER_SHEET,
        text=render_transfer_sheet(sheet=sheet, case=case) + (f"\n{annex.strip()}\n" if annex.strip() else ""),
        fields=[*transfer_sheet_fields(sheet=sheet, case=case, provisional=answer.provisional), *extra_fields],
        actor=actor,
        issued_at=now,
    )
    sheet.number = sheet.document.number
    sheet.contact_user = business_contact_user(case.business) if case.business.email else None
    save_audited(sheet, actor, reason=record_text(gettext_lazy("Transfer sheet issued")))
    dispatch = None
    if case.business.email:
        dispatch = _dispatch(sheet, actor=actor, kind=TransferSheetDispatch.Kind.ISSUED, to_address=case.business.email)
    sheet_delivered(case=case, document=sheet.document, notification=dispatch.notification if dispatch else None,
                    actor=actor)
    case_notify(case=case, step="transferred", actor=actor)
    return sheet


PROVISIONAL_NOTE = "（暂定：该年度法定节假日安排尚未公布，按法定节日推算，公布后本会将另行确认）"


def transfer_sheet_fields(*, sheet: TransferSheet, case: Case, provisional: bool = False) -> list[tuple[str, str]]:
    """The sheet's table: the complaint's facts at a glance and the answer-by date (marked provisional when it
    was computed for a year whose official holiday notice is not entered yet)."""
    mediator = person_name(case.mediator)
    phone = staff_phone(case.mediator) or settings.ASSOCIATION_PHONE
    contact = f"电话 {phone}" + (f"，邮箱 {case.mediator.email}" if case.mediator and case.mediator.email else "")
    return [
        ("案件编号", case.number or ""),
        ("被投诉经营者", case.business.name),
        ("经营者地址", case.business.address),
        ("投诉人", f"{case.consumer.name}（联系电话 {case.consumer.masked_phone}）"),
        ("商品或服务", case.product),
        ("购买日期", cn_date(case.purchased_on) if case.purchased_on else "—"),
        ("支付金额", amount_in_figures(case.amount_paid) if case.amount_paid is not None else "—"),
        ("诉求类型", remedy_zh(case.demand_type)),
        ("诉求金额", amount_in_figures(case.amount_claimed) if case.amount_claimed is not None else "—"),
        ("立案日期", cn_date(case.filed_on) if case.filed_on else "—"),
        (
            "答复期限",
            f"{cn_date(sheet.answer_by)}前" + (PROVISIONAL_NOTE if provisional else "")
            + f"（依据：{deadlines.rules_for(case).citation(PeriodKind.ANSWER)}）",
        ),
        ("承办人", f"{mediator}（{contact}）"),
    ]


def render_transfer_sheet(*, sheet: TransferSheet, case: Case) -> str:
    """The sheet's text, always in Chinese (a document addressed to the business). Rendered once, then frozen."""
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/transfer_sheet.txt",
            {
                "sheet": sheet,
                "case": case,
                "association": settings.ASSOCIATION_NAME,
                "portal_url": settings.PUBLIC_BASE_URL + reverse("portal:home"),
            },
        )
    return text.strip() + "\n"


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
        secret_keys=("link",),
        context={
            "number": sheet.number,
            "business": sheet.business.name,
            "product": sheet.case.product,
            "answer_by": sheet.answer_by,
            "content": plain_text(sheet.document),
            "link": link,
            "link_days": settings.SESAME_MAX_AGE // 86400,
            "resent": kind == TransferSheetDispatch.Kind.RESENT,
            "association": settings.ASSOCIATION_NAME,
        },
    )
    dispatch.save(update_fields=["notification"])
    return dispatch


def case_record_reply(*, case_id: int, actor, summary: str) -> Case:
    """A mediator records an answer the business gave outside the portal (phone, letter): transferred → replied."""
    return transitions.record_reply(case_id=case_id, actor=actor, summary=summary)


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
    if kind == ReplyKind.OFFER and remedy in MONEY_REMEDIES and amount is None:
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
        case = transitions.record_reply(case_id=sheet.case_id, actor=actor, summary=reply_summary(reply))
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
        if reply.consumer_can_decide:
            case_notify(case=case, step="offer", actor=actor)
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
        # Locked: two messages at once must not each create the business's portal contact (below).
        sheets = TransferSheet.objects.select_for_update(of=("self",)).select_related(
            "case", "business", "case__mediator"
        )
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
                about=sheet, dedupe_key=f"sheet-message:{message.pk}:email", secret_keys=("link",),
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
            outcomes.outcome_resolve(
                case_id=case.pk, actor=system, remedies=[_remedy_from_reply(reply, case)], terms=terms,
                settlement={"answer": reply_summary(reply), "replied_at": reply.submitted_at,
                            "responded_at": timezone.now()},
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
    kind = reply.remedy or case.demand_type
    # the agreed value of what is given: the amount offered, else the consumer's claim, else the price paid
    amount = next((a for a in (reply.amount, case.amount_claimed, case.amount_paid) if a is not None), None)
    if kind not in Remedy.values or (kind in MONEY_REMEDIES and amount is None):
        kind = Remedy.OTHER
    if kind == Remedy.APOLOGY:
        amount = None
    return {"kind": kind, "amount": amount, "description": case.demand if reply.kind == ReplyKind.ACCEPT else ""}




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

