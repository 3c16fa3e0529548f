"""The working calendar against the State Council notices for 2025 and 2026, as encoded in chinesecalendar 1.11.

Official arrangements used below (国务院办公厅 holiday notices):
  2025 Spring Festival: Jan 28 (Tue) – Feb 4 (Tue) off; Jan 26 (Sun) and Feb 8 (Sat) make-up working days.
  2025 Labour Day: May 1 (Thu) – May 5 (Mon) off; Apr 27 (Sun) make-up working day.
  2025 National Day + Mid-Autumn: Oct 1 (Wed) – Oct 8 (Wed) off; Sep 28 (Sun) and Oct 11 (Sat) make-up days.
  2026 New Year: Jan 1 (Thu) – Jan 3 (Sat) off; Jan 4 (Sun) make-up working day.
  2026 Spring Festival: Feb 15 (Sun) – Feb 23 (Mon) off; Feb 14 (Sat) and Feb 28 (Sat) make-up working days.
  2026 Mid-Autumn: Sep 25 (Fri) – Sep 27 (Sun) off.
  2026 National Day: Oct 1 (Thu) – Oct 7 (Wed) off; Sep 20 (Sun) and Oct 10 (Sat) make-up working days.
"""

import logging
import warnings
from datetime import date, datetime

import pytest
import time_machine
from django.core import checks
from django.urls import reverse
from django.utils import translation

from workcalendar import services
from workcalendar.checks import coverage_warnings
from workcalendar.models import CalendarOverride
from workcalendar.services import (
    CalendarNotCoveredWarning,
    add_calendar_days_then_roll,
    add_working_days,
    calendar_snapshot,
    covered_years,
    is_workday,
    is_year_covered,
    next_workday_on_or_after,
    uncovered_years_ahead,
)

pytestmark = pytest.mark.django_db

# The last year the installed package covers; tests about "the year after" use it so a package upgrade keeps them true.
LAST_COVERED = max(covered_years())


@pytest.fixture
def no_fallback():
    """Turn a CalendarNotCoveredWarning into an error: covered computations must stay silent."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarNotCoveredWarning)
        yield


def override(d, kind, name="test"):
    return CalendarOverride.objects.create(date=d, kind=kind, name=name)


# --- is_workday ---------------------------------------------------------------------------------

IS_WORKDAY = [
    (date(2025, 3, 18), True, "ordinary Tuesday"),
    (date(2025, 3, 22), False, "ordinary Saturday"),
    (date(2025, 1, 1), False, "New Year's Day, Wednesday"),
    (date(2025, 1, 26), True, "Sunday, Spring Festival make-up working day"),
    (date(2025, 1, 28), False, "Tuesday, Spring Festival (New Year's Eve)"),
    (date(2025, 2, 4), False, "Tuesday, last day of Spring Festival break"),
    (date(2025, 2, 8), True, "Saturday, Spring Festival make-up working day"),
    (date(2025, 4, 27), True, "Sunday, Labour Day make-up working day"),
    (date(2025, 5, 5), False, "Monday, Labour Day break"),
    (date(2025, 9, 28), True, "Sunday, National Day make-up working day"),
    (date(2025, 10, 8), False, "Wednesday, last day of National Day break"),
    (date(2025, 10, 11), True, "Saturday, National Day make-up working day"),
    (date(2026, 1, 2), False, "Friday, New Year break"),
    (date(2026, 1, 4), True, "Sunday, New Year make-up working day"),
    (date(2026, 2, 14), True, "Saturday, Spring Festival make-up working day"),
    (date(2026, 2, 23), False, "Monday, last day of Spring Festival break"),
    (date(2026, 2, 28), True, "Saturday, Spring Festival make-up working day"),
    (date(2026, 9, 25), False, "Friday, Mid-Autumn Festival"),
    (date(2026, 9, 20), True, "Sunday, National Day make-up working day"),
    (date(2026, 10, 7), False, "Wednesday, last day of National Day break"),
    (date(2026, 10, 10), True, "Saturday, National Day make-up working day"),
]


@pytest.mark.parametrize(("day", "expected", "why"), IS_WORKDAY, ids=[row[2] for row in IS_WORKDAY])
def test_is_workday_follows_official_notices(no_fallback, day, expected, why):
    assert is_workday(day) is expected


# --- next_workday_on_or_after -------------------------------------------------------------------

NEXT_WORKDAY = [
    (date(2025, 3, 18), date(2025, 3, 18), "a working day is its own answer"),
    (date(2025, 3, 22), date(2025, 3, 24), "Saturday -> Monday"),
    (date(2025, 1, 25), date(2025, 1, 26), "Saturday -> the make-up Sunday right after"),
    (date(2025, 1, 28), date(2025, 2, 5), "Spring Festival -> Wednesday after the break"),
    (date(2025, 10, 1), date(2025, 10, 9), "National Day -> Thursday Oct 9"),
    (date(2025, 12, 31), date(2025, 12, 31), "New Year's Eve 2025 is a Wednesday working day"),
    (date(2026, 1, 1), date(2026, 1, 4), "New Year 2026 break Jan 1-3 -> make-up Sunday Jan 4"),
    (date(2026, 2, 15), date(2026, 2, 24), "Spring Festival 2026 -> Tuesday Feb 24"),
]


@pytest.mark.parametrize(("day", "expected", "why"), NEXT_WORKDAY, ids=[row[2] for row in NEXT_WORKDAY])
def test_next_workday_on_or_after(no_fallback, day, expected, why):
    assert next_workday_on_or_after(day) == expected


# --- add_working_days ---------------------------------------------------------------------------

WORKING_DAYS = [
    (date(2025, 3, 3), 7, date(2025, 3, 12), "Mon + 7: Mar 4-7 and 10-12, no holiday"),
    (date(2025, 3, 7), 1, date(2025, 3, 10), "Fri + 1 skips the weekend"),
    (date(2025, 3, 8), 0, date(2025, 3, 8), "zero days returns the start, even on a rest day"),
    (
        date(2025, 1, 24),
        7,
        date(2025, 2, 10),
        "Spring Festival: Jan 26 (Sun), 27, Feb 5, 6, 7, 8 (Sat), 10",
    ),
    (
        date(2025, 9, 26),
        7,
        date(2025, 10, 13),
        "National Day: Sep 28 (Sun), 29, 30, Oct 9, 10, 11 (Sat), 13",
    ),
    (date(2026, 2, 12), 7, date(2026, 2, 28), "Spring Festival 2026: Feb 13, 14 (Sat), 24-27, 28 (Sat)"),
    (date(2025, 12, 30), 3, date(2026, 1, 5), "across the year: Dec 31, Jan 4 (Sun), Jan 5"),
]


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"), WORKING_DAYS, ids=[row[3] for row in WORKING_DAYS]
)
def test_add_working_days(no_fallback, start, n, expected, why):
    assert add_working_days(start, n) == expected


# --- add_calendar_days_then_roll ----------------------------------------------------------------

CALENDAR_DAYS = [
    (date(2025, 3, 3), 15, date(2025, 3, 18), "lands on a Tuesday: stays"),
    (date(2025, 3, 7), 15, date(2025, 3, 24), "lands on Sat Mar 22: rolls to Monday"),
    (date(2025, 1, 15), 15, date(2025, 2, 5), "lands on Jan 30, Spring Festival: rolls past the break"),
    (date(2025, 1, 24), 15, date(2025, 2, 8), "lands on Sat Feb 8, a make-up working day: stays"),
    (date(2025, 1, 10), 15, date(2025, 1, 26), "lands on Sat Jan 25: rolls to the make-up Sunday Jan 26"),
    (date(2025, 9, 26), 15, date(2025, 10, 11), "lands on Sat Oct 11, a make-up working day: stays"),
    (date(2025, 12, 17), 15, date(2026, 1, 4), "lands on Jan 1 2026: New Year break, rolls to Sun Jan 4"),
    (date(2026, 2, 1), 15, date(2026, 2, 24), "lands on Feb 16, Spring Festival 2026: rolls to Tue Feb 24"),
]


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"), CALENDAR_DAYS, ids=[row[3] for row in CALENDAR_DAYS]
)
def test_add_calendar_days_then_roll(no_fallback, start, n, expected, why):
    assert add_calendar_days_then_roll(start, n) == expected


def test_negative_counts_are_rejected():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)
    with pytest.raises(ValueError):
        add_calendar_days_then_roll(date(2025, 3, 3), -1)


def test_datetimes_are_rejected_because_their_day_depends_on_a_time_zone():
    with pytest.raises(TypeError):
        is_workday(datetime(2025, 3, 3, 12, 0))
    with pytest.raises(TypeError):
        add_working_days("2025-03-03", 1)


# --- overrides beat the package -----------------------------------------------------------------


def test_holiday_override_turns_a_package_working_day_into_a_rest_day(no_fallback):
    override(date(2025, 3, 18), CalendarOverride.Kind.HOLIDAY)
    assert is_workday(date(2025, 3, 18)) is False
    # Mar 3 + 15 = Tue Mar 18, now a rest day -> Wed Mar 19.
    assert add_calendar_days_then_roll(date(2025, 3, 3), 15) == date(2025, 3, 19)
    # Mar 3 + 11 working days: Mar 4-7, 10-14, 17, then 19 (the 11th would have been Mar 18).
    assert add_working_days(date(2025, 3, 3), 11) == date(2025, 3, 19)


def test_workday_override_turns_a_package_rest_day_into_a_working_day(no_fallback):
    override(date(2025, 3, 22), CalendarOverride.Kind.WORKDAY)
    override(date(2025, 10, 3), CalendarOverride.Kind.WORKDAY)
    assert is_workday(date(2025, 3, 22)) is True  # a Saturday
    assert is_workday(date(2025, 10, 3)) is True  # a National Day holiday in the package
    # Mar 7 + 15 = Sat Mar 22, now a working day: stays.
    assert add_calendar_days_then_roll(date(2025, 3, 7), 15) == date(2025, 3, 22)
    assert next_workday_on_or_after(date(2025, 10, 1)) == date(2025, 10, 3)


def test_override_edits_are_seen_by_the_next_call():
    """No cross-call cache: a supervisor's edit must take effect at once, in every process."""
    assert is_workday(date(2025, 3, 18)) is True
    row = override(date(2025, 3, 18), CalendarOverride.Kind.HOLIDAY)
    assert is_workday(date(2025, 3, 18)) is False
    row.delete()
    assert is_workday(date(2025, 3, 18)) is True


def test_override_history_is_recorded():
    row = override(date(2025, 3, 18), CalendarOverride.Kind.HOLIDAY)
    row.kind = CalendarOverride.Kind.WORKDAY
    row.save()
    assert [h.kind for h in row.history.order_by("history_date")] == ["holiday", "workday"]
    with translation.override("en"):
        assert str(row) == "2025-03-18 Working day (make-up day)"


# --- years the package does not cover -----------------------------------------------------------


def test_uncovered_year_warns_and_falls_back_to_statutory_holidays_and_weekends(caplog):
    caplog.set_level(logging.WARNING, logger="workcalendar")
    with pytest.warns(CalendarNotCoveredWarning, match="2099"):
        assert is_workday(date(2099, 1, 1)) is False  # a Thursday, but 元旦 is a statutory holiday
    with pytest.warns(CalendarNotCoveredWarning, match="2099"):
        assert is_workday(date(2099, 1, 3)) is False  # a Saturday
    with pytest.warns(CalendarNotCoveredWarning, match="2099"):
        # Fri Jan 2 + 15 = Sat Jan 17 -> Mon Jan 19.
        assert add_calendar_days_then_roll(date(2099, 1, 2), 15) == date(2099, 1, 19)
    with pytest.warns(CalendarNotCoveredWarning, match="2098, 2099"):
        # Tue Dec 30 2098 + 6: Dec 31, (Jan 1 元旦), Jan 2 (Fri), 5, 6, 7, 8.
        assert add_working_days(date(2098, 12, 30), 6) == date(2099, 1, 8)
    records = [r for r in caplog.records if r.name == "workcalendar" and r.levelno == logging.WARNING]
    assert len(records) == 4
    assert "2099" in records[0].getMessage()


def test_crossing_into_the_first_uncovered_year_warns():
    with pytest.warns(CalendarNotCoveredWarning, match=str(LAST_COVERED + 1)):
        add_working_days(date(LAST_COVERED, 12, 20), 20)


def test_override_decides_a_date_in_an_uncovered_year_without_warning(no_fallback):
    override(date(2099, 1, 3), CalendarOverride.Kind.WORKDAY)
    assert is_workday(date(2099, 1, 3)) is True


def test_covered_years():
    years = covered_years()
    assert {2004, 2025, 2026} <= years
    assert 2099 not in years
    assert is_year_covered(2025) is True
    assert is_year_covered(2099) is False


@pytest.mark.parametrize(
    ("today", "horizon", "expected"),
    [
        (date(2025, 6, 1), 120, []),
        (date(2098, 12, 1), 120, [2098, 2099]),
        (date(2099, 3, 1), 30, [2099]),
        (date(LAST_COVERED, 9, 1), 90, []),  # Nov 30 is still in a covered year
        (date(LAST_COVERED, 10, 15), 90, [LAST_COVERED + 1]),
    ],
)
def test_uncovered_years_ahead(today, horizon, expected):
    assert uncovered_years_ahead(today, horizon_days=horizon) == expected


# --- caching ------------------------------------------------------------------------------------


def test_one_query_per_year_per_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(date(2025, 9, 1), 45)
    with django_assert_num_queries(2):
        add_working_days(date(2025, 12, 30), 3)  # 2025 and 2026


def test_snapshot_shares_one_read_across_calls(django_assert_num_queries):
    with django_assert_num_queries(1), calendar_snapshot():
        for day in range(1, 29):
            add_calendar_days_then_roll(date(2025, 2, day), 15)
        with calendar_snapshot():  # nested: reuses the outer read
            is_workday(date(2025, 3, 1))
    with django_assert_num_queries(1):  # after the block each call reads afresh again
        is_workday(date(2025, 3, 1))


# --- system check and admin ---------------------------------------------------------------------


def test_coverage_warnings():
    assert coverage_warnings(date(2025, 6, 1)) == []
    assert coverage_warnings(date(LAST_COVERED, 9, 1)) == []  # next year still more than 90 days away
    near_year_end = coverage_warnings(date(LAST_COVERED, 10, 15))
    assert [w.id for w in near_year_end] == ["workcalendar.W001"]
    assert str(LAST_COVERED + 1) in near_year_end[0].msg
    assert [w.level for w in coverage_warnings(date(2098, 12, 15))] == [checks.WARNING, checks.WARNING]


def test_system_check_is_registered():
    with time_machine.travel(date(2099, 6, 1), tick=False):
        assert "workcalendar.W001" in [m.id for m in checks.run_checks()]
    with time_machine.travel(date(2025, 6, 1), tick=False):
        assert "workcalendar.W001" not in [m.id for m in checks.run_checks()]


def test_admin_changelist_warns_about_uncovered_years(client, admin_user):
    override(date(2099, 1, 3), CalendarOverride.Kind.WORKDAY)
    url = reverse("admin:workcalendar_calendaroverride_changelist")
    with time_machine.travel(date(2098, 12, 1), tick=False):
        client.force_login(admin_user)  # inside the travel, or the session would have expired
        response = client.get(url)
    assert response.status_code == 200
    assert any("2098, 2099" in str(m) for m in response.context["messages"])
    with time_machine.travel(date(2025, 6, 1), tick=False):
        client.force_login(admin_user)
        response = client.get(url)
    assert response.status_code == 200
    assert not list(response.context["messages"])


def test_admin_add_records_history(admin_client):
    url = reverse("admin:workcalendar_calendaroverride_add")
    response = admin_client.post(url, {"date": "2025-03-18", "kind": "holiday", "name": "local", "note": ""})
    assert response.status_code == 302
    row = CalendarOverride.objects.get(date=date(2025, 3, 18))
    assert row.history.count() == 1
    assert services.is_workday(date(2025, 3, 18)) is False


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2027, 1, 1), "元旦"),
        (date(2027, 2, 5), "春节: 除夕 (lunar)"),
        (date(2027, 2, 8), "春节: 初三"),
        (date(2027, 4, 5), "清明"),
        (date(2027, 5, 1), "劳动节"),
        (date(2027, 6, 9), "端午 (lunar)"),
        (date(2027, 9, 15), "中秋 (lunar)"),
        (date(2027, 10, 1), "国庆"),
        (date(2027, 10, 3), "国庆 (a Sunday anyway)"),
    ],
)
def test_the_fallback_knows_the_statutory_holidays(day, why):
    with pytest.warns(CalendarNotCoveredWarning, match="2027"):
        assert is_workday(day) is False


def test_the_fallback_has_no_guessed_bridge_days():
    """Only a State Council notice makes Mon Oct 4 2027 a rest day (调休); the statute does not."""
    with pytest.warns(CalendarNotCoveredWarning):
        assert is_workday(date(2027, 10, 4)) is True


def test_period_end_reports_the_fallback():
    assert services.period_end(date(2026, 3, 2), 15, working_days=False) == (date(2026, 3, 17), False)
    with pytest.warns(CalendarNotCoveredWarning):
        # Mon Dec 28 + 5 working days: Dec 29, 30, 31, (元旦), Mon Jan 4, Tue Jan 5.
        assert services.period_end(date(2026, 12, 28), 5, working_days=True) == (date(2027, 1, 5), True)


def test_a_year_with_entered_overrides_is_no_longer_provisional(no_fallback):
    override(date(2027, 2, 20), CalendarOverride.Kind.WORKDAY, "春节调休")
    # Dec 28 + 3 working days in a year whose notice is entered: Dec 29, 30, 31, no warning.
    assert services.period_end(date(2027, 12, 28), 3, working_days=True) == (date(2027, 12, 31), False)


def test_saving_or_deleting_an_override_sends_calendar_changed():
    from workcalendar.signals import calendar_changed

    seen = []

    def listener(sender, dates, **kwargs):
        seen.append(dates)

    calendar_changed.connect(listener)
    try:
        row = override(date(2027, 1, 2), CalendarOverride.Kind.WORKDAY)
        row.delete()
    finally:
        calendar_changed.disconnect(listener)
    assert seen == [[date(2027, 1, 2)], [date(2027, 1, 2)]]
