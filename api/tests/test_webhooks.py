"""The back-fill reaches the partner's webhook once, signed; the pull endpoint carries the same events."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api import events
from api.models import ApiEvent
from cases import services as cases
from cases.models import Case, RejectionGround
from notifications.models import Notification
from notifications.services import notifications_dispatch_pending

URL = "/api/v1/handoffs/"


@pytest.fixture
def receiver():
    """A local HTTP server that records every POST; `fail_next` makes it answer 500 that many times."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if server.fail_next:
                server.fail_next -= 1
                self.send_response(500)
                self.end_headers()
                return
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.fail_next = 0
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def _verify(partner, request):
    headers = request["headers"]
    expected = hmac.new(
        partner.webhook_secret.encode(), f"{headers['X-Xiehui-Timestamp']}.".encode() + request["body"], hashlib.sha256
    ).hexdigest()
    assert headers["X-Xiehui-Signature"] == f"sha256={expected}"


def _forward(client, handoff_data, capture):
    with capture(execute=True):
        assert client.post(URL, handoff_data, format="json").status_code == 201
        assert client.post(URL, handoff_data, format="json").status_code == 200
    return Case.objects.get()


def test_the_acceptance_reaches_the_webhook_once_signed(
    forwarder, forwarder_client, handoff_data, mediator, receiver, django_capture_on_commit_callbacks
):
    forwarder.webhook_url = receiver.url
    forwarder.save()
    case = _forward(forwarder_client, handoff_data, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_accept(case_id=case.pk, actor=mediator)
    assert len(receiver.received) == 1
    request = receiver.received[0]
    _verify(forwarder, request)
    payload = json.loads(request["body"])
    assert payload["kind"] == "case.accepted" and request["headers"]["X-Xiehui-Event"] == "case.accepted"
    backfill = payload["data"]["case"]
    case.refresh_from_db()
    assert backfill["external_id"] == "12315-2026-0001"
    assert backfill["acceptance"]["decision"] == "accepted"
    assert backfill["case_number"] == case.number and backfill["deadline"] == case.due_on.isoformat()

    # Publishing again, the outbox sweep, a second publisher: nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert events.events_publish() == 0
        notifications_dispatch_pending()
    assert len(receiver.received) == 1
    assert Notification.objects.filter(channel="webhook").count() == 1

    # The pull endpoint has the same event, with the same payload.
    pulled = forwarder_client.get("/api/v1/events/").json()["results"]
    assert [e["kind"] for e in pulled] == ["case.accepted"]
    assert pulled[0]["payload"] == payload


def test_a_failed_delivery_is_retried_by_the_outbox_until_it_arrives(
    forwarder, forwarder_client, handoff_data, mediator, receiver, django_capture_on_commit_callbacks
):
    forwarder.webhook_url = receiver.url
    forwarder.save()
    receiver.fail_next = 1
    case = _forward(forwarder_client, handoff_data, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_reject(
            case_id=case.pk, actor=mediator, grounds=[RejectionGround.objects.filter(is_active=True).first()],
            explanation="不属于本会受理范围",
        )
    notice = Notification.objects.get(channel="webhook")
    assert notice.status == "failed" and receiver.received == []
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=notice.created_at)  # the backoff has passed
    with django_capture_on_commit_callbacks(execute=True):
        notifications_dispatch_pending()
    assert len(receiver.received) == 1
    body = json.loads(receiver.received[0]["body"])
    assert body["kind"] == "case.rejected"
    assert body["data"]["case"]["acceptance"]["decision"] == "rejected"
    assert body["data"]["case"]["acceptance"]["grounds"]
    assert body["data"]["case"]["outcome"]["document"]["number"].startswith("BS-")
    _verify(forwarder, receiver.received[0])


def test_an_action_rolled_back_tells_nobody(forwarder_client, handoff_data, mediator, django_capture_on_commit_callbacks):
    case = _forward(forwarder_client, handoff_data, django_capture_on_commit_callbacks)
    Case.objects.filter(pk=case.pk).update(product="")  # missing material: acceptance is refused
    with pytest.raises(Exception):  # noqa: B017
        cases.case_accept(case_id=case.pk, actor=mediator)
    assert not ApiEvent.objects.exists()


def test_a_platform_business_hears_of_its_new_sheet_its_urging_notice_and_a_message(
    business_partner, make_case, mediator, receiver, time_machine, django_capture_on_commit_callbacks
):
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from api.tasks import publish_events
    from mediation.services.transfers import association_message_add
    from reminders.services import deadlines_sweep

    business_partner.webhook_url = receiver.url
    business_partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case("transferred")
    assert [json.loads(r["body"])["kind"] for r in receiver.received] == ["sheet.issued"]
    issued = json.loads(receiver.received[0]["body"])["data"]["sheet"]
    assert issued["number"] == case.transfer_sheet.number and issued["answer_by"] == case.answer_due_on.isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        association_message_add(case_id=case.pk, actor=mediator, body="请于答复期限前答复")
    assert json.loads(receiver.received[1]["body"])["data"]["message"]["body"] == "请于答复期限前答复"

    day = case.answer_due_on + timedelta(days=1)
    time_machine.move_to(datetime.combine(day, time(10), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep()
        publish_events()
        publish_events()  # the beat again: nothing new
    kinds = [json.loads(r["body"])["kind"] for r in receiver.received]
    assert kinds == ["sheet.issued", "sheet.message", "sheet.urged"]
    urged = json.loads(receiver.received[2]["body"])["data"]["urging_notice"]
    assert urged["number"].startswith("CB-") and urged["answer_was_due"] == case.answer_due_on.isoformat()
    for request in receiver.received:
        _verify(business_partner, request)


def test_the_backfill_of_a_resolved_case_carries_the_agreement_and_the_amounts(
    forwarder_client, handoff_data, mediator, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from mediation.services import outcomes, transfers

    case = _forward(forwarder_client, handoff_data, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        cases.case_accept(case_id=case.pk, actor=mediator)
        transfers.case_transfer(case_id=case.pk, actor=mediator)
        cases.case_start_mediation(case_id=case.pk, actor=mediator, reason="经营者未答复")
        outcomes.outcome_resolve(
            case_id=case.pk, actor=mediator,
            remedies=[{"kind": "refund", "amount": Decimal("2999.00"), "description": "退款"},
                      {"kind": "punitive_55", "amount": Decimal("8997.00"), "description": "三倍赔偿"}],
            terms="退款并三倍赔偿",
        )
    backfill = forwarder_client.get("/api/v1/handoffs/12315-2026-0001/").json()["backfill"]
    assert backfill["outcome"]["result"] == "resolved" and backfill["outcome"]["mode"] == "mediation"
    assert backfill["outcome"]["document"]["number"].startswith("XY-")
    assert backfill["money_recovered"] == "11996.00" and backfill["punitive_damages"] == "8997.00"
    assert backfill["amount_disputed"] == "2999.00" and backfill["outcome"]["ended_on"]
    kinds = [e["kind"] for e in forwarder_client.get("/api/v1/events/").json()["results"]]
    assert kinds == ["case.accepted", "case.transferred", "case.mediating", "case.resolved"]
