"""/healthz, /readyz (503 naming the failing part), /metrics (internal), the request id."""

import datetime
import logging

import pytest
from django.utils import timezone

from notifications.models import Notification
from ops import state
from ops.checks import run_checks
from reminders.tasks import sweep_deadlines


def notice(**fields):
    return Notification.objects.create(
        channel=Notification.Channel.EMAIL, to_address="x@example.cn", template="t", language="zh-hans",
        body="b", **fields,
    )


def test_healthz_needs_nothing(client):
    response = client.get("/healthz")  # no db fixture: a query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ok_when_everything_answers(client):
    state.beat_heartbeat_record()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["failing"] == [] and set(body["checks"]) == {"database", "cache", "broker", "beat", "outbox"}


@pytest.mark.django_db
def test_readyz_names_beat_when_it_never_ran_or_stopped(client):
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["beat"]
    state.beat_heartbeat_record(now=timezone.now() - datetime.timedelta(hours=1))
    body = client.get("/readyz").json()
    assert body["failing"] == ["beat"] and "3600 s ago" in body["checks"]["beat"]["detail"]


@pytest.mark.django_db
def test_readyz_names_the_outbox_when_a_notice_waits_too_long(client):
    state.beat_heartbeat_record()
    notice(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    assert client.get("/readyz").status_code == 200
    notice(next_attempt_at=timezone.now() - datetime.timedelta(hours=2))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["failing"] == ["outbox"]
    assert "7200 s" in response.json()["checks"]["outbox"]["detail"]


@pytest.mark.django_db
def test_readyz_names_a_dead_cache_and_broker(client, settings):
    state.beat_heartbeat_record()
    # The failover cache answers from memory when Redis is down; readiness still names Redis.
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailoverRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    settings.READYZ_BROKER_TIMEOUT = 0.5
    try:
        results = run_checks(["database", "cache", "broker"])
    finally:
        app.conf.broker_url = original
    assert results["database"].ok
    assert not results["cache"].ok and "ConnectionError" in results["cache"].detail
    assert not results["broker"].ok


@pytest.mark.django_db
def test_readyz_names_a_dead_database(client, monkeypatch):
    from django.db import OperationalError

    from ops import checks

    def down():
        raise OperationalError("connection refused")

    monkeypatch.setitem(checks.CHECKS, "database", down)
    state.beat_heartbeat_record()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert "connection refused" in response.json()["checks"]["database"]["detail"]


@pytest.mark.django_db
def test_metrics_are_internal(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


@pytest.mark.django_db
def test_metrics_count_requests_outbox_overdue_and_sweeps(client, make_case):
    notice(status=Notification.Status.DEAD, next_attempt_at=None)
    notice()
    case = make_case("transferred")
    type(case).objects.filter(pk=case.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    client.get("/healthz")
    sweep_deadlines.delay()
    text = client.get("/metrics").content.decode()
    assert 'xiehui_http_requests_total{method="GET",status="200",view="healthz"}' in text
    assert 'xiehui_outbox_notifications{status="dead"} 1.0' in text
    pending = Notification.objects.filter(status=Notification.Status.PENDING).count()
    assert pending >= 1 and f'xiehui_outbox_notifications{{status="pending"}} {float(pending)}' in text
    assert 'xiehui_cases_deadline{bucket="overdue"} 1.0' in text
    assert "xiehui_sweep_runs_total 1.0" in text
    assert "xiehui_sweep_last_run_timestamp_seconds 0.0" not in text


@pytest.mark.django_db
def test_request_id_is_taken_from_the_proxy_or_made(client):
    given = "0123456789abcdef0123456789abcdef"  # nginx's $request_id
    response = client.get("/complaint/", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] == given
    response = client.get("/complaint/", headers={"X-Request-ID": "not a valid id; <script>"})
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"] != given


def test_json_log_lines_carry_the_request_id():
    import io
    import json
    from logging.config import dictConfig

    from django.conf import settings as django_settings
    from django_guid import set_guid

    config = {**django_settings.LOGGING}
    stream = io.StringIO()
    dictConfig({**config, "handlers": {"console": {"class": "logging.StreamHandler", "stream": stream,
                                                   "filters": ["request_id"], "formatter": "json"}},
                "root": {"handlers": ["console"], "level": "INFO"}})
    try:
        set_guid("abcdefabcdefabcdefabcdefabcdef12")
        logging.getLogger("xiehui.test").info("hello %s", "world")
    finally:
        dictConfig(django_settings.LOGGING)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["message"] == "hello world" and line["request_id"] == "abcdefabcdefabcdefabcdefabcdef12"
    assert line["level"] == "INFO" and line["logger"] == "xiehui.test"
