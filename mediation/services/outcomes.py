"""Outcomes: the agreement (调解协议书) and the termination (终止调解告知书), each issued as a cases.Document."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, transitions
from cases.choices import MONEY_REMEDIES, PUNITIVE_REMEDIES, DisputeChannel, Remedy, remedy_zh
from cases.delivery import case_notify
from cases.documents import document_issue
from cases.models import Delivery, Document, DocumentKind
from core import dates
from core.association import association
from core.audit import record_text, require_text, save_audited
from core.dates import cn_date, today
from core.money import amount_in_figures, amount_in_words

from ..models import AppraisalRequest, RemedyLine

# --- outcomes ------------------------------------------------------------------------------------------------

ORDINALS = "一二三四五六七八九十"


def recovered_value(lines) -> Decimal:
    """挽回经济损失, defined here once for every path (the mediator's agreement, the consumer accepting the business's
    answer online): the money paid to the consumer plus the agreed value of the goods or services given
    (replacement, repair, return …) — each remedy line's amount; an apology has none. What the business actually
    paid is recorded apart, when the agreement is performed (Case.money_paid, mediation.services.performance)."""
    return sum((line.amount or Decimal("0") for line in lines), Decimal("0"))


def outcome_resolve(
    *,
    case_id: int,
    actor,
    remedies: list[dict],
    terms: str = "",
    performance_due_on: date | None = None,
    performance_manner: str = "",
    settlement: dict | None = None,
) -> Document:
    """Record the agreement (remedy lines, 履行期限 and manner), resolve the case, issue its document and deliver it
    to both parties (暂行办法 arts. 21–22).

    `remedies`: dicts with kind, amount (the money, or the agreed value of goods or services; None for an apology)
    and description. 挽回经济损失 is `recovered_value` of the lines. `settlement` (the consumer accepted the
    business's answer online: answer, replied_at, responded_at) issues a 和解记录 instead of a 调解协议书: no
    mediation took place. Returns the issued document.
    """
    lines = _remedy_lines(remedies)
    # 加倍赔偿 apart: the punitive lines' sum (None when the agreement has none), a part of the money recovered.
    punitive = [line.amount or Decimal("0") for line in lines if line.kind in PUNITIVE_REMEDIES]
    punitive_damages = sum(punitive, Decimal("0")) if punitive else None
    terms = terms.strip() or _terms_from(lines)
    with transaction.atomic():
        case = transitions.resolve(
            case_id=case_id, actor=actor, terms=terms, money_recovered=recovered_value(lines),
            punitive_damages=punitive_damages,
            performance_due_on=performance_due_on or deadlines.performance_due(dates.today()).on,
            performance_manner=performance_manner.strip() or _manner_of(lines),
        )
        for line in lines:
            line.case = case
            line.full_clean()
            save_audited(line, actor)
        if settlement is not None:
            document = _issue_settlement_record(case, lines, actor, settlement)
            case_notify(case=case, step="settled", document=document, parties=BOTH, actor=actor)
        else:
            document = _issue_agreement(case, lines, actor)
            case_notify(case=case, step="resolved", document=document, parties=BOTH, actor=actor)
        return document


BOTH = (Delivery.Party.CONSUMER, Delivery.Party.BUSINESS)


def _manner_of(lines):
    if any(line.kind in MONEY_REMEDIES for line in lines):
        return "银行转账或者原支付渠道退回"
    return "当面交付或者上门服务"


def _remedy_lines(remedies):
    if not remedies:
        raise ValidationError(_("Record at least one remedy of the agreement."))
    lines = []
    for item in remedies:
        kind = item.get("kind")
        if kind not in Remedy.values:
            raise ValidationError(_("Unknown remedy: %(kind)s.") % {"kind": kind})
        amount = item.get("amount")
        label = Remedy(kind).label
        if kind in MONEY_REMEDIES and amount is None:
            raise ValidationError(_("Enter the amount of the %(remedy)s.") % {"remedy": label})
        if amount is not None and amount < 0:
            raise ValidationError(_("Amounts cannot be negative."))
        if kind == Remedy.APOLOGY and amount is not None:
            raise ValidationError(_("An apology has no amount."))
        lines.append(RemedyLine(kind=kind, amount=amount, description=(item.get("description") or "").strip()))
    return lines


def _terms_from(lines):
    parts = []
    for line in lines:
        text = remedy_zh(line.kind)
        if line.amount is not None:
            text += f"{line.amount}元"
        if line.description:
            text += f"（{line.description}）"
        parts.append(text)
    return "；".join(parts)


def _line_text(line):
    """One obligation of the business as the contract states it, amounts in figures and in words."""
    label = remedy_zh(line.kind)
    detail = f"：{line.description}" if line.description else ""
    if line.amount is None:
        return f"乙方向甲方{label}{detail}。"
    amount = f"{amount_in_words(line.amount)}（{amount_in_figures(line.amount)}）"
    if line.kind in MONEY_REMEDIES:
        return f"乙方向甲方{label}{amount}{detail}。"
    return f"乙方为甲方{label}{detail}，双方确认其价值为{amount}。"


def _parties(case):
    return {"consumer": case.consumer, "business": case.business, "association": association(),
            "received": cn_date(timezone.localdate(case.received_at)),
            "performance_due": cn_date(case.performance_due_on), "performance_manner": case.performance_manner}


def _issue_agreement(case, lines, actor):
    n = len(lines)
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/documents/agreement.txt",
            {
                **_parties(case),
                "case": case,
                "agreed": cn_date(case.outcome_on),
                "remedies": [{"ordinal": ORDINALS[i], "text": _line_text(line)} for i, line in enumerate(lines)],
                "performance_ordinal": ORDINALS[n],
                "effect_ordinal": ORDINALS[n + 1],
                "copies_ordinal": ORDINALS[n + 2],
            },
        )
    consumer, business = case.consumer, case.business
    fields = [
        ("案件编号", case.number or ""),
        ("甲方（消费者）", consumer.name),
        ("乙方（经营者）", business.name if business else ""),
        ("商品或服务", case.product),
        ("履行期限", f"{cn_date(case.performance_due_on)}前"),
    ]
    if case.punitive_damages:
        fields.append(("其中加倍赔偿", f"{amount_in_words(case.punitive_damages)}（{amount_in_figures(case.punitive_damages)}）"))
    return document_issue(case=case, kind=DocumentKind.AGREEMENT, text=text, fields=fields, actor=actor)


def _issue_settlement_record(case, lines, actor, settlement):
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/documents/settlement.txt",
            {
                **_parties(case),
                "case": case,
                "transferred": cn_date(timezone.localdate(case.transferred_at)) if case.transferred_at else "",
                "replied": cn_date(timezone.localdate(settlement["replied_at"])),
                "responded": cn_date(timezone.localdate(settlement["responded_at"])),
                "answer": settlement["answer"],
                "remedies": [{"text": _line_text(line).replace("乙方", case.business.name).replace("甲方", "消费者")}
                             for line in lines],
            },
        )
    fields = [
        ("案件编号", case.number or ""),
        ("投诉人", case.consumer.name),
        ("被投诉经营者", case.business.name),
        ("商品或服务", case.product),
        ("履行期限", f"{cn_date(case.performance_due_on)}前"),
    ]
    return document_issue(case=case, kind=DocumentKind.SETTLEMENT_RECORD, text=text, fields=fields, actor=actor)


def outcome_terminate(
    *, case_id: int, actor, ground, channel: str, explanation: str
) -> Document:
    """Terminate mediation with a ground and the advised channel, and issue the 终止调解告知书 PDF. An appraisal
    still open (e.g. the parties could not agree on the body or the fee, ground T04) is recorded as abandoned."""
    require_text(explanation, _("Explain the termination to the parties."))
    if channel == DisputeChannel.ASSOCIATION_MEDIATION:
        raise ValidationError(_("Advise a channel other than this association's own mediation."))
    with transaction.atomic():
        if ground is not None:
            locked = transitions.lock_case(case_id)
            appraisal_open = AppraisalRequest.objects.filter(
                case_id=case_id, status=AppraisalRequest.Status.OPEN
            ).exists()
            refusal = ground.refusal(locked, today=today(), appraisal_open=appraisal_open)
            if refusal:
                raise ValidationError(refusal, code="ground_check")
        case = transitions.terminate(
            case_id=case_id, actor=actor, ground=ground, channel=channel, explanation=explanation
        )
        for request in AppraisalRequest.objects.select_for_update().filter(
            case=case, status=AppraisalRequest.Status.OPEN
        ):
            request.abandon()
            save_audited(request, actor, reason=record_text(gettext_lazy("Mediation terminated")))
        return _issue_termination_notice(case, actor)


def _issue_termination_notice(case, actor):
    with translation.override("zh-hans"):
        channel_label = str(DisputeChannel(case.advised_channel).label)
        ground = case.termination_ground
        text = render_to_string(
            "mediation/documents/termination.txt",
            {
                "case": case,
                "ground": ground,
                "rule": f"{ground.get_source_display()}（{ground.code}）",
                "explanation": case.termination_explanation,
                "channel": channel_label,
                "association": association(),
                "regulator_hotline": association().regulator_hotline,
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
    if case.mediation_due_on and case.rule_set_id:
        with translation.override("zh-hans"):
            basis = deadlines.citations(case)["mediation_due_on"]
        fields.insert(-2, ("调解期限", f"{cn_date(case.mediation_due_on)}（依据：{basis}）"))
    document = document_issue(case=case, kind=DocumentKind.TERMINATION_NOTICE, text=text, fields=fields, actor=actor)
    case_notify(case=case, step="terminated", document=document, parties=BOTH, actor=actor)
    return document
