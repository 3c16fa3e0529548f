"""Outcomes: the agreement (调解协议书) and the termination (终止调解告知书), each issued as a cases.Document."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import deadlines, transitions
from cases.choices import MONEY_REMEDIES, PUNITIVE_REMEDIES, DisputeChannel, Remedy, remedy_zh
from cases.documents import document_issue
from cases.models import Document, DocumentKind
from cases.users import person_name
from core.audit import record_text, require_text, save_audited
from core.dates import cn_date, today
from core.money import amount_in_figures, amount_in_words

from ..models import AppraisalRequest, RemedyLine

# --- outcomes ------------------------------------------------------------------------------------------------


def outcome_resolve(
    *, case_id: int, actor, remedies: list[dict], terms: str = "", money_recovered: Decimal | None = None
) -> Document:
    """Record the agreement (remedy lines, money recovered), resolve the case and issue the 调解协议书 PDF.

    `remedies`: dicts with kind, amount (None for an apology) and description. `money_recovered` defaults to the
    sum of the amounts. Returns the issued agreement.
    """
    lines = _remedy_lines(remedies)
    if money_recovered is None:
        money_recovered = sum((line.amount or Decimal("0") for line in lines), Decimal("0"))
    # 加倍赔偿 apart: the punitive lines' sum (None when the agreement has none), a part of the money recovered.
    punitive = [line.amount or Decimal("0") for line in lines if line.kind in PUNITIVE_REMEDIES]
    punitive_damages = sum(punitive, Decimal("0")) if punitive else None
    terms = terms.strip() or _terms_from(lines)
    with transaction.atomic():
        case = transitions.resolve(
            case_id=case_id, actor=actor, terms=terms, money_recovered=money_recovered,
            punitive_damages=punitive_damages,
        )
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


def _issue_agreement(case, lines, actor):
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/documents/agreement.txt",
            {
                "case": case,
                "remedies": [
                    {
                        "label": remedy_zh(line.kind),
                        "amount": amount_in_figures(line.amount) if line.amount is not None else "",
                        "words": amount_in_words(line.amount) if line.amount is not None else "",
                        "description": line.description,
                    }
                    for line in lines
                ],
                "terms": case.agreement_terms,
                "money_recovered": amount_in_figures(case.money_recovered or 0),
                "money_recovered_words": amount_in_words(case.money_recovered or 0),
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
        ("调解员", person_name(case.mediator or actor)),
        ("挽回经济损失", f"{amount_in_words(case.money_recovered or 0)}（{amount_in_figures(case.money_recovered or 0)}）"),
    ]
    if case.punitive_damages:
        fields.append(("其中加倍赔偿", f"{amount_in_words(case.punitive_damages)}（{amount_in_figures(case.punitive_damages)}）"))
    return document_issue(case=case, kind=DocumentKind.AGREEMENT, text=text, fields=fields, actor=actor)


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
    if case.mediation_due_on and case.rule_set_id:
        with translation.override("zh-hans"):
            basis = deadlines.citations(case)["mediation_due_on"]
        fields.insert(-2, ("调解期限", f"{cn_date(case.mediation_due_on)}（依据：{basis}）"))
    return document_issue(case=case, kind=DocumentKind.TERMINATION_NOTICE, text=text, fields=fields, actor=actor)
