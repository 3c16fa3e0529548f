import logging

import pytest
from django.core.checks import run_checks

from notifications.channels import LoggingSmsBackend
from notifications.models import Notification
from notifications.services import notification_deliver, notification_enqueue

from .backends import RecordingSmsBackend
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def sms(**kwargs):
    return NotificationFactory(
        channel="sms", to_address="13800138000", subject="", body="您的投诉已转办。", **kwargs
    )


def test_development_sms_backend_logs_and_says_it_did_not_deliver(caplog):
    notification = sms()

    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        row = notification_deliver(notification_id=notification.pk)

    [record] = [r for r in caplog.records if r.name == "notifications.sms"]
    assert "13800138000" in record.getMessage()
    assert "您的投诉已转办。" in record.getMessage()
    assert row.status == Notification.Status.SENT
    assert row.last_error == ""
    assert row.transport_note == LoggingSmsBackend.note
    assert "not delivered" in row.transport_note


def test_sms_backend_is_chosen_by_setting(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.backends.RecordingSmsBackend"
    RecordingSmsBackend.sent.clear()
    notification = sms()

    row = notification_deliver(notification_id=notification.pk)

    assert RecordingSmsBackend.sent == [("13800138000", "您的投诉已转办。")]
    assert row.transport_note == "gateway id 42"


def test_email_uses_the_frozen_subject_and_body(mailoutbox, settings):
    notification = NotificationFactory(to_address="shop@example.com", subject="催办通知", body="请尽快答复。")

    notification_deliver(notification_id=notification.pk)

    [message] = mailoutbox
    assert (message.subject, message.body, message.to) == ("催办通知", "请尽快答复。", ["shop@example.com"])
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_in_app_is_stored_as_delivered_without_a_task(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        row = notification_enqueue(
            channel="in_app",
            template="generic",
            context={"subject": "新案件", "message": "已分配给您"},
            recipient_user=staff,
        )

    assert callbacks == []
    assert row.status == Notification.Status.SENT
    assert row.sent_at is not None and row.read_at is None
    assert row.subject == "新案件"


def test_deploy_check_warns_about_the_logging_sms_backend(settings):
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "notifications.W001" in ids

    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.backends.RecordingSmsBackend"
    assert "notifications.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
