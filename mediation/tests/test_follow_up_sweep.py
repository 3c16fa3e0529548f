"""The sweep closes finished cases once the follow-up window has lapsed, as the system user."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case
from cases.users import get_system_user
from mediation.models import FollowUp
from mediation.services.follow_up import follow_up_record, follow_up_sweep
from mediation.tasks import follow_up_sweep as follow_up_sweep_task

pytestmark = pytest.mark.django_db
OUTCOME = date(2026, 5, 4)


def _on(time_machine, day):
    time_machine.move_to(timezone.make_aware(datetime.combine(day, time(3))), tick=False)


@pytest.fixture
def finished(make_case, time_machine, settings):
    settings.FOLLOW_UP_WINDOW_DAYS = 15
    _on(time_machine, OUTCOME)
    resolved_unrated = make_case("resolved")
    rated = make_case("terminated")
    follow_up_record(case_id=rated.pk, channel="online", satisfaction=2, actor=rated.mediator)
    withdrawn = make_case("withdrawn")
    _on(time_machine, OUTCOME + timedelta(days=3))
    later = make_case("resolved")  # its window ends three days later
    open_case = make_case("mediating")
    return resolved_unrated, rated, withdrawn, later, open_case


def test_nothing_closes_inside_the_window(finished, time_machine):
    _on(time_machine, OUTCOME + timedelta(days=14))
    assert follow_up_sweep() == {"closed_without_follow_up": 0, "closed_after_follow_up": 0, "skipped": 0}


def test_lapsed_cases_close_with_no_follow_up_recorded_by_the_system(finished, time_machine):
    resolved_unrated, rated, withdrawn, later, open_case = finished
    _on(time_machine, OUTCOME + timedelta(days=15))
    assert follow_up_sweep() == {"closed_without_follow_up": 2, "closed_after_follow_up": 1, "skipped": 0}
    system = get_system_user()
    for case in (resolved_unrated, withdrawn):
        case.refresh_from_db()
        assert case.state == "closed"
        assert "15" in case.closing_note
        follow_up = FollowUp.objects.get(case=case)
        assert (follow_up.channel, follow_up.satisfaction, follow_up.recorded_by) == ("none", None, system)
        last = case.history.first()
        assert last.history_user == system and last.history_change_reason == case.closing_note
    rated.refresh_from_db()
    assert rated.state == "closed" and FollowUp.objects.get(case=rated).satisfaction == 2
    assert Case.objects.get(pk=later.pk).state == "resolved"
    assert Case.objects.get(pk=open_case.pk).state == "mediating"
    # A second run finds nothing more to do; three days later the last one closes.
    assert follow_up_sweep()["closed_without_follow_up"] == 0
    _on(time_machine, OUTCOME + timedelta(days=18))
    assert follow_up_sweep()["closed_without_follow_up"] == 1
    assert FollowUp.objects.filter(channel="none").count() == 3


def test_command_and_task_run_the_sweep(finished, time_machine, capsys):
    _on(time_machine, OUTCOME + timedelta(days=15))
    call_command("close_unrated_cases")
    assert "closed without follow-up: 2" in capsys.readouterr().out
    _on(time_machine, OUTCOME + timedelta(days=18))
    assert follow_up_sweep_task.delay().get()["closed_without_follow_up"] == 1


def test_the_beat_schedule_runs_the_sweep(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mediation.tasks.follow_up_sweep" in tasks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_close_each_case_once(make_case, settings, time_machine):
    import threading

    from django.db import connection as default_connection

    settings.FOLLOW_UP_WINDOW_DAYS = 15
    _on(time_machine, OUTCOME)
    cases = [make_case("resolved") for _ in range(6)]
    _on(time_machine, OUTCOME + timedelta(days=15))
    start = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            start.wait()
            results.append(follow_up_sweep())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            default_connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(r["closed_without_follow_up"] for r in results) == 6
    assert FollowUp.objects.filter(case__in=cases, channel="none").count() == 6
    for case in cases:
        assert Case.objects.get(pk=case.pk).history.filter(state="closed").count() == 1
