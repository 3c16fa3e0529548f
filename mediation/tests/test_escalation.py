"""Escalation and publicity: a mediator proposes, a supervisor who is not the proposer decides (four eyes), and
approved reports and publications are recorded on the case and the business."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mediation.models import Escalation, GovernmentReport, Publication
from mediation.services.escalation import (
    escalation_decide,
    escalation_propose,
    escalation_publication_record,
    escalation_report_record,
    escalation_report_reply,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db
REASONS = "同一经营者三个月内被投诉四十余次，拒不答复转办单"


def _propose(case, actor, kind="publicity"):
    return escalation_propose(case_id=case.pk, actor=actor, kind=kind, reasons=REASONS)


def _decide(escalation, actor, approve=True, note="同意"):
    return escalation_decide(
        case_id=escalation.case_id, escalation_id=escalation.pk, actor=actor, approve=approve, note=note
    )


def test_a_supervisor_approves_a_mediators_proposal(make_case, mediator, supervisor):
    case = make_case("terminated")
    escalation = _propose(case, mediator)
    assert escalation.status == "proposed" and escalation.business_id == case.business_id
    assert Notification.objects.filter(recipient_user=supervisor, channel="in_app").exists()
    _decide(escalation, supervisor)
    escalation.refresh_from_db()
    assert (escalation.status, escalation.decided_by) == ("approved", supervisor)
    assert escalation.history.first().history_user == supervisor
    assert Notification.objects.filter(recipient_user=mediator).exists()


def test_the_proposer_can_never_decide_even_as_a_supervisor(make_case, supervisor):
    case = make_case("terminated")
    escalation = _propose(case, supervisor)  # supervisors hold the mediators' permissions too
    with pytest.raises(PermissionDenied):
        _decide(escalation, supervisor)
    assert Escalation.objects.get().status == "proposed"


def test_a_user_both_mediator_and_supervisor_cannot_approve_their_own(make_case, mediator, supervisor):
    mediator.groups.add(Group.objects.get(name="supervisor"))
    both = type(mediator).objects.get(pk=mediator.pk)
    assert both.has_perm("mediation.approve_escalation")
    escalation = _propose(make_case("terminated"), both)
    for approve in (True, False):
        with pytest.raises(PermissionDenied):
            _decide(escalation, both, approve=approve, note="自己审批")
    _decide(escalation, supervisor, approve=False, note="证据不足")
    assert Escalation.objects.get().status == "refused"


def test_a_mediator_cannot_decide(make_case, mediator, other_mediator):
    escalation = _propose(make_case("terminated"), mediator)
    with pytest.raises(PermissionDenied):
        _decide(escalation, other_mediator)


def test_the_database_refuses_a_self_decision_too(make_case, supervisor):
    escalation = _propose(make_case("terminated"), supervisor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=escalation.pk).update(
            status="approved", decided_by=supervisor, decided_at=timezone.now()
        )


def test_refusal_needs_a_reason_and_decisions_are_final(make_case, mediator, supervisor, second_supervisor):
    escalation = _propose(make_case("terminated"), mediator)
    with pytest.raises(ValidationError):
        _decide(escalation, supervisor, approve=False, note="")
    _decide(escalation, supervisor)
    with pytest.raises(ValidationError):
        _decide(escalation, second_supervisor, approve=False, note="改判")
    assert Escalation.objects.get().decided_by == supervisor


def test_proposals_need_reasons_a_filed_case_and_no_duplicate(make_case, mediator, business_user):
    with pytest.raises(ValidationError):
        _propose(make_case("submitted"), mediator)
    case = make_case("transferred")
    with pytest.raises(ValidationError):
        escalation_propose(case_id=case.pk, actor=mediator, kind="report", reasons=" ")
    with pytest.raises(PermissionDenied):
        _propose(case, business_user)
    _propose(case, mediator)
    with pytest.raises(ValidationError):
        _propose(case, mediator)
    _propose(case, mediator, kind="report")  # another kind may wait beside it
    assert Escalation.objects.count() == 2


def test_a_decision_must_name_a_proposal_of_the_same_case(make_case, mediator, supervisor):
    escalation = _propose(make_case("terminated"), mediator)
    other = make_case("terminated")
    with pytest.raises(ValidationError):
        escalation_decide(case_id=other.pk, escalation_id=escalation.pk, actor=supervisor, approve=True)


def test_reports_and_publications_need_approval(make_case, mediator, supervisor):
    case = make_case("terminated")
    report = _propose(case, mediator, kind="report")
    publicity = _propose(case, mediator)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        escalation_report_record(case_id=case.pk, escalation_id=report.pk, actor=mediator, department="市场监管局",
                                 reported_on=today)
    _decide(report, supervisor)
    _decide(publicity, supervisor)
    with pytest.raises(ValidationError):  # a report under the publicity approval
        escalation_report_record(case_id=case.pk, escalation_id=publicity.pk, actor=mediator,
                                 department="市场监管局", reported_on=today)
    made = escalation_report_record(case_id=case.pk, escalation_id=report.pk, actor=mediator,
                                    department="示范市市场监督管理局", reported_on=today - timedelta(days=3))
    with pytest.raises(ValidationError):
        escalation_report_reply(case_id=case.pk, report_id=made.pk, actor=mediator, reply="已立案调查",
                                replied_on=today - timedelta(days=5))
    escalation_report_reply(case_id=case.pk, report_id=made.pk, actor=mediator, reply="已立案调查", replied_on=today)
    assert GovernmentReport.objects.get().reply == "已立案调查"
    publication = escalation_publication_record(
        case_id=case.pk, escalation_id=publicity.pk, actor=mediator, outlet="示范日报", published_on=today,
        title="某商场拒不处理消费者投诉", summary="该商场多次拒不答复消协转办单。", link="https://news.example/1",
    )
    assert publication.history.get().history_user == mediator
    assert list(case.business.escalations.values_list("publications__title", flat=True).exclude(
        publications__isnull=True)) == ["某商场拒不处理消费者投诉"]


@pytest.mark.parametrize("leak", ["张伟", "13900001234", "110101199001011234"])
def test_a_publication_carrying_the_consumers_data_is_refused(make_case, mediator, supervisor, leak):
    case = make_case("terminated")
    publicity = _propose(case, mediator)
    _decide(publicity, supervisor)
    with pytest.raises(ValidationError):
        escalation_publication_record(
            case_id=case.pk, escalation_id=publicity.pk, actor=mediator, outlet="示范日报",
            published_on=date.today(), title="曝光", summary=f"消费者{leak}投诉该商场",
        )
    assert not Publication.objects.exists()


def test_four_eyes_through_the_case_page(client, make_case, supervisor, second_supervisor):
    case = make_case("terminated")
    client.force_login(supervisor)
    propose = reverse("admin:cases_case_act", args=[case.pk, "propose_escalation"])
    assert client.post(propose, {"kind": "publicity", "reasons": REASONS}).status_code == 302
    escalation = Escalation.objects.get()
    decide = reverse("admin:cases_case_act", args=[case.pk, "decide_escalation"])
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert decide not in page  # the proposer is not offered the decision
    response = client.post(decide, {"escalation": escalation.pk, "decision": "approve"})
    assert response.status_code == 302 and Escalation.objects.get().status == "proposed"  # refused: not available

    client.force_login(second_supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert decide in page
    assert client.post(decide, {"escalation": escalation.pk, "decision": "approve", "note": ""}).status_code == 302
    assert Escalation.objects.get().decided_by == second_supervisor

    publication = reverse("admin:cases_case_act", args=[case.pk, "record_publication"])
    response = client.post(publication, {
        "escalation": escalation.pk, "outlet": "示范电视台", "published_on": timezone.localdate().isoformat(),
        "title": "拒不答复转办单", "summary": "曝光经营者", "link": "https://tv.example/2",
    })
    assert response.status_code == 302
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "示范电视台" in page and "拒不答复转办单" in page
    business_page = client.get(reverse("admin:cases_business_change", args=[case.business_id])).content.decode()
    assert "拒不答复转办单" in business_page


def test_a_mediator_is_not_offered_the_decision(client, make_case, mediator, supervisor):
    case = make_case("terminated")
    _propose(case, supervisor)
    client.force_login(mediator)
    decide = reverse("admin:cases_case_act", args=[case.pk, "decide_escalation"])
    assert decide not in client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    client.post(decide, {"escalation": Escalation.objects.get().pk, "decision": "approve"})
    assert Escalation.objects.get().status == "proposed"


def test_the_escalation_queue_lists_proposals(client, make_case, mediator, supervisor):
    case = make_case("terminated")
    _propose(case, mediator)
    client.force_login(supervisor)
    response = client.get(reverse("admin:mediation_escalation_changelist"), {"status__exact": "proposed"})
    assert response.status_code == 200 and case.number in response.content.decode()


def test_the_case_audit_trail_shows_mediation_records(make_case, mediator, supervisor):
    from backoffice.audit import case_audit_trail

    case = make_case("terminated")
    escalation = _propose(case, mediator)
    _decide(escalation, supervisor, note="情节严重，同意曝光")
    reasons = [entry.reason for entry in case_audit_trail(case)]
    assert any(REASONS in r for r in reasons)
    assert any("情节严重，同意曝光" in r for r in reasons)
    whos = {entry.who for entry in case_audit_trail(case) if "情节严重" in entry.reason}
    assert whos == {"主管"}
