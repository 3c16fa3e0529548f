import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_deliver

from .backends import ClaimSpySmsBackend
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_delivering_twice_sends_once(mailoutbox):
    notification = NotificationFactory()

    first = notification_deliver(notification_id=notification.pk)
    second = notification_deliver(notification_id=notification.pk)

    assert first.status == Status.SENT
    assert second is None
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.next_attempt_at is None


def test_a_row_another_worker_is_sending_is_not_sent_again(mailoutbox):
    notification = NotificationFactory(
        status=Status.SENDING, attempts=1, next_attempt_at=timezone.now() + datetime.timedelta(minutes=10)
    )

    assert notification_deliver(notification_id=notification.pk) is None

    assert mailoutbox == []
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENDING, 1)


def test_claim_is_recorded_before_the_transport_is_called(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.backends.ClaimSpySmsBackend"
    ClaimSpySmsBackend.seen.clear()
    notification = NotificationFactory(channel="sms", to_address="13800000000")

    notification_deliver(notification_id=notification.pk)

    assert ClaimSpySmsBackend.seen == {
        "status": Status.SENDING,
        "attempts": 1,
        "lease": datetime.timedelta(seconds=600),
    }


def test_failure_records_error_and_backoff_then_a_due_retry_sends(time_machine, settings, mailoutbox):
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()
    settings.EMAIL_BACKEND = "notifications.tests.backends.FailingEmailBackend"

    failed = notification_deliver(notification_id=notification.pk)

    assert failed.status == Status.FAILED
    assert failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.last_error
    assert failed.next_attempt_at == START + datetime.timedelta(seconds=60)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(START + datetime.timedelta(seconds=59), tick=False)
    assert notification_deliver(notification_id=notification.pk) is None, "retried before the backoff ended"

    time_machine.move_to(START + datetime.timedelta(seconds=60), tick=False)
    sent = notification_deliver(notification_id=notification.pk)

    assert sent.status == Status.SENT
    assert sent.attempts == 2
    assert sent.last_error == ""
    assert sent.sent_at == START + datetime.timedelta(seconds=60)
    assert len(mailoutbox) == 1


def test_backoff_doubles_and_the_row_is_dead_after_max_attempts(time_machine, settings, failing_email):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()
    delays = []

    for _attempt in range(4):
        row = notification_deliver(notification_id=notification.pk)
        if row.status == Status.FAILED:
            delays.append((row.next_attempt_at - timezone.now()).total_seconds())
            time_machine.move_to(row.next_attempt_at, tick=False)

    assert delays == [60, 120, 240]
    assert row.status == Status.DEAD
    assert row.attempts == 4
    assert row.next_attempt_at is None
    assert "SMTPServerDisconnected" in row.last_error

    time_machine.move_to(START + datetime.timedelta(days=1), tick=False)
    assert notification_deliver(notification_id=notification.pk) is None


def test_default_max_attempts_is_five(time_machine, failing_email):
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()
    statuses = []
    for _attempt in range(6):
        row = notification_deliver(notification_id=notification.pk)
        statuses.append(row and row.status)
        if row and row.next_attempt_at:
            time_machine.move_to(row.next_attempt_at, tick=False)

    assert statuses == [Status.FAILED] * 4 + [Status.DEAD, None]


def test_a_stale_sending_row_is_reclaimed_after_the_timeout(time_machine, mailoutbox):
    time_machine.move_to(START, tick=False)
    # A worker claimed it at START and died before writing a result.
    notification = NotificationFactory(
        status=Status.SENDING,
        attempts=1,
        last_attempt_at=START,
        next_attempt_at=START + datetime.timedelta(seconds=600),
    )

    time_machine.move_to(START + datetime.timedelta(seconds=599), tick=False)
    assert notification_deliver(notification_id=notification.pk) is None

    time_machine.move_to(START + datetime.timedelta(seconds=600), tick=False)
    row = notification_deliver(notification_id=notification.pk)

    assert row.status == Status.SENT
    assert row.attempts == 2
    assert len(mailoutbox) == 1


def test_a_late_result_from_a_worker_whose_claim_expired_does_not_overwrite(settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.backends.OvertakenSmsBackend"
    notification = NotificationFactory(channel="sms", to_address="13800000000")

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.last_error == ""


def test_unknown_id_is_not_claimed():
    assert notification_deliver(notification_id=999_999) is None
