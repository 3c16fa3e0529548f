"""Appraisal (鉴定): the question sent to a qualified body while the clock pauses, and its conclusion."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import transitions
from cases.delivery import staff_phone
from cases.documents import document_issue
from cases.models import Case, DocumentKind
from cases.users import person_name
from cases.validators import detected_type, validate_evidence_file
from core.association import association
from core.audit import record_text, require_text, save_audited
from core.dates import today
from core.money import amount_in_figures, amount_in_words

from ..models import (
    RESPONSIBLE_PARTIES,
    AppraisalBody,
    AppraisalRequest,
    Party,
)

# --- appraisal (鉴定) ------------------------------------------------------------------------------------


def appraisal_request(
    *, case_id: int, actor, body: AppraisalBody, items: str, fee: Decimal | None = None, fee_advanced_by: str = ""
) -> AppraisalRequest:
    """Send the quality question to an appraisal body: the case moves to `appraisal` and its clock pauses."""
    require_text(items, _("Say what is to be appraised."))
    if body is None or not body.is_active:
        raise ValidationError(_("Choose an active appraisal body from the register."))
    with transaction.atomic():
        case = transitions.request_appraisal(
            case_id=case_id,
            actor=actor,
            reason=record_text(gettext_lazy("Appraisal by %(body)s: %(items)s"), body=body.name, items=items),
        )
        request = AppraisalRequest(
            case=case, body=body, items=items, requested_on=case.paused_on, fee=fee,
            fee_advanced_by=fee_advanced_by, requested_by=actor,
        )
        request.full_clean(exclude=["status"])  # the FSM field is protected: set by its transitions only
        save_audited(request, actor)
        _issue_commission(case, request, actor)
    return request


PARTY_ZH = {"consumer": "消费者", "business": "经营者", "association": "本会"}


def _issue_commission(case, request, actor):
    """The 鉴定委托书 to the appraisal body: items, samples, fee and who advances it; printed and sent by staff."""
    particulars = association()
    advanced_by = PARTY_ZH.get(request.fee_advanced_by, "")
    with translation.override("zh-hans"):
        text = render_to_string(
            "mediation/documents/appraisal.txt",
            {
                "case": case, "request": request, "body": request.body, "association": particulars,
                "samples_by": advanced_by or "消费者",
                "fee": amount_in_figures(request.fee) if request.fee is not None else "",
                "fee_words": amount_in_words(request.fee) if request.fee is not None else "",
                "advanced_by": advanced_by,
                "mediator": person_name(case.mediator) if case.mediator else "本会工作人员",
                "phone": staff_phone(case.mediator) or particulars.phone,
            },
        )
    return document_issue(
        case=case,
        kind=DocumentKind.APPRAISAL_COMMISSION,
        text=text,
        fields=[
            ("案件编号", case.number or ""),
            ("委托鉴定机构", request.body.name),
            ("鉴定事项", request.items),
            ("鉴定费用", f"{amount_in_figures(request.fee)}" if request.fee is not None else "—"),
            ("垫付方", advanced_by or "—"),
        ],
        actor=actor,
    )


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
    require_text(conclusion, _("Record the appraisal's conclusion."))
    if responsible_party not in RESPONSIBLE_PARTIES:
        raise ValidationError(_("Say whom the conclusion finds responsible: the consumer, the business, both or neither."))
    if fee_borne_by not in Party.values:
        raise ValidationError(_("Say who bears the appraisal fee."))
    received_on = received_on or today()
    if received_on > today():
        raise ValidationError(_("The conclusion cannot be received in the future."))
    if conclusion_file:
        validate_evidence_file(conclusion_file)
    with transaction.atomic():
        # The case first, then its request: the order of every write (outcomes.outcome_terminate too), so a
        # conclusion and a termination at once wait for each other instead of deadlocking.
        transitions.lock_case(case_id)
        request = (
            AppraisalRequest.objects.select_for_update()
            .select_related("body")
            .filter(case_id=case_id, status=AppraisalRequest.Status.OPEN)
            .first()
        )
        if request is not None and received_on < request.requested_on:
            raise ValidationError(_("The conclusion cannot be received before the appraisal was requested."))
        body = request.body.name if request else "—"
        case = transitions.appraisal_done(
            case_id=case_id,
            actor=actor,
            reason=record_text(
                gettext_lazy("Appraisal concluded (%(body)s): %(conclusion)s"), body=body, conclusion=conclusion
            ),
        )
        if request is not None:
            request.conclude(
                conclusion=conclusion, received_on=received_on, responsible_party=responsible_party,
                fee_borne_by=fee_borne_by, fee=fee,
            )
            if conclusion_file:
                request.conclusion_content_type = detected_type(conclusion_file)
                request.conclusion_file = conclusion_file
            request.full_clean(exclude=["status"])  # the FSM field is protected: set by its transitions only
            save_audited(request, actor)
    return case


