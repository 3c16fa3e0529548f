"""Case deadlines on the official calendar; every expected date below was counted by hand against the notices.

2025 Spring Festival: Jan 28 – Feb 4 off, Jan 26 (Sun) and Feb 8 (Sat) worked.  2025 Labour Day: May 1–5 off, Apr 27
(Sun) worked.  2025 National Day: Oct 1–8 off, Sep 28 (Sun) and Oct 11 (Sat) worked.  2026 New Year: Jan 1–3 off,
Jan 4 (Sun) worked.  2026 Spring Festival: Feb 15–23 off, Feb 14 (Sat) and Feb 28 (Sat) worked.  2026 Mid-Autumn:
Sep 25–27 off.  2026 National Day: Oct 1–7 off, Sep 20 (Sun) and Oct 10 (Sat) worked.
"""

import warnings
from datetime import date

import pytest

from cases.choices import DayUnit
from cases.deadlines import Due, acceptance_due, business_answer_due, handling_due, mediation_due
from cases.models import RuleSet
from workcalendar.models import CalendarOverride
from workcalendar.services import CalendarNotCoveredWarning

pytestmark = pytest.mark.django_db


# The periods are those of the seeded rule set in force on these dates (暂行办法, cases migration 0013): 7 working
# days to accept, 15 calendar days to handle, 7 calendar days to answer, 45 working days to mediate. Other rule sets:
# test_rule_sets.py.


@pytest.fixture
def no_fallback():
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarNotCoveredWarning)
        yield


HANDLING = [
    (date(2025, 3, 3), date(2025, 3, 18), "Mon + 15 = Tue Mar 18, a working day"),
    (date(2025, 3, 7), date(2025, 3, 24), "+15 = Sat Mar 22 -> Mon Mar 24"),
    (date(2025, 1, 10), date(2025, 1, 26), "+15 = Sat Jan 25 -> Sun Jan 26, Spring Festival make-up day"),
    (date(2025, 1, 15), date(2025, 2, 5), "+15 = Thu Jan 30, Spring Festival -> Wed Feb 5"),
    (date(2025, 1, 24), date(2025, 2, 8), "+15 = Sat Feb 8, a make-up working day: stays"),
    (date(2025, 4, 12), date(2025, 4, 27), "+15 = Sun Apr 27, Labour Day make-up day: stays"),
    (date(2025, 4, 16), date(2025, 5, 6), "+15 = Thu May 1, Labour Day (May 1-5) -> Tue May 6"),
    (date(2025, 9, 13), date(2025, 9, 28), "+15 = Sun Sep 28, National Day make-up day: stays"),
    (date(2025, 9, 20), date(2025, 10, 9), "+15 = Sun Oct 5, National Day (Oct 1-8) -> Thu Oct 9"),
    (date(2025, 9, 26), date(2025, 10, 11), "+15 = Sat Oct 11, National Day make-up day: stays"),
    (
        date(2025, 12, 17),
        date(2026, 1, 4),
        "+15 = Thu Jan 1 2026, New Year (Jan 1-3) -> Sun Jan 4, make-up day",
    ),
    (date(2026, 1, 30), date(2026, 2, 14), "+15 = Sat Feb 14, Spring Festival make-up day: stays"),
    (date(2026, 2, 1), date(2026, 2, 24), "+15 = Mon Feb 16, Spring Festival (Feb 15-23) -> Tue Feb 24"),
    (date(2026, 2, 13), date(2026, 2, 28), "+15 = Sat Feb 28, Spring Festival make-up day: stays"),
    (date(2026, 9, 10), date(2026, 9, 28), "+15 = Fri Sep 25, Mid-Autumn (Sep 25-27) -> Mon Sep 28"),
    (date(2026, 9, 20), date(2026, 10, 8), "+15 = Mon Oct 5, National Day (Oct 1-7) -> Thu Oct 8"),
    (date(2026, 9, 25), date(2026, 10, 10), "+15 = Sat Oct 10, National Day make-up day: stays"),
]


@pytest.mark.parametrize(("filed_on", "expected", "why"), HANDLING, ids=[row[2] for row in HANDLING])
def test_handling_due_in_calendar_days(no_fallback, filed_on, expected, why):
    assert handling_due(filed_on).on == expected


ACCEPTANCE = [
    (date(2025, 3, 3), date(2025, 3, 12), "Mon: Mar 4-7, 10-12"),
    (
        date(2025, 1, 24),
        date(2025, 2, 10),
        "Fri before Spring Festival: Jan 26 (Sun), 27, Feb 5-7, 8 (Sat), 10",
    ),
    (date(2025, 1, 30), date(2025, 2, 12), "received during the break: Feb 5-7, 8 (Sat), 10-12"),
    (
        date(2025, 9, 26),
        date(2025, 10, 13),
        "Fri before National Day: Sep 28 (Sun), 29, 30, Oct 9, 10, 11 (Sat), 13",
    ),
    (
        date(2026, 2, 12),
        date(2026, 2, 28),
        "Thu before Spring Festival 2026: Feb 13, 14 (Sat), 24-27, 28 (Sat)",
    ),
]


@pytest.mark.parametrize(("received_on", "expected", "why"), ACCEPTANCE, ids=[row[2] for row in ACCEPTANCE])
def test_acceptance_due_in_working_days(no_fallback, received_on, expected, why):
    assert acceptance_due(received_on).on == expected


MEDIATION = [
    (
        date(2025, 9, 1),
        date(2025, 11, 7),
        "Sep 2-30 = 22 (with Sun Sep 28), Oct 9-31 = 18 (with Sat Oct 11), Nov 3-7 = 5",
    ),
    (
        date(2026, 1, 5),
        date(2026, 3, 13),
        "Jan 6-Feb 13 = 29, Sat Feb 14 = 30, Feb 24-27 + Sat Feb 28 = 35, Mar 2-6 = 40, Mar 9-13 = 45",
    ),
]


@pytest.mark.parametrize(("accepted_on", "expected", "why"), MEDIATION, ids=[row[2] for row in MEDIATION])
def test_mediation_due_in_working_days(no_fallback, accepted_on, expected, why):
    assert mediation_due(accepted_on).on == expected


# Pauses, counted by hand on the 2026 calendar. A pause (stopped, restarted) leaves out the days after `stopped` up to
# and including `restarted`, in the period's own unit, and the period is counted again from its start.
PAUSE_TABLE = [
    (
        handling_due, date(2026, 9, 20), [(date(2026, 9, 21), date(2026, 9, 24))], date(2026, 10, 8),
        "the 2026-09-20 example: Sep 21 = 1, Sep 22-24 paused, Sep 25-Oct 7 = 14, Thu Oct 8 = 15 (not Oct 12)",
    ),
    (
        handling_due, date(2026, 9, 10), [(date(2026, 9, 20), date(2026, 9, 30))], date(2026, 10, 8),
        "calendar period, pause over Mid-Autumn: Sep 11-20 = 10, Sep 21-30 paused, Oct 1-5 = 15, National Day -> Oct 8",
    ),
    (
        handling_due, date(2026, 3, 2), [(date(2026, 3, 4), date(2026, 3, 6)), (date(2026, 3, 10), date(2026, 3, 13))],
        date(2026, 3, 23),
        "two pauses: Mar 3-4 = 2, 5-6 paused, 7-10 = 6, 11-13 paused, 14-22 = 15, Sun -> Mon Mar 23",
    ),
    (
        handling_due, date(2026, 3, 6), [(date(2026, 3, 20), date(2026, 3, 23))], date(2026, 3, 24),
        "pause over the roll-forward day: unpaused Sat Mar 21 -> Mon 23; Mar 7-20 = 14, 21-23 paused, Tue 24 = 15",
    ),
    (
        handling_due, date(2026, 3, 6), [(date(2026, 3, 21), date(2026, 3, 24))], date(2026, 3, 25),
        "pause from the last day: Mar 7-21 = 15, Sat -> the next working day outside the pause, Wed Mar 25",
    ),
    (
        mediation_due, date(2026, 9, 1), [], date(2026, 11, 9),
        "45 working days: Sep 2-24 = 18 (Sun Sep 20 worked), 28-30 = 21, Oct 8-10 = 24, Oct 12-Nov 6 = 44, Nov 9",
    ),
    (
        mediation_due, date(2026, 9, 1), [(date(2026, 9, 28), date(2026, 10, 9))], date(2026, 11, 13),
        "working-day period, pause over National Day: only Sep 29, 30, Oct 8, 9 are left out -> Nov 13 (not Nov 20)",
    ),
    (
        acceptance_due, date(2026, 3, 2), [(date(2026, 3, 6), date(2026, 3, 8))], date(2026, 3, 11),
        "working-day period, pause over a weekend only: no working day left out, Mar 3-6, 9-11 -> Mar 11",
    ),
    (
        acceptance_due, date(2026, 3, 2), [(date(2026, 3, 4), date(2026, 3, 9))], date(2026, 3, 16),
        "working-day period: Mar 3, 4 = 2, Mar 5, 6, 9 left out, Mar 10-13 = 6, Mon Mar 16 = 7",
    ),
    (
        handling_due, date(2026, 9, 20), [(date(2026, 9, 21), None)], date(2026, 10, 8),
        "an open pause is left out until it ends: Oct 8 as without it",
    ),
]


@pytest.mark.parametrize(
    ("period", "start", "pauses", "expected", "why"), PAUSE_TABLE, ids=[row[4] for row in PAUSE_TABLE]
)
def test_pauses_are_left_out_and_the_period_counted_from_its_start(no_fallback, period, start, pauses, expected, why):
    assert period(start, pauses) == Due(expected, provisional=False)


def test_the_business_answer_date_never_comes_after_the_handling_deadline(no_fallback):
    filed = date(2026, 3, 2)  # handling due Tue Mar 17
    assert business_answer_due(date(2026, 3, 9), filed_on=filed) == Due(date(2026, 3, 16), False)  # Mon +7
    assert business_answer_due(date(2026, 3, 12), filed_on=filed) == Due(date(2026, 3, 17), False)  # capped
    # +7 = Sat Mar 21 -> Mon Mar 23, after the handling deadline: capped too.
    assert business_answer_due(date(2026, 3, 14), filed_on=filed) == Due(date(2026, 3, 17), False)


def test_an_answer_date_on_new_year_2027_never_happens_on_the_fallback():
    """2027 has no official data: 元旦 is still a rest day (statutory fallback) and the date is provisional."""
    with pytest.warns(CalendarNotCoveredWarning, match="2027"):
        # Fri Dec 25 + 7 = Fri Jan 1 2027 (元旦) -> Sat, Sun -> Mon Jan 4; handling due (Dec 24 + 15) Fri Jan 8.
        due = business_answer_due(date(2026, 12, 25), filed_on=date(2026, 12, 24))
    assert due == Due(date(2027, 1, 4), provisional=True)


def test_dates_that_stay_in_covered_years_are_not_provisional(no_fallback):
    assert handling_due(date(2026, 12, 1)).provisional is False  # Dec 16


def test_a_rule_set_switches_handling_to_working_days():
    rules = RuleSet.objects.get(code="zanxing-banfa-2022")
    # Calendar days: Jan 20 + 15 = Tue Feb 4, Spring Festival -> Wed Feb 5.
    assert handling_due(date(2025, 1, 20), rules=rules).on == date(2025, 2, 5)
    rules.handling_unit = DayUnit.WORKING
    # Working days: Jan 21-24, 26 (Sun), 27 = 6; Feb 5-7, 8 (Sat) = 10; Feb 10-14 = 15.
    assert handling_due(date(2025, 1, 20), rules=rules).on == date(2025, 2, 14)


def test_period_lengths_come_from_the_rule_set():
    rules = RuleSet.objects.get(code="zanxing-banfa-2022")
    rules.handling_days, rules.acceptance_days, rules.mediation_days = 10, 3, 5
    assert handling_due(date(2025, 3, 3), rules=rules).on == date(2025, 3, 13)  # Thu
    assert acceptance_due(date(2025, 3, 3), rules=rules).on == date(2025, 3, 6)  # Mar 4, 5, 6
    assert mediation_due(date(2025, 3, 6), rules=rules).on == date(2025, 3, 13)  # Mar 7, 10, 11, 12, 13


def test_overrides_move_deadlines_both_ways(no_fallback):
    # A local rest day on the due date pushes it on; a declared working Saturday keeps it.
    CalendarOverride.objects.create(date=date(2025, 3, 18), kind=CalendarOverride.Kind.HOLIDAY)
    CalendarOverride.objects.create(date=date(2025, 3, 22), kind=CalendarOverride.Kind.WORKDAY)
    assert handling_due(date(2025, 3, 3)).on == date(2025, 3, 19)
    assert handling_due(date(2025, 3, 7)).on == date(2025, 3, 22)
    # Mar 14 + 7 working days: Mar 17, (18 off), 19, 20, 21, 22 (Sat, worked), 24, 25.
    assert acceptance_due(date(2025, 3, 14)).on == date(2025, 3, 25)


def test_uncovered_year_warns_and_counts_statutory_holidays_and_weekends():
    with pytest.warns(CalendarNotCoveredWarning, match="2099"):
        # Fri Jan 2 2099 + 15 = Sat Jan 17 -> Mon Jan 19 (no holiday in between).
        assert handling_due(date(2099, 1, 2)) == Due(date(2099, 1, 19), provisional=True)
    with pytest.warns(CalendarNotCoveredWarning, match="2027"):
        # Dec 17 2026 + 15 = Fri Jan 1 2027, 元旦 (statutory) -> Sat, Sun -> Mon Jan 4.
        assert handling_due(date(2026, 12, 17)) == Due(date(2027, 1, 4), provisional=True)
    with pytest.warns(CalendarNotCoveredWarning, match="2099"):
        # Fri Jan 2 2099 + 7 working days: Jan 5-9, 12, 13.
        assert acceptance_due(date(2099, 1, 2)).on == date(2099, 1, 13)
