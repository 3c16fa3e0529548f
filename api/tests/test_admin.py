"""Supervisors create partners and keys in the admin; a key is shown once; revoked there; every page opens."""

import pytest
from django.urls import reverse

from api.keys import digest
from api.models import ApiKey, Partner


def test_a_supervisor_creates_a_partner_and_a_key_shown_once(client, supervisor, business):
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:api_partner_add"),
        {"name": "某电商平台", "kind": "business", "business": business.pk, "webhook_url": "https://example.cn/hook",
         "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get()
    assert partner.user.first_name == "某电商平台" and business.members.filter(pk=partner.user_id).exists()
    assert partner.webhook_secret
    assert partner.history.get().history_user == supervisor

    page = client.post(reverse("admin:api_apikey_add"), {"partner": partner.pk, "name": "ERP", "scopes": ["business"]})
    assert page.status_code == 200
    key = ApiKey.objects.get()
    plain = page.context["plain_key"]
    assert plain.startswith(f"xh_{key.prefix}_") and key.key_hash == digest(plain)
    assert plain in page.content.decode()
    # Never again: not on the key's page, not in the list.
    for url in (reverse("admin:api_apikey_change", args=[key.pk]), reverse("admin:api_apikey_changelist")):
        shown = client.get(url)
        assert shown.status_code == 200 and plain not in shown.content.decode()


def test_a_scope_the_partner_kind_cannot_have_is_refused(client, supervisor):
    from api import services

    partner = services.partner_create(actor=supervisor, name="统计", kind=Partner.Kind.STATISTICS)
    client.force_login(supervisor)
    page = client.post(reverse("admin:api_apikey_add"), {"partner": partner.pk, "name": "x", "scopes": ["import"]})
    assert not ApiKey.objects.exists()
    assert page.status_code == 200 and "errorlist" in page.content.decode()


def test_revoking_in_the_admin(client, supervisor, business_partner, business_key):
    key = ApiKey.objects.get()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:api_apikey_changelist"), {"action": "revoke", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == supervisor


def test_a_mediator_cannot_issue_keys(client, mediator, forwarder):
    client.force_login(mediator)
    assert client.get(reverse("admin:api_apikey_add")).status_code == 403
    assert client.get(reverse("admin:api_partner_add")).status_code == 403


@pytest.mark.parametrize("model", ["partner", "apikey", "handoff", "apievent", "apicall", "codemapping"])
def test_every_page_opens(client, supervisor, mediator, forwarder_client, handoff_data, model, forwarder):
    from cases.models import Case
    from cases.services import case_accept

    forwarder_client.post("/api/v1/handoffs/", handoff_data, format="json")
    case_accept(case_id=Case.objects.get().pk, actor=mediator)
    client.force_login(supervisor)
    assert client.get(reverse(f"admin:api_{model}_changelist")).status_code == 200
    from django.apps import apps

    obj = apps.get_model("api", model).objects.first()
    assert obj is not None
    assert client.get(reverse(f"admin:api_{model}_change", args=[obj.pk])).status_code == 200


def test_the_case_page_shows_where_a_forwarded_complaint_came_from(client, mediator, forwarder_client, handoff_data):
    from cases.models import Case

    forwarder_client.post("/api/v1/handoffs/", handoff_data, format="json")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[Case.objects.get().pk])).content.decode()
    assert "12315 · 12315-2026-0001" in page


def test_handoff_list_queries_are_flat(forwarder_client, handoff_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def post(i):
        forwarder_client.post("/api/v1/handoffs/", {**handoff_data, "external_id": f"X-{i}"}, format="json")

    post(0)
    with CaptureQueriesContext(connection) as few:
        forwarder_client.get("/api/v1/handoffs/")
    for i in range(1, 8):
        post(i)
    with CaptureQueriesContext(connection) as many:
        assert len(forwarder_client.get("/api/v1/handoffs/").json()["results"]) == 8
    assert len(many) == len(few)


def test_a_deactivated_partner_can_do_nothing(client, supervisor, business_partner, business_client):
    assert business_client.get("/api/v1/sheets/").status_code == 200
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:api_partner_change", args=[business_partner.pk]),
        {"name": business_partner.name, "webhook_url": "", "keys-TOTAL_FORMS": "1", "keys-INITIAL_FORMS": "1",
         "keys-0-id": business_partner.keys.get().pk, "keys-0-partner": business_partner.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    business_partner.refresh_from_db()
    business_partner.user.refresh_from_db()
    assert not business_partner.is_active and not business_partner.user.is_active
    assert business_client.get("/api/v1/sheets/").status_code == 401
