"""The reminder ladders: which step is due when, what is skipped, when a ladder starts over (cases.ladder)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from cases import ladder
from cases.choices import ReminderStep as R

DUE = date(2026, 3, 17)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def default_offsets(settings):
    settings.CASE_REMIND_BUSINESS_DAYS_BEFORE = 3
    settings.CASE_SECOND_URGE_AFTER_DAYS = 5
    settings.CASE_ESCALATION_AFTER_DAYS = 10
    settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE = 2


def case(state="transferred", **fields):
    values = {name: None for name in ladder.INPUTS}
    values.update(state=state, pause_kind="", reminder_stage="", due_on=DUE)
    values.update(fields)
    return SimpleNamespace(**values)


def walk(c, days):
    """Take the ladder day by day like a sweep running daily; return {day: [kinds taken]}."""
    taken = {}
    for n in range(days):
        today = DUE - 5 * DAY + n * DAY
        plan = ladder.plan(c, today, taking=True)
        if plan.take:
            taken[today] = [s.kind for s in plan.take]
        for name, value in plan.values().items():
            setattr(c, name, value)
    return taken


def test_the_handling_ladder_day_by_day_for_a_transfer_sheet():
    c = case()
    assert walk(c, 40) == {
        DUE - 3 * DAY: [R.BUSINESS_REMINDER],
        DUE: [R.DUE_TODAY],
        DUE + DAY: [R.FIRST_URGE],
        DUE + 6 * DAY: [R.SECOND_URGE],
        DUE + 16 * DAY: [R.ESCALATION_CANDIDATE],
    }
    assert (c.supervisor_queue_since, c.escalation_candidate_since) == (DUE + 6 * DAY, DUE + 16 * DAY)
    assert c.next_reminder_on is None and c.reminder_stage == R.ESCALATION_CANDIDATE


def test_offsets_are_settings(settings):
    settings.CASE_REMIND_BUSINESS_DAYS_BEFORE = 1
    settings.CASE_SECOND_URGE_AFTER_DAYS = 2
    settings.CASE_ESCALATION_AFTER_DAYS = 3
    assert list(walk(case(), 40)) == [DUE - DAY, DUE, DUE + DAY, DUE + 3 * DAY, DUE + 6 * DAY]


@pytest.mark.parametrize("state", ["accepted", "replied", "mediating"])
def test_no_reminder_to_the_business_unless_its_sheet_waits_for_an_answer(state):
    taken = walk(case(state), 40)
    assert R.BUSINESS_REMINDER not in sum(taken.values(), [])
    assert taken[DUE] == [R.DUE_TODAY]


def test_next_reminder_on_is_the_first_step_ahead():
    c = case()
    ladder.reschedule(c, DUE - 10 * DAY)
    assert c.next_reminder_on == DUE - 3 * DAY
    c = case("accepted")
    ladder.reschedule(c, DUE - 10 * DAY)
    assert c.next_reminder_on == DUE


def test_reminders_overtaken_by_a_later_step_are_skipped():
    c = case()
    plan = ladder.plan(c, DUE, taking=True)  # the sweep did not run on the reminder's day
    assert [s.kind for s in plan.take] == [R.DUE_TODAY]
    plan = ladder.plan(case(), DUE + 2 * DAY, taking=True)
    assert [s.kind for s in plan.take] == [R.FIRST_URGE]
    assert plan.next_reminder_on == DUE + 7 * DAY  # five days after the first urging notice was actually sent


def test_overdue_steps_are_never_skipped_and_keep_their_gaps():
    """Going live with a long-overdue case: first urge today, second five days later, escalation ten after."""
    c = case()
    start = DUE + 30 * DAY
    taken = {}
    for n in range(20):
        plan = ladder.plan(c, start + n * DAY, taking=True)
        if plan.take:
            taken[start + n * DAY] = [s.kind for s in plan.take]
        for name, value in plan.values().items():
            setattr(c, name, value)
    assert taken == {
        start: [R.FIRST_URGE],
        start + 5 * DAY: [R.SECOND_URGE],
        start + 15 * DAY: [R.ESCALATION_CANDIDATE],
    }
    assert (c.supervisor_queue_since, c.escalation_candidate_since) == (start + 5 * DAY, start + 15 * DAY)


def test_a_second_step_due_at_once_waits_for_the_next_sweep():
    c = case()
    plan = ladder.plan(c, DUE + 6 * DAY, taking=True)
    assert [s.kind for s in plan.take] == [R.FIRST_URGE] and plan.stage_on == DUE + 6 * DAY
    assert plan.next_reminder_on == DUE + 11 * DAY


def test_a_paused_clock_stops_the_ladder_and_keeps_its_place():
    c = case(
        "appraisal", pause_kind="appraisal", reminder_stage=R.DUE_TODAY, reminder_stage_due_on=DUE,
        reminder_stage_on=DUE,
    )
    plan = ladder.plan(c, DUE + 30 * DAY, taking=True)
    assert plan.take == [] and plan.next_reminder_on is None
    assert (plan.stage, plan.stage_due_on, plan.stage_on) == (R.DUE_TODAY, DUE, DUE)


def test_a_moved_deadline_starts_the_ladder_over_and_clears_the_overdue_flags():
    c = case(
        "mediating",
        reminder_stage=R.SECOND_URGE,
        reminder_stage_due_on=DUE,
        supervisor_queue_since=DUE + 6 * DAY,
        due_on=DUE + 20 * DAY,  # an appraisal paused the clock for 20 days
    )
    ladder.reschedule(c, DUE + 7 * DAY)
    assert (c.reminder_stage, c.supervisor_queue_since, c.next_reminder_on) == ("", None, DUE + 20 * DAY)


def test_steps_of_a_deadline_carry_that_deadline():
    plan = ladder.plan(case(), DUE + DAY, taking=True)
    assert plan.take == [ladder.Step(R.FIRST_URGE, DUE + DAY, DUE)]
    assert plan.stage_due_on == DUE


def test_finished_cases_have_no_ladder():
    c = case("resolved", reminder_stage=R.FIRST_URGE, reminder_stage_due_on=DUE, next_reminder_on=DUE + 6 * DAY)
    ladder.reschedule(c, DUE + 2 * DAY)
    assert c.next_reminder_on is None
    assert c.reminder_stage == R.FIRST_URGE  # how far it got stays


def test_the_acceptance_ladder_reminds_and_then_alerts():
    acceptance_due = date(2026, 3, 11)
    c = case("submitted", due_on=None, acceptance_due_on=acceptance_due)
    taken = {}
    for n in range(10):
        today = acceptance_due - 4 * DAY + n * DAY
        plan = ladder.plan(c, today, taking=True)
        taken.update({today: [s.kind for s in plan.take]} if plan.take else {})
        for name, value in plan.values().items():
            setattr(c, name, value)
    assert taken == {acceptance_due - 2 * DAY: [R.ACCEPTANCE_SOON], acceptance_due + DAY: [R.ACCEPTANCE_OVERDUE]}
    c = case("submitted", due_on=None, acceptance_due_on=acceptance_due, pause_kind="supplement")
    assert ladder.plan(c, acceptance_due + DAY, taking=True).take == []


def test_filing_starts_the_handling_ladder_after_the_acceptance_one():
    c = case("accepted", reminder_stage=R.ACCEPTANCE_SOON, reminder_stage_due_on=date(2026, 3, 3))
    ladder.reschedule(c, date(2026, 3, 2))
    assert (c.reminder_stage, c.next_reminder_on) == ("", DUE)


def test_the_mediation_limit_is_flagged_on_its_day_beside_the_handling_ladder():
    limit = DUE + 40 * DAY
    c = case("mediating", mediation_due_on=limit, reminder_stage=R.ESCALATION_CANDIDATE, reminder_stage_due_on=DUE)
    ladder.reschedule(c, DUE + 30 * DAY)
    assert c.next_reminder_on == limit
    assert ladder.plan(c, limit - DAY, taking=True).take == []
    plan = ladder.plan(c, limit, taking=True)
    assert plan.take == [ladder.Step(R.MEDIATION_LIMIT, limit, limit)]
    assert plan.mediation_limit_reached_on == limit and plan.next_reminder_on is None
    for name, value in plan.values().items():
        setattr(c, name, value)
    assert ladder.plan(c, limit + DAY, taking=True).take == []


def test_both_ladders_due_at_once_are_both_taken():
    c = case("mediating", mediation_due_on=DUE)
    plan = ladder.plan(c, DUE, taking=True)
    assert sorted(s.kind for s in plan.take) == [R.DUE_TODAY, R.MEDIATION_LIMIT]
    assert plan.next_reminder_on == DUE + DAY


def test_a_mediation_limit_that_moved_is_not_reached_any_more():
    c = case("mediating", mediation_due_on=DUE + 10 * DAY, mediation_limit_reached_on=DUE)
    ladder.reschedule(c, DUE + DAY)
    assert c.mediation_limit_reached_on is None
    assert c.next_reminder_on == DUE  # the handling ladder's steps come first: the sweep takes them now
