"""Every transition: the path through the FSM, its permission, its conditions, and the audit it leaves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services, transitions
from cases.models import Case, CaseRejectionGround, RejectionGround, Sequence, TerminationGround
from cases.users import get_system_user
from conftest import run_step

pytestmark = pytest.mark.django_db


def test_full_lifecycle_records_who_and_why(make_case, mediator):
    case = make_case("closed")
    assert case.number.startswith("TS-") and case.filed_on and case.due_on
    rows = list(case.history.order_by("history_date", "history_id"))
    # The transfer records the business's answer date its sheet gives in a second entry.
    assert [r.state for r in rows] == [
        "submitted", "accepted", "transferred", "transferred", "mediating", "resolved", "closed",
    ]
    assert all(r.history_user_id == mediator.pk for r in rows)
    assert all(r.history_change_reason for r in rows)
    assert rows[3].history_change_reason.startswith("确定经营者答复期限")
    assert rows[4].history_change_reason == "企业未答复"


def test_case_numbers_are_sequential_per_year(make_case):
    numbers = [make_case("accepted").number for _ in range(3)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"TS-{year}-{n:06d}" for n in (1, 2, 3)]


def test_state_cannot_be_written_directly(make_case):
    case = make_case()
    with pytest.raises(AttributeError):
        case.state = "closed"


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("submitted", "close"), ("submitted", "transfer"), ("accepted", "accept"), ("closed", "withdraw"),
        ("rejected", "accept"), ("transferred", "resolve"), ("mediating", "appraisal_done"), ("resolved", "terminate"),
    ],
)
def test_transitions_from_the_wrong_state_are_refused_clearly(make_case, mediator, state, name):
    if state == "rejected":
        case = make_case()
        services.case_reject(case_id=case.pk, actor=mediator, grounds=RejectionGround.objects.filter(is_active=True)[:1], explanation="x")
    else:
        case = make_case(state)
    with pytest.raises(ValidationError) as err:
        run_step(name, case.pk, mediator)
    assert err.value.code == "invalid_transition"
    assert Case.objects.get(pk=case.pk).state == state


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("submitted", "accept"), ("accepted", "transfer"), ("transferred", "record_reply"),
        ("transferred", "start_mediation"), ("mediating", "request_appraisal"), ("appraisal", "appraisal_done"),
        ("mediating", "resolve"), ("mediating", "terminate"), ("accepted", "withdraw"), ("resolved", "close"),
    ],
)
def test_each_transition_needs_its_permission(make_case, name, state, django_user_model):
    case = make_case(state)
    outsider = django_user_model.objects.create_user("outsider", password="x-123456789", is_staff=True)
    with pytest.raises(PermissionDenied):
        run_step(name, case.pk, outsider)
    assert Case.objects.get(pk=case.pk).state == state


def test_a_supervisor_may_act_and_is_recorded(make_case, supervisor):
    case = make_case()
    case = services.case_accept(case_id=case.pk, actor=supervisor)
    assert case.history.latest().history_user == supervisor


def test_a_business_user_may_record_only_its_own_reply(make_case, business_user, django_user_model):
    from tests.factories import BusinessFactory, UserFactory

    case = make_case("transferred")
    stranger = UserFactory()
    BusinessFactory().members.add(stranger)
    with pytest.raises(PermissionDenied):
        transitions.record_reply(case_id=case.pk, actor=stranger, summary="同意")
    case = transitions.record_reply(case_id=case.pk, actor=business_user, summary="同意更换")
    assert case.state == "replied" and case.history.latest().history_user == business_user


def test_accept_needs_complete_material(make_case, mediator):
    case = make_case(business=None, amount_paid=None)
    with pytest.raises(ValidationError) as err:
        services.case_accept(case_id=case.pk, actor=mediator)
    assert "缺少" in " ".join(err.value.messages) or "lacks" in " ".join(err.value.messages)
    case = Case.objects.get(pk=case.pk)
    assert case.state == "submitted" and case.number is None
    assert not Sequence.objects.filter(last__gt=0).exists(), "a refused acceptance must give its number back"


def test_accept_waits_for_requested_material(make_case, mediator):
    case = make_case()
    due_before = case.acceptance_due_on
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    with pytest.raises(ValidationError):
        services.case_accept(case_id=case.pk, actor=mediator)
    case = services.case_supplement_received(case_id=case.pk, actor=mediator, note="已收到发票")
    assert case.pause_kind == "" and case.acceptance_due_on >= due_before
    assert case.pauses.get().ended_on is not None
    assert services.case_accept(case_id=case.pk, actor=mediator).state == "accepted"


def test_reject_needs_a_ground_and_an_explanation_and_writes_nothing_otherwise(make_case, mediator):
    case = make_case()
    with pytest.raises(ValidationError):
        services.case_reject(case_id=case.pk, actor=mediator, grounds=[], explanation="不符合受理条件")
    with pytest.raises(ValidationError):
        services.case_reject(case_id=case.pk, actor=mediator, grounds=RejectionGround.objects.filter(is_active=True)[:1], explanation=" ")
    assert not CaseRejectionGround.objects.exists(), "a refused rejection must leave no cited grounds"
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_reject_generates_the_notice_with_grounds_and_channel(make_case, mediator):
    case = make_case()
    grounds = list(RejectionGround.objects.filter(code__in=["AR17", "AP03"]))
    case = services.case_reject(case_id=case.pk, actor=mediator, grounds=grounds, explanation="商品已过保修期")
    assert case.state == "rejected"
    notice = case.documents.get(kind="rejection")
    assert notice.title == "不予受理告知书" and "张伟" in notice.text and "不予受理" in notice.text
    for g in grounds:
        assert g.label_zh in case.documents.get(kind="rejection").text and g.advice_zh in case.documents.get(kind="rejection").text
    assert "商品已过保修期" in case.documents.get(kind="rejection").text
    assert set(case.rejection_grounds.values_list("code", flat=True)) == {"AR17", "AP03"}
    assert "AR17" in case.history.latest().history_change_reason


def test_transfer_needs_a_business_and_a_mediator(make_case, mediator):
    case = make_case("accepted", mediator=None, actor=get_system_user())  # the system takes no case on
    assert case.mediator is None
    with pytest.raises(ValidationError) as err:
        transitions.transfer(case_id=case.pk, actor=mediator)
    assert err.value.code == "condition"


def test_resolve_needs_terms_and_money(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        transitions.resolve(case_id=case.pk, actor=mediator, terms="", money_recovered=Decimal("1"))
    with pytest.raises(ValidationError):
        transitions.resolve(case_id=case.pk, actor=mediator, terms="退款", money_recovered=Decimal("-1"))
    case = transitions.resolve(case_id=case.pk, actor=mediator, terms="退款", money_recovered=Decimal("10.50"))
    assert case.money_recovered == Decimal("10.50")


def test_terminate_needs_ground_and_channel(make_case, mediator):
    case = make_case("mediating")
    with pytest.raises(ValidationError):
        transitions.terminate(case_id=case.pk, actor=mediator, ground=None, channel="court", explanation="x")
    with pytest.raises(ValidationError):
        transitions.terminate(
            case_id=case.pk, actor=mediator, ground=TerminationGround.objects.filter(is_active=True, fact_check="").first(), channel="", explanation="x"
        )
    assert Case.objects.get(pk=case.pk).state == "mediating"


def test_withdraw_needs_a_reason(make_case, mediator):
    case = make_case("transferred")
    with pytest.raises(ValidationError):
        services.case_withdraw(case_id=case.pk, actor=mediator, reason="")


def test_appraisal_pauses_the_clock_and_moves_the_due_date(make_case, mediator, time_machine):
    from datetime import date, timedelta

    time_machine.move_to(date(2026, 3, 2))
    case = make_case("mediating")
    due = case.due_on
    case = transitions.request_appraisal(case_id=case.pk, actor=mediator, reason="送检")
    assert case.pause_kind == "appraisal" and case.pauses.get().ended_on is None
    time_machine.move_to(date(2026, 3, 2) + timedelta(days=10))
    case = transitions.appraisal_done(case_id=case.pk, actor=mediator)
    assert case.state == "mediating" and case.pause_kind == ""
    assert case.due_on >= due + timedelta(days=10)


def test_system_work_is_attributed_to_the_system_user(make_case):
    case = make_case("resolved")
    case = services.case_close(case_id=case.pk, actor=get_system_user(), note="回访期满，未回访")
    assert case.history.latest().history_user.username == "system"


def test_reassignment_is_for_supervisors_and_audited(make_case, mediator, other_mediator, supervisor):
    case = make_case("accepted")
    with pytest.raises(PermissionDenied):
        services.case_assign_mediator(case_ids=[case.pk], mediator=other_mediator, actor=mediator, reason="休假")
    assert services.case_assign_mediator(
        case_ids=[case.pk], mediator=other_mediator, actor=supervisor, reason="休假"
    ) == 1
    latest = Case.objects.get(pk=case.pk).history.latest()
    assert latest.mediator_id == other_mediator.pk and latest.history_user == supervisor and "休假" in latest.history_change_reason
