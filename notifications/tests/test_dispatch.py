import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError as BrokerOperationalError

from notifications import tasks
from notifications.models import Notification
from notifications.services import GAVE_UP_MID_SEND, notification_deliver, notifications_dispatch_pending

from .factories import InAppNotificationFactory, NotificationFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(START, tick=False)
    return START


def test_sends_what_is_due_and_leaves_the_rest(now, mailoutbox):
    due = NotificationFactory(to_address="due@example.com", next_attempt_at=now - MINUTE)
    retry_due = NotificationFactory(
        to_address="retry@example.com", status=Status.FAILED, attempts=1, next_attempt_at=now
    )
    NotificationFactory(status=Status.FAILED, attempts=1, next_attempt_at=now + MINUTE)  # backoff not over
    NotificationFactory(status=Status.SENDING, attempts=1, next_attempt_at=now + MINUTE)  # being sent
    NotificationFactory(status=Status.SENT, next_attempt_at=None)
    NotificationFactory(status=Status.DEAD, attempts=5, next_attempt_at=None)
    InAppNotificationFactory()

    assert notifications_dispatch_pending() == 2

    assert sorted(m.to[0] for m in mailoutbox) == ["due@example.com", "retry@example.com"]
    assert Notification.objects.get(pk=due.pk).status == Status.SENT
    assert Notification.objects.get(pk=retry_due.pk).status == Status.SENT


def test_stale_sending_row_is_reclaimed_by_the_sweep(now, mailoutbox):
    # Its worker died mid-send: claimed 11 minutes ago with the default 10-minute claim.
    stale = NotificationFactory(
        status=Status.SENDING, attempts=1, last_attempt_at=now - 11 * MINUTE, next_attempt_at=now - MINUTE
    )

    assert notifications_dispatch_pending(inline=True) == 1

    stale.refresh_from_db()
    assert (stale.status, stale.attempts) == (Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_sending_timeout_setting_decides_when_a_claim_expires(now, settings):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 60
    notification = NotificationFactory()
    with mock.patch("notifications.channels.EmailChannel.send", side_effect=SystemExit):
        with pytest.raises(SystemExit):  # the worker process dies mid-send
            notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Status.SENDING
    assert notification.next_attempt_at == now + MINUTE
    assert notifications_dispatch_pending(inline=True) == 0


def test_a_stale_row_on_its_last_attempt_is_given_up(now, settings, mailoutbox):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    stale = NotificationFactory(status=Status.SENDING, attempts=3, next_attempt_at=now - MINUTE)

    assert notifications_dispatch_pending(inline=True) == 0

    stale.refresh_from_db()
    assert stale.status == Status.DEAD
    assert stale.next_attempt_at is None
    assert stale.last_error == GAVE_UP_MID_SEND
    assert mailoutbox == []


def test_walks_the_backlog_in_batches_of_bounded_size(now, mailoutbox):
    NotificationFactory.create_batch(7, next_attempt_at=now - MINUTE)

    with CaptureQueriesContext(connection) as queries:
        assert notifications_dispatch_pending(batch_size=3, inline=True) == 7

    batch_selects = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "notifications_notification"."next')
    ]
    assert len(batch_selects) == 3
    assert all(sql.endswith("LIMIT 3") for sql in batch_selects)
    assert len(mailoutbox) == 7


def test_queued_rows_are_not_queued_again_by_the_next_sweep_but_stay_claimable(now, settings):
    rows = NotificationFactory.create_batch(3, next_attempt_at=now - MINUTE)
    rows.append(NotificationFactory(status=Status.FAILED, attempts=2, next_attempt_at=now))

    with mock.patch.object(tasks.deliver_notification, "delay") as delay:
        assert notifications_dispatch_pending() == 4
        assert notifications_dispatch_pending() == 0

    assert sorted(call.args[0] for call in delay.call_args_list) == sorted(r.pk for r in rows)
    for row in rows:
        row.refresh_from_db()
        assert row.status == Status.PENDING
        assert row.next_attempt_at == now + datetime.timedelta(seconds=600)
    # The task that was queued can take the row at once.
    assert notification_deliver(notification_id=rows[-1].pk).status == Status.SENT
    # A lost task: the row comes due again once the queued-claim passes.
    with mock.patch.object(tasks.deliver_notification, "delay") as delay:
        settings.NOTIFICATIONS_SENDING_TIMEOUT = 600
        with mock.patch("django.utils.timezone.now", return_value=now + datetime.timedelta(seconds=600)):
            assert notifications_dispatch_pending() == 3


def test_broker_down_stops_the_sweep_and_keeps_rows_due(now):
    rows = NotificationFactory.create_batch(3, next_attempt_at=now - MINUTE)
    broker_down = BrokerOperationalError("Connection refused")

    with mock.patch.object(tasks.deliver_notification, "delay", side_effect=[None, broker_down]) as delay:
        assert notifications_dispatch_pending() == 1

    assert delay.call_count == 2
    assert Notification.objects.due(now).count() == 2
    assert {r.pk for r in Notification.objects.due(now)} < {r.pk for r in rows}


def test_management_command_runs_the_sweep(now, mailoutbox):
    NotificationFactory.create_batch(2, next_attempt_at=now - MINUTE)
    out = StringIO()

    call_command("dispatch_notifications", "--inline", "--batch-size", "1", stdout=out)

    assert "2" in out.getvalue()
    assert len(mailoutbox) == 2


def test_beat_task_runs_the_sweep(now, mailoutbox):
    NotificationFactory(next_attempt_at=now - MINUTE)

    assert tasks.dispatch_pending_notifications.delay().get() == 1
    assert len(mailoutbox) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's EXPLAIN QUERY PLAN")
@pytest.mark.parametrize("after", [None, (START, 10)])
def test_the_sweep_walks_the_partial_index(now, after):
    query = Notification.objects.due_batch(now, after=after, size=500).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())

    assert "USING INDEX notif_due_idx" in plan
    assert "TEMP B-TREE" not in plan  # rows come in index order: no sort


def test_rows_without_outstanding_work_cannot_keep_a_due_time():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(status=Status.SENT)  # the factory sets next_attempt_at
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationFactory(status=Status.FAILED, next_attempt_at=None)


def test_due_batches_page_through_ties_without_gaps_or_repeats(now):
    same_time = NotificationFactory.create_batch(4, next_attempt_at=now - MINUTE)
    older = NotificationFactory(next_attempt_at=now - 2 * MINUTE)
    NotificationFactory(next_attempt_at=now + MINUTE)  # not due

    seen, after = [], None
    while batch := list(Notification.objects.due_batch(now, after=after, size=2)):
        seen += [pk for _at, pk in batch]
        after = batch[-1]

    assert seen == [older.pk] + sorted(r.pk for r in same_time)
