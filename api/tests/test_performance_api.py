"""Performance of an agreement (履行) confirmed through the business API: the portal's service, the same record."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case
from mediation.models import TransferSheet
from mediation.services import outcomes

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(make_case, mediator):
    case = make_case("mediating")
    outcomes.outcome_resolve(
        case_id=case.pk, actor=mediator, performance_manner="银行转账",
        remedies=[{"kind": "refund", "amount": Decimal("4299.00")}],
    )
    return Case.objects.get(pk=case.pk)


def _url(case):
    return reverse("api:sheet-performance", args=[TransferSheet.objects.get(case=case).number])


def test_the_business_confirms_performance_through_the_api_as_in_the_portal(agreed, business_client, business_partner):
    response = business_client.post(_url(agreed), {"performed": True, "note": "已转账"}, format="json")
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=agreed.pk)
    assert case.performed_on is not None and case.performance_confirmed_by == "business"
    assert case.money_paid == Decimal("4299.00")
    latest = case.history.first()
    assert latest.history_user == business_partner.user and "已转账" in latest.history_change_reason
    again = business_client.post(_url(agreed), {"performed": True}, format="json")
    assert again.status_code == 400 and Case.objects.get(pk=agreed.pk).performed_on == case.performed_on


def test_not_performed_is_recorded_and_nothing_is_confirmed(agreed, business_client):
    response = business_client.post(_url(agreed), {"performed": False, "note": "资金紧张"}, format="json")
    assert response.status_code == 200
    case = Case.objects.get(pk=agreed.pk)
    assert case.performed_on is None and case.performance_confirmed_by == "not:business"


def test_another_business_cannot_confirm_through_the_api(agreed, other_business_client):
    response = other_business_client.post(_url(agreed), {"performed": True}, format="json")
    assert response.status_code == 404
    assert Case.objects.get(pk=agreed.pk).performed_on is None


def test_a_payload_without_the_answer_is_a_clear_400(agreed, business_client):
    response = business_client.post(_url(agreed), {"note": "x"}, format="json")
    assert response.status_code == 400 and "performed" in response.json().get("errors", response.json())
