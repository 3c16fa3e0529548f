"""Escalation and appraisal statuses are state machines: set only by their transitions, never directly."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from cases.models import TerminationGround
from mediation.models import AppraisalRequest, Escalation
from mediation.services.appraisal import appraisal_request
from mediation.services.escalation import escalation_decide, escalation_propose
from mediation.services.outcomes import outcome_terminate

pytestmark = pytest.mark.django_db


def test_an_escalations_status_moves_only_through_its_transitions(make_case, mediator, supervisor):
    escalation = escalation_propose(
        case_id=make_case("terminated").pk, actor=mediator, kind="report", reasons="多次拒不答复"
    )
    with pytest.raises(AttributeError):
        escalation.status = Escalation.Status.APPROVED
    escalation_decide(case_id=escalation.case_id, escalation_id=escalation.pk, actor=supervisor, approve=True)
    decided = Escalation.objects.get(pk=escalation.pk)
    assert decided.status == "approved" and decided.decided_by == supervisor
    with pytest.raises(TransitionNotAllowed):
        decided.refuse(by=supervisor, at=timezone.now(), note="改判")


def test_the_four_eyes_constraint_still_holds_for_a_transition_saved_directly(make_case, supervisor):
    escalation = escalation_propose(
        case_id=make_case("terminated").pk, actor=supervisor, kind="report", reasons="多次拒不答复"
    )
    escalation.approve(by=supervisor, at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        escalation.save()


def test_terminating_during_appraisal_abandons_the_open_request(make_case, mediator, appraisal_body):
    case = make_case("mediating")
    request = appraisal_request(
        case_id=case.pk, actor=mediator, body=appraisal_body, items="压缩机", fee=Decimal("500")
    )
    with pytest.raises(AttributeError):
        request.status = AppraisalRequest.Status.CONCLUDED
    outcome_terminate(
        case_id=case.pk, actor=mediator, ground=TerminationGround.objects.get(code="T04"), channel="court",
        explanation="双方对鉴定机构无法达成一致",
    )
    request = AppraisalRequest.objects.get(pk=request.pk)
    assert request.status == "abandoned"
    assert request.history.latest().history_change_reason
    with pytest.raises(TransitionNotAllowed):
        request.conclude(conclusion="x", received_on=timezone.localdate(), responsible_party="", fee_borne_by="")
