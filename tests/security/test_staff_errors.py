"""Staff inputs that were 500s become form errors (issue 10, point 4; found by a fuzzer)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import management_data

pytestmark = pytest.mark.django_db


def _case_form(client, case, **overrides):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = {
        "channel": case.channel, "business": case.business_id, "product": case.product,
        "purchased_on": "2026-03-01", "amount_paid": "4299.00", "nature": case.nature, "category": case.category,
        "facts": case.facts, "demand_type": case.demand_type, "demand": case.demand, "amount_claimed": "4299.00",
        "change_reason": "核对", **management_data(client, url), **overrides,
    }
    return client.post(url, data)


@pytest.mark.parametrize("value", ["abc", "1 OR 1=1", "9" * 40, "1.5", "-"])
def test_a_non_numeric_id_in_the_autocomplete_is_a_form_error(client, mediator, make_case, value):
    case = make_case("accepted")
    client.force_login(mediator)
    response = _case_form(client, case, business=value)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("business")


def test_a_non_numeric_case_id_in_an_action_address_is_not_found(client, mediator):
    client.force_login(mediator)
    assert client.get("/admin/cases/case/abc/act/accept/").status_code == 404


def test_a_too_long_resend_address_is_a_form_error(client, mediator, make_sheet):
    sheet = make_sheet()
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[sheet.case_id, "resend_transfer_sheet"])
    address = "a" * 243 + "@example.com"  # 255 characters: one more than the record keeps
    response = client.post(url, {"to_address": address, "note": ""})
    assert response.status_code == 200 and response.context["form"].errors.get("to_address")


@pytest.mark.parametrize("end", ["9999-12-31", "0001-01-01"])
def test_an_absurd_statistics_date_is_a_form_error(client, supervisor, end):
    client.force_login(supervisor)
    response = client.get(reverse("admin:reports_statistics_changelist"), {"start": "2026-01-01", "end": end})
    assert response.status_code == 200 and response.context["form"].errors
    for kind, fmt in [("table", "csv"), ("cases", "xlsx")]:
        export = client.get(reverse(f"admin:reports_statistics_{kind}", args=[fmt]), {"start": "2026-01-01", "end": end})
        assert export.status_code in (200, 400)


def test_a_mediator_cannot_reach_the_autocomplete_of_users(client, mediator):
    client.force_login(mediator)
    response = client.get("/admin/autocomplete/", {"app_label": "cases", "model_name": "case", "field_name": "business", "term": "x"})
    assert response.status_code == 200
    response = Client().get("/admin/autocomplete/", {"app_label": "cases", "model_name": "case", "field_name": "business"})
    assert response.status_code in (302, 403)
