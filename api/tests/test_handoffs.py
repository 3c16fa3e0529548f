import base64

import pytest
from django.urls import reverse

from api.models import Handoff
from cases.models import Case, Evidence
from conftest import PDF_BYTES

URL = "/api/v1/handoffs/"


def test_a_forwarded_complaint_posted_twice_makes_one_case(forwarder_client, handoff_data, forwarder):
    first = forwarder_client.post(URL, handoff_data, format="json")
    assert first.status_code == 201, first.content
    second = forwarder_client.post(URL, handoff_data, format="json")
    assert second.status_code == 200
    assert Case.objects.count() == 1 and Handoff.objects.count() == 1
    case = Case.objects.get()
    assert case.state == "submitted" and case.channel == "transferred_in"
    assert case.source_reference == "12315 · 12315-2026-0001"
    assert first.json()["backfill"]["state"] == second.json()["backfill"]["state"] == "submitted"
    # Recorded as the partner: its user, named after it.
    assert case.history.earliest().history_user == forwarder.user
    assert forwarder.user.first_name == "全国12315平台对接"


def test_attachments_go_through_the_upload_check(forwarder_client, handoff_data):
    handoff_data["attachments"] = [
        {"filename": "发票.pdf", "content_base64": base64.b64encode(PDF_BYTES).decode(), "description": "发票"}
    ]
    assert forwarder_client.post(URL, handoff_data, format="json").status_code == 201
    item = Evidence.objects.get()
    assert item.content_type == "application/pdf" and item.description == "发票"


def test_a_disguised_attachment_is_refused_and_nothing_is_kept(forwarder_client, handoff_data):
    handoff_data["attachments"] = [{"filename": "a.pdf", "content_base64": base64.b64encode(b"MZ\x90\x00exe").decode()}]
    response = forwarder_client.post(URL, handoff_data, format="json")
    assert response.status_code == 400
    assert not Case.objects.exists() and not Handoff.objects.exists()
    # Bad input loses nothing: the same id can be sent again, corrected.
    handoff_data["attachments"] = []
    assert forwarder_client.post(URL, handoff_data, format="json").status_code == 201


def test_invalid_input_is_a_clear_400(forwarder_client, handoff_data):
    handoff_data["nature"] = "nonsense"
    del handoff_data["facts"]
    response = forwarder_client.post(URL, handoff_data, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()) == {"nature", "facts"}


def test_the_pull_endpoint_reads_the_backfill(forwarder_client, handoff_data):
    forwarder_client.post(URL, handoff_data, format="json")
    body = forwarder_client.get(f"{URL}12315-2026-0001/").json()
    assert body["backfill"]["category"]["national_label"] == "家用电子电器类"
    assert body["backfill"]["acceptance"]["decision"] is None
    assert forwarder_client.get(f"{URL}nope/").status_code == 404


def test_a_key_without_the_import_scope_is_refused(business_client, handoff_data):
    assert business_client.post(URL, handoff_data, format="json").status_code == 403
    assert not Case.objects.exists()


def test_no_key_or_a_wrong_key_is_401(db, client, handoff_data):
    assert client.post(URL, handoff_data, content_type="application/json").status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer xh_abc_def").status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_one_id_at_once_make_one_case(supervisor, handoff_data):
    """Two connections post the same id at the same moment: one case, both answers name it."""
    import threading

    from django.db import connection

    from api import services
    from api.models import Partner

    partner = services.partner_create(actor=supervisor, name="12315并发", kind=Partner.Kind.FORWARDER)
    data = {k: v for k, v in handoff_data.items() if k not in ("external_id", "channel", "consumer", "business")}
    barrier = threading.Barrier(2)
    results = []

    def post():
        try:
            barrier.wait()
            handoff, created = services.handoff_receive(
                partner=partner, external_id="RACE-1", channel="12315", consumer=dict(handoff_data["consumer"]),
                business=dict(handoff_data["business"]), **data,
            )
            results.append((handoff.case_id, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert results[0][0] == results[1][0]
    assert sorted(created for _, created in results) == [False, True]
    assert Case.objects.filter(handoff__external_id="RACE-1").count() == 1


def test_reverse_names():
    assert reverse("api:handoffs") == URL


def test_ids_in_filters_the_database_cannot_hold_are_a_400(forwarder_client):
    """Found by the schemathesis run: a business id past 64 bits reached SQLite (OverflowError → 500)."""
    assert forwarder_client.get("/api/v1/handoffs/?business=99999999999999999999999999").status_code == 400
    assert forwarder_client.get("/api/v1/events/?after=100000000000000000000000000000").status_code == 400
    assert forwarder_client.get("/api/v1/handoffs/?business=12").status_code == 200
