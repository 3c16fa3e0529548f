"""Performance (履行): one confirm service for every party, the reminder once at the due date, non-performance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case, Delivery
from mediation.services import outcomes, performance

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(make_case, mediator):
    case = make_case("mediating")
    outcomes.outcome_resolve(
        case_id=case.pk, actor=mediator, performance_manner="银行转账",
        remedies=[{"kind": "refund", "amount": Decimal("4299.00")},
                  {"kind": "replacement", "amount": Decimal("800.00"), "description": "配件"}],
    )
    return Case.objects.get(pk=case.pk)


def test_the_agreement_carries_its_performance_date_and_manner(agreed):
    assert agreed.performance_due_on > agreed.outcome_on and agreed.performance_manner == "银行转账"
    text = agreed.documents.get(kind="agreement").text
    assert "履行期限和方式" in text and "银行转账" in text


def test_the_business_confirms_in_the_portal_and_the_money_paid_is_recorded_apart(agreed, business_user):
    case = performance.agreement_performance_confirm(case_id=agreed.pk, by="business", actor=business_user,
                                                     performed=True)
    assert case.performed_on and case.performance_confirmed_by == "business"
    assert case.money_paid == Decimal("4299.00")  # the money agreed; the replacement's value is not "paid"
    assert case.money_recovered == Decimal("5099.00")  # 挽回经济损失: money and agreed value
    with pytest.raises(ValidationError):
        performance.agreement_performance_confirm(case_id=agreed.pk, by="consumer", performed=True)


def test_another_business_cannot_confirm(agreed):
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        performance.agreement_performance_confirm(case_id=agreed.pk, by="business", actor=UserFactory(),
                                                  performed=True)


def test_the_reminder_goes_out_once_at_the_due_date(agreed, time_machine):
    assert performance.performance_reminders_sweep(today=agreed.performance_due_on - timedelta(days=1)) == 0
    assert performance.performance_reminders_sweep(today=agreed.performance_due_on) == 1
    assert performance.performance_reminders_sweep(today=agreed.performance_due_on) == 0
    assert performance.performance_reminders_sweep(today=agreed.performance_due_on + timedelta(days=1)) == 0
    reminders = Delivery.objects.filter(case=agreed, step="performance_due")
    assert set(reminders.values_list("party", flat=True)) == {"consumer", "business"}
    assert reminders.filter(party="consumer", method="sms").count() == 1


def test_non_performance_reopens_mediation_or_closes_with_advice(agreed, make_case, mediator):
    performance.agreement_performance_confirm(case_id=agreed.pk, by="consumer", performed=False, note="没退款")
    case = performance.agreement_not_performed(case_id=agreed.pk, actor=mediator, reopen=True, advice="恢复调解")
    assert case.state == "mediating"
    other = make_case("mediating")
    outcomes.outcome_resolve(case_id=other.pk, actor=mediator, remedies=[{"kind": "refund", "amount": 1}])
    closed = performance.agreement_not_performed(case_id=other.pk, actor=mediator, reopen=False,
                                                 advice="已告知消费者可向人民法院起诉，本会支持起诉")
    assert closed.state == "closed" and "人民法院" in closed.closing_note
