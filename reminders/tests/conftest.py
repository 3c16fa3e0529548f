from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from reminders.services import deadlines_sweep

TZ = ZoneInfo("Asia/Shanghai")
FILED = date(2026, 3, 2)  # a Monday; handling due Tue 2026-03-17, all inside the official 2026 calendar


@pytest.fixture(autouse=True)
def ladder_defaults(settings):
    settings.CASE_REMIND_BUSINESS_DAYS_BEFORE = 3
    settings.CASE_SECOND_URGE_AFTER_DAYS = 5
    settings.CASE_ESCALATION_AFTER_DAYS = 10
    settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE = 2


@pytest.fixture(autouse=True)
def travel(time_machine):
    """The clock starts on FILED at 09:00 (Beijing time) in every test here; travel(day, hour) moves it."""

    def go(day, hour=10, minute=0):
        time_machine.move_to(datetime.combine(day, time(hour, minute), tzinfo=TZ), tick=False)

    go(FILED, 9)
    return go


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweep as the beat task would, with what it schedules on commit (the outbox dispatch) run too."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return deadlines_sweep(**kwargs)

    return run


def urging_mail(mailoutbox):
    """The emails of the urging notices (the transfer sheets' own emails left out)."""
    return [m for m in mailoutbox if "催办通知书" in m.subject]
