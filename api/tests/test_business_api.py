"""A platform business answers its transfer sheets through the API: the portal's services, the portal's result."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, Evidence
from conftest import PDF_BYTES
from mediation.models import BusinessReply, SheetMessage
from notifications.models import Notification

OFFER = {"kind": "offer", "remedy": "refund", "amount": "4299.00", "explanation": "同意全额退款"}


def _summary(sheet):
    case = Case.objects.get(pk=sheet.case_id)
    reply = BusinessReply.objects.get(sheet=sheet)
    last = case.history.first()
    notices = sorted(
        (n.channel, n.template) for n in Notification.objects.filter(object_id=str(reply.pk), template__startswith="mediation/")
    )
    return {
        "state": case.state,
        "reply_summary": case.reply_summary,
        "reply": (reply.kind, reply.remedy, reply.amount, reply.explanation, reply.is_late),
        "history_reason": last.history_change_reason,
        "history_state": last.state,
        "notices": notices,
        "answered_by_member": reply.submitted_by.businesses.filter(pk=sheet.business_id).exists(),
    }


def test_seam_an_answer_through_the_api_is_the_answer_through_the_portal(
    client, make_sheet, business_user, business_client, business_partner
):
    by_portal, by_api = make_sheet(), make_sheet()
    client.force_login(business_user)
    assert client.post(reverse("portal:sheet_reply", args=[by_portal.pk]), OFFER).status_code == 302
    response = business_client.post(f"/api/v1/sheets/{by_api.number}/reply/", OFFER, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "replied" and response.json()["reply"]["amount"] == "4299.00"
    assert _summary(by_api) == _summary(by_portal)
    assert _summary(by_api)["state"] == "replied"
    # The audit trail names the partner.
    assert Case.objects.get(pk=by_api.case_id).history.first().history_user == business_partner.user
    assert BusinessReply.objects.get(sheet=by_api).amount == Decimal("4299.00")


def test_a_refund_without_its_amount_is_refused_as_in_the_portal(make_sheet, business_client):
    sheet = make_sheet()
    response = business_client.post(
        f"/api/v1/sheets/{sheet.number}/reply/", {**OFFER, "amount": None}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "State the amount" in response.json()["amount"][0]
    assert Case.objects.get(pk=sheet.case_id).state == "transferred"
    again = business_client.post(f"/api/v1/sheets/{sheet.number}/reply/", OFFER, format="json")
    assert again.status_code == 201
    twice = business_client.post(f"/api/v1/sheets/{sheet.number}/reply/", OFFER, format="json")
    assert twice.status_code == 400  # already answered


def test_lists_its_open_sheets_with_their_deadlines(make_sheet, business_client, make_case, other_business):
    mine = [make_sheet(), make_sheet()]
    make_sheet(business=other_business)
    body = business_client.get("/api/v1/sheets/").json()
    assert sorted(s["number"] for s in body["results"]) == sorted(s.number for s in mine)
    assert all(s["answer_by"] and s["answer_due_on"] for s in body["results"])
    assert "****" in body["results"][0]["consumer_phone"] or "*" in body["results"][0]["consumer_phone"]
    one = business_client.get(f"/api/v1/sheets/{mine[0].number}/").json()
    assert one["case_number"] == mine[0].case.number


def test_evidence_and_messages(make_sheet, business_client, business_partner, mediator):
    sheet = make_sheet()
    url = f"/api/v1/sheets/{sheet.number}/evidence/"
    upload = SimpleUploadedFile("发票.pdf", PDF_BYTES)
    response = business_client.post(url, {"file": upload, "description": "退款凭证"}, format="multipart")
    assert response.status_code == 201, response.content
    item = Evidence.objects.get()
    assert item.shared_with_business and item.uploaded_by == business_partner.user
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    assert business_client.post(url, {"file": fake}, format="multipart").status_code == 400
    assert [e["description"] for e in business_client.get(url).json()["results"]] == ["退款凭证"]

    murl = f"/api/v1/sheets/{sheet.number}/messages/"
    assert business_client.post(murl, {"body": "请提供订单号"}, format="json").status_code == 201
    assert business_client.post(murl, {"body": "  "}, format="json").status_code == 400
    message = SheetMessage.objects.get()
    assert message.side == "business" and message.author == business_partner.user
    assert [m["body"] for m in business_client.get(murl).json()["results"]] == ["请提供订单号"]


@pytest.mark.parametrize(
    "method,path,data",
    [
        ("get", "/api/v1/sheets/{number}/", None),
        ("post", "/api/v1/sheets/{number}/reply/", OFFER),
        ("get", "/api/v1/sheets/{number}/messages/", None),
        ("post", "/api/v1/sheets/{number}/messages/", {"body": "hi"}),
        ("get", "/api/v1/sheets/{number}/evidence/", None),
        ("post", "/api/v1/sheets/{number}/evidence/", "FILE"),
        ("get", "/api/v1/sheets/{pk}/", None),
        ("get", "/api/v1/sheets/{case_number}/", None),
    ],
)
def test_another_business_is_never_reachable(make_sheet, other_business_client, method, path, data):
    sheet = make_sheet()
    url = path.format(number=sheet.number, pk=sheet.pk, case_number=sheet.case.number)
    if data == "FILE":
        response = other_business_client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF_BYTES)}, format="multipart")
    elif method == "post":
        response = other_business_client.post(url, data, format="json")
    else:
        response = other_business_client.get(url)
    assert response.status_code == 404
    assert not BusinessReply.objects.exists() and not SheetMessage.objects.exists() and not Evidence.objects.exists()
    assert sheet.number not in response.content.decode()


def test_filters_never_widen_the_scope(make_sheet, other_business_client, other_business_partner, business):
    sheet = make_sheet()
    for query in (
        "", f"?business={business.pk}", "?state=transferred", f"?number={sheet.number}", "?answered=false",
        f"?business_id={business.pk}", "?page_size=200",
    ):
        body = other_business_client.get(f"/api/v1/sheets/{query}")
        assert body.status_code in (200, 400)
        assert sheet.number not in body.content.decode()
    events = other_business_client.get("/api/v1/events/").content.decode()
    assert sheet.number not in events


def test_a_business_key_reads_no_forwarded_complaints_and_a_forwarder_no_sheets(
    make_sheet, business_client, forwarder_client
):
    sheet = make_sheet()
    assert business_client.get("/api/v1/handoffs/").status_code == 403
    assert forwarder_client.get("/api/v1/sheets/").status_code == 403
    assert forwarder_client.get(f"/api/v1/sheets/{sheet.number}/").status_code == 403


def test_a_revoked_key_stops_working(supervisor, business_client, business_partner):
    from api import services

    key = business_partner.keys.get()
    assert business_client.get("/api/v1/sheets/").status_code == 200
    services.api_key_revoke(actor=supervisor, key_id=key.pk)
    assert business_client.get("/api/v1/sheets/").status_code == 401


def test_every_call_is_logged_with_its_partner(business_client, business_partner):
    from api.models import ApiCall

    business_client.get("/api/v1/sheets/")
    business_client.get("/api/v1/sheets/ZB-2026-999999/")
    calls = list(ApiCall.objects.order_by("pk").values_list("partner_id", "method", "path", "status_code"))
    assert calls == [
        (business_partner.pk, "GET", "/api/v1/sheets/", 200),
        (business_partner.pk, "GET", "/api/v1/sheets/ZB-2026-999999/", 404),
    ]


def test_rate_limited_per_key(settings, business_client, business_key, supervisor, other_business_client, time_machine):
    from django.core.cache import cache

    from conftest import PINNED_NOW

    time_machine.move_to(PINNED_NOW, tick=False)  # all four calls in one window of the limit
    cache.clear()
    settings.RATE_API_KEY = "3/m"
    codes = [business_client.get("/api/v1/sheets/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another key has its own budget.
    assert other_business_client.get("/api/v1/sheets/").status_code == 200
    cache.clear()


def test_list_queries_are_flat_in_the_page_size(make_sheet, business_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_sheet()
    with CaptureQueriesContext(connection) as few:
        assert business_client.get("/api/v1/sheets/").status_code == 200
    for _ in range(6):
        make_sheet()
    with CaptureQueriesContext(connection) as many:
        assert len(business_client.get("/api/v1/sheets/").json()["results"]) == 7
    assert len(many) == len(few)
