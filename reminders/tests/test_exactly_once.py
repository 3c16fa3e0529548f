"""Each ladder step exactly once: two sweeps at once, a retried task, a worker dying between claim and send,
Redis down, and a real Celery worker end to end."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, transaction

from cases.models import Case
from cases.tests.test_concurrency import _race
from notifications.models import Notification
from notifications.services import (
    notification_deliver,
    notifications_dispatch_pending,
    notifications_request_dispatch,
)
from reminders import services, tasks
from reminders.models import CaseReminder, UrgingNotice
from reminders.services import ROW_FIELDS, _due_batch, _Sweep, deadlines_sweep

from .conftest import urging_mail

DAY = timedelta(days=1)
Status = Notification.Status
EMAIL = Notification.Channel.EMAIL



def assert_each_step_once(cases, *, kind="first_urge"):
    steps = CaseReminder.objects.filter(case__in=cases, kind=kind)
    assert sorted(steps.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)
    numbers = sorted(UrgingNotice.objects.values_list("number", flat=True))
    assert numbers == [f"CB-2026-{n:06d}" for n in range(1, len(cases) + 1)]  # one each, no gaps
    emails = Notification.objects.filter(channel=EMAIL, template="reminders/urging_notice")
    assert sorted(emails.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in cases)


# --- a retried task ---------------------------------------------------------------------------------------



@pytest.mark.django_db
def test_a_task_retried_after_failing_midway_takes_each_step_once(
    travel, make_case, django_capture_on_commit_callbacks, mailoutbox
):
    cases = [make_case("transferred") for _ in range(5)]
    travel(cases[0].answer_due_on + DAY)
    real = services.notifications_enqueue_bulk
    calls = []

    def fails_in_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    with mock.patch.object(services, "notifications_enqueue_bulk", side_effect=fails_in_the_second_batch):
        with django_capture_on_commit_callbacks(execute=True):
            # As a worker runs it: the failure is not propagated, autoretry runs the task again (here at once).
            outcome = tasks.sweep_deadlines.apply(kwargs={"batch_size": 2}, throw=False)

    assert outcome.successful() and outcome.result == 3
    assert len(calls) == 4  # batch 1, batch 2 (failed, rolled back); the retry: the 3 cases left, in 2 batches
    assert_each_step_once(cases)
    assert len(urging_mail(mailoutbox)) == 5


# --- a worker dying between the claim and the send ----------------------------------------------------------


@pytest.mark.django_db
def test_a_worker_dying_between_claim_and_send_loses_nothing_and_sends_once(
    travel, make_case, django_capture_on_commit_callbacks, mailoutbox
):
    case = make_case("transferred")
    travel(case.answer_due_on + DAY, 10)
    # The batch commits (claim, step, notice, outbox rows) and the process dies: what it would have queued on
    # commit (the outbox dispatch) never runs.
    with django_capture_on_commit_callbacks(execute=False):
        deadlines_sweep()
    email = Notification.objects.get(channel=EMAIL, template="reminders/urging_notice")
    assert email.status == Status.PENDING and urging_mail(mailoutbox) == []

    # A delivery attempt that dies mid-send (the transport never answered).
    with mock.patch("notifications.channels.EmailChannel.send", side_effect=SystemExit):
        with pytest.raises(SystemExit):
            notification_deliver(notification_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENDING, 1)

    assert deadlines_sweep().steps == 0  # the next sweeps: the step is taken, nothing is added
    assert Notification.objects.filter(channel=EMAIL, template="reminders/urging_notice").count() == 1

    travel(case.answer_due_on + DAY, 10, 11)  # the claim (NOTIFICATIONS_SENDING_TIMEOUT, 10 minutes) has expired
    notifications_dispatch_pending(inline=True)
    notifications_dispatch_pending(inline=True)

    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(urging_mail(mailoutbox)) == 1


# --- two sweeps at once (PostgreSQL) ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_take_each_step_once(travel, make_case):
    cases = [make_case("transferred") for _ in range(24)]
    travel(cases[0].answer_due_on + DAY)

    results = _race([lambda: deadlines_sweep(batch_size=4, dispatch=False)] * 2)

    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.steps for r in results) == 24
    assert all(r.steps for r in results)  # SKIP LOCKED: both worked, on different cases
    assert_each_step_once(cases)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_sweep_that_planned_from_the_same_rows_claims_nothing(travel, make_case):
    """The claim is the guarded UPDATE, not the lock: a second sweep that read the same due cases (without
    waiting for the first one's locks) waits at its UPDATE, then finds the cases changed and takes nothing."""
    cases = [make_case("transferred") for _ in range(6)]
    today = cases[0].answer_due_on + DAY
    travel(today)
    both_read = threading.Barrier(2)

    def first():
        with transaction.atomic():
            rows = _due_batch(today, None, 100)  # FOR UPDATE
            both_read.wait()
            result = _Sweep(today).take(rows)
            time.sleep(0.5)  # the second sweep is now blocked on these rows
        return result

    def second():
        rows = list(Case.objects.filter(next_reminder_on__lte=today).values_list(*ROW_FIELDS, named=True))
        both_read.wait()
        time.sleep(0.2)
        with transaction.atomic():
            return _Sweep(today).take(rows)

    won, lost = _race([first, second])

    assert (won.claimed, won.steps) == (6, 6), won
    assert (lost.cases, lost.claimed, lost.steps, lost.notifications) == (6, 0, 0, 0), lost
    assert_each_step_once(cases)


# --- Redis down, and a real worker --------------------------------------------------------------------------


# The test worker takes every queue (the tasks are routed to sweeps / notifications / documents), as the
# development server's worker does.
ALL_QUEUES = settings.CELERY_QUEUE_NAMES


@contextmanager
def celery_broker(url):
    """Send tasks to a real broker at `url` (not eagerly), failing fast if it cannot be reached."""
    from config.celery import app

    keys = ["broker_url", "task_always_eager", "task_publish_retry", "broker_transport_options"]
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=url,
        task_always_eager=False,
        task_publish_retry=False,
        broker_transport_options={**saved["broker_transport_options"], "max_retries": 0},
    )
    _forget_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def _forget_connections(app):
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def redis_db15():
    """The test Redis database (15), emptied before and after."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield settings.REDIS_URL
    client.flushdb()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_down_notifications_wait_and_go_out_when_it_is_back(travel, make_case, redis_db15, mailoutbox):
    from celery.contrib.testing.worker import start_worker

    case = make_case("transferred")
    travel(case.answer_due_on + DAY)
    with celery_broker("redis://127.0.0.1:6390/0"):  # nothing listens there: the broker is down
        result = deadlines_sweep()
        assert result.steps == 1 and result.notifications == 2
        assert notifications_request_dispatch() is False
    email = Notification.objects.get(channel=EMAIL, template="reminders/urging_notice")
    assert email.status == Status.PENDING and urging_mail(mailoutbox) == []

    with celery_broker(redis_db15) as app, start_worker(app, pool="solo", perform_ping_check=False, queues=ALL_QUEUES):
        assert notifications_request_dispatch() is True  # what beat does every minute
        assert wait_for(lambda: Notification.objects.get(pk=email.pk).status == Status.SENT)

    assert len(urging_mail(mailoutbox)) == 1 and case.number in urging_mail(mailoutbox)[0].subject
    assert deadlines_sweep().steps == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_sweep_task_end_to_end(travel, make_case, redis_db15, mailoutbox):
    from celery.contrib.testing.worker import start_worker

    cases = [make_case("transferred") for _ in range(3)]
    travel(cases[0].answer_due_on + DAY)
    with celery_broker(redis_db15) as app, start_worker(app, pool="solo", perform_ping_check=False, queues=ALL_QUEUES):
        tasks.sweep_deadlines.delay(batch_size=2)
        urging = Notification.objects.filter(channel=EMAIL, template="reminders/urging_notice")
        assert wait_for(lambda: urging.filter(status=Status.SENT).count() == 3)

    assert_each_step_once(cases)
    assert sorted(m.subject for m in urging_mail(mailoutbox)) == sorted(
        f"【{settings.ASSOCIATION_NAME}】催办通知书 {n.number}（案件 {n.case.number}）"
        for n in UrgingNotice.objects.select_related("case")
    )
