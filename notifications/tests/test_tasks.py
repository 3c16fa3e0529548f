import datetime
from unittest import mock

import pytest

from notifications import tasks
from notifications.models import Notification

from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_a_failed_delivery_queues_itself_for_when_the_row_says_the_retry_is_due(time_machine, failing_email):
    time_machine.move_to(START, tick=False)
    notification = NotificationFactory()

    with mock.patch.object(tasks.deliver_notification, "apply_async") as apply_async:
        tasks.deliver_notification(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    apply_async.assert_called_once_with((notification.pk,), eta=START + datetime.timedelta(seconds=60))


def test_a_delivery_that_was_not_claimed_queues_nothing(mailoutbox):
    notification = NotificationFactory(status=Notification.Status.SENT, next_attempt_at=None)

    with mock.patch.object(tasks.deliver_notification, "apply_async") as apply_async:
        tasks.deliver_notification(notification.pk)

    apply_async.assert_not_called()
    assert mailoutbox == []


def test_eager_retry_of_a_failure_does_not_burn_attempts(failing_email):
    """In eager mode the re-queued task runs at once; the row says it is not due, so it is a no-op."""
    notification = NotificationFactory()

    tasks.deliver_notification.delay(notification.pk)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.FAILED, 1)
