"""What partners are told: the back-fill of a forwarded complaint, and the business's sheet events. One builder
each, used by the pull endpoints and the webhooks alike."""

from django.conf import settings
from django.utils import timezone, translation

from cases.choices import CaseState, Category, Nature
from cases.models import DocumentKind

from .models import CodeTable, HandoffChannel
from .serializers import SheetSerializer, _zh, coded

OUTCOME_DOCUMENTS = {
    "resolved": DocumentKind.AGREEMENT,
    "terminated": DocumentKind.TERMINATION_NOTICE,
}


def _outcome(case):
    if case.money_recovered is not None:
        return "resolved"
    if case.termination_ground_id is not None:
        return "terminated"
    if case.withdrawal_reason:
        return "withdrawn"
    return None


def _document(case, kind):
    found = [d for d in case.documents.all() if d.kind == kind]
    if not found:
        return None
    doc = found[-1]
    return {"kind": doc.kind, "number": doc.number, "title": doc.title}


def _mode(case, result):
    """How the dispute ended: settled on the business's answer accepted by the consumer (和解), or by the
    association's mediation (调解). The model records no other mode (on site / by phone)."""
    if result != "resolved":
        return None
    accepted = any(r.decision == "accepted" for r in case.consumer_responses.all())
    return "settlement" if accepted else "mediation"


def backfill(case, handoff) -> dict:
    """The decisions on a forwarded complaint, as the 12315 back-fill carries them (codes mapped to the national
    tables through api.CodeMapping)."""
    result = _outcome(case)
    with translation.override(settings.LANGUAGE_CODE):
        if case.state == CaseState.REJECTED:
            decision = "rejected"
        elif case.number:
            decision = "accepted"
        else:
            decision = None
        grounds = [{"code": g.code, "label": g.label_zh} for g in case.rejection_grounds.all()]
        ground = case.termination_ground
        document = None
        if result in OUTCOME_DOCUMENTS:
            document = _document(case, OUTCOME_DOCUMENTS[result])
        elif decision == "rejected":
            document = _document(case, DocumentKind.REJECTION_NOTICE)
        return {
            "external_id": handoff.external_id,
            "channel": handoff.channel,
            "case_number": case.number,
            "state": case.state,
            "state_label": _zh(CaseState, case.state),
            "received_at": timezone.localtime(case.received_at).isoformat(),
            "filed_on": case.filed_on.isoformat() if case.filed_on else None,
            "deadline": case.due_on.isoformat() if case.due_on else None,
            "acceptance": {
                "decision": decision,
                "decided_on": case.decided_on.isoformat() if case.decided_on else None,
                "grounds": grounds,
                "explanation": case.rejection_explanation,
            },
            "outcome": {
                "result": result,
                "mode": _mode(case, result),
                "ended_on": case.outcome_on.isoformat() if case.outcome_on else None,
                "agreement_terms": case.agreement_terms,
                "termination_ground": {"code": ground.code, "label": ground.label_zh} if ground else None,
                "document": document,
            },
            "money_recovered": _money(case.money_recovered),
            "punitive_damages": _money(case.punitive_damages),
            "amount_disputed": _money(case.amount_claimed),
            "nature": coded(CodeTable.NATURE, Nature, case.nature),
            "category": coded(CodeTable.CATEGORY, Category, case.category),
            "channel_code": coded(CodeTable.CHANNEL, HandoffChannel, handoff.channel),
        }


def _money(value):
    return None if value is None else f"{value:.2f}"


def sheet_payload(sheet) -> dict:
    return dict(SheetSerializer(sheet).data)
