"""The reminder ladders: which step is due when, what is skipped, when a ladder starts over (cases.ladder)."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from cases import ladder
from cases.choices import ReminderStep as R

DUE = date(2026, 3, 17)  # the association's handling deadline (Tue)
ANSWER = date(2026, 3, 13)  # the business's answer date on its transfer sheet (Fri)
DAY = timedelta(days=1)

pytestmark = pytest.mark.django_db  # the second urging notice's day reads the working calendar


@pytest.fixture(autouse=True)
def default_offsets(settings):
    settings.CASE_REMIND_BUSINESS_DAYS_BEFORE = 3
    settings.CASE_SECOND_URGE_AFTER_DAYS = 5
    settings.CASE_ESCALATION_AFTER_DAYS = 10
    settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE = 2
    settings.CASE_URGE_ANSWER_DAYS = 3


def case(state="transferred", **fields):
    values = {name: None for name in ladder.INPUTS}
    values.update(
        state=state, pause_kind="", reminder_stage="", answer_reminder_stage="", due_on=DUE,
        answer_due_on=ANSWER if state == "transferred" else None,
    )
    values.update(fields)
    return SimpleNamespace(**values)


def walk(c, days, start=DUE - 10 * DAY):
    """Take the ladders day by day like a sweep running daily; return {day: [kinds taken]}."""
    taken = {}
    for n in range(days):
        today = start + n * DAY
        plan = ladder.plan(c, today, taking=True)
        if plan.take:
            taken[today] = [s.kind for s in plan.take]
        for name, value in plan.values().items():
            setattr(c, name, value)
    return taken


def test_the_two_ladders_run_side_by_side_for_a_transfer_sheet():
    """The business's steps key on its answer date, the association's on the handling deadline."""
    c = case()
    assert walk(c, 40) == {
        ANSWER - 3 * DAY: [R.BUSINESS_REMINDER],  # Tue Mar 10
        ANSWER + DAY: [R.FIRST_URGE],  # Sat Mar 14; its new answer date: +3 = Tue Mar 17
        DUE: [R.DUE_TODAY],
        DUE + DAY: [R.HANDLING_OVERDUE],
        ANSWER + 6 * DAY: [R.SECOND_URGE],  # Thu Mar 19: five days after the first, after Mar 17
        DUE + 6 * DAY: [R.SUPERVISOR_QUEUE],
        DUE + 16 * DAY: [R.ESCALATION_CANDIDATE],
    }
    assert (c.supervisor_queue_since, c.escalation_candidate_since) == (DUE + 6 * DAY, DUE + 16 * DAY)
    assert (c.reminder_stage, c.answer_reminder_stage) == (R.ESCALATION_CANDIDATE, R.SECOND_URGE)
    assert c.next_reminder_on is None


def test_the_business_reminder_comes_before_its_answer_date_not_the_handling_deadline():
    c = case(answer_due_on=DUE - 5 * DAY)
    reminder = [day for day, kinds in walk(c, 40).items() if R.BUSINESS_REMINDER in kinds]
    assert reminder == [DUE - 8 * DAY]


def test_the_second_urging_notice_waits_for_the_answer_date_the_first_one_set(settings):
    settings.CASE_SECOND_URGE_AFTER_DAYS = 2
    settings.CASE_URGE_ANSWER_DAYS = 4
    # First on Sat Mar 14; its answer date Mar 18 (Wed); the second not before Thu Mar 19 (not Mar 16).
    taken = walk(case(), 20)
    assert [day for day, kinds in taken.items() if R.SECOND_URGE in kinds] == [date(2026, 3, 19)]


def test_offsets_are_settings(settings):
    settings.CASE_REMIND_BUSINESS_DAYS_BEFORE = 1
    settings.CASE_SECOND_URGE_AFTER_DAYS = 2
    settings.CASE_ESCALATION_AFTER_DAYS = 3
    settings.CASE_URGE_ANSWER_DAYS = 1
    # answer: reminder Mar 12, first Sat Mar 14, (new date +1 = Sun -> Mon Mar 16), second Mar 17
    # handling: Mar 17, 18, queue Mar 20, escalation Mar 23
    assert walk(case(), 40) == {
        ANSWER - DAY: [R.BUSINESS_REMINDER],
        ANSWER + DAY: [R.FIRST_URGE],
        DUE: [R.SECOND_URGE, R.DUE_TODAY][::-1],
        DUE + DAY: [R.HANDLING_OVERDUE],
        DUE + 3 * DAY: [R.SUPERVISOR_QUEUE],
        DUE + 6 * DAY: [R.ESCALATION_CANDIDATE],
    }


@pytest.mark.parametrize("state", ["accepted", "replied", "mediating"])
def test_no_step_to_the_business_unless_its_sheet_waits_for_an_answer(state):
    taken = walk(case(state, answer_due_on=ANSWER), 40)
    assert not {R.BUSINESS_REMINDER, R.FIRST_URGE, R.SECOND_URGE} & set(sum(taken.values(), []))
    assert taken[DUE] == [R.DUE_TODAY]


def test_next_reminder_on_is_the_first_step_ahead():
    c = case()
    ladder.reschedule(c, DUE - 10 * DAY)
    assert c.next_reminder_on == ANSWER - 3 * DAY
    c = case("accepted")
    ladder.reschedule(c, DUE - 10 * DAY)
    assert c.next_reminder_on == DUE


def test_reminders_overtaken_by_a_later_step_are_skipped():
    plan = ladder.plan(case("accepted"), DUE + DAY, taking=True)  # the sweep did not run on the due date
    assert [s.kind for s in plan.take] == [R.HANDLING_OVERDUE]
    plan = ladder.plan(case(), ANSWER, taking=True)  # late, but the answer date has not passed: still useful
    assert [s.kind for s in plan.take] == [R.BUSINESS_REMINDER]
    plan = ladder.plan(case(), ANSWER + 2 * DAY, taking=True)
    assert [s.kind for s in plan.take] == [R.FIRST_URGE]
    assert plan.next_reminder_on == DUE  # the handling ladder's day; the second urging notice five days later


def test_overdue_steps_are_never_skipped_and_keep_their_gaps():
    """Going live with a long-overdue case: first urge today, second five days later; the association's overdue
    alert today, the supervisors' queue five days later and escalation ten after."""
    start = DUE + 30 * DAY
    c = case()
    taken = walk(c, 20, start=start)
    assert taken == {
        start: [R.HANDLING_OVERDUE, R.FIRST_URGE],
        start + 5 * DAY: [R.SUPERVISOR_QUEUE, R.SECOND_URGE],
        start + 15 * DAY: [R.ESCALATION_CANDIDATE],
    }
    assert (c.supervisor_queue_since, c.escalation_candidate_since) == (start + 5 * DAY, start + 15 * DAY)


def test_a_second_step_due_at_once_waits_for_the_next_sweep():
    plan = ladder.plan(case("accepted"), DUE + 6 * DAY, taking=True)
    assert [s.kind for s in plan.take] == [R.HANDLING_OVERDUE] and plan.reminder_stage_on == DUE + 6 * DAY
    assert plan.next_reminder_on == DUE + 11 * DAY


def test_a_paused_clock_stops_the_ladder_and_keeps_its_place():
    c = case(
        "appraisal", pause_kind="appraisal", reminder_stage=R.DUE_TODAY, reminder_stage_due_on=DUE,
        reminder_stage_on=DUE,
    )
    plan = ladder.plan(c, DUE + 30 * DAY, taking=True)
    assert plan.take == [] and plan.next_reminder_on is None
    assert (plan.reminder_stage, plan.reminder_stage_due_on, plan.reminder_stage_on) == (R.DUE_TODAY, DUE, DUE)


def test_a_moved_deadline_starts_the_ladder_over_and_clears_the_overdue_flags():
    c = case(
        "mediating",
        reminder_stage=R.SUPERVISOR_QUEUE,
        reminder_stage_due_on=DUE,
        supervisor_queue_since=DUE + 6 * DAY,
        due_on=DUE + 20 * DAY,  # an appraisal paused the clock for 20 days
    )
    ladder.reschedule(c, DUE + 7 * DAY)
    assert (c.reminder_stage, c.supervisor_queue_since, c.next_reminder_on) == ("", None, DUE + 20 * DAY)


def test_steps_of_a_deadline_carry_that_deadline():
    plan = ladder.plan(case(), DUE + DAY, taking=True)
    assert plan.take == [ladder.Step(R.HANDLING_OVERDUE, DUE + DAY, DUE), ladder.Step(R.FIRST_URGE, ANSWER + DAY, ANSWER)]
    assert (plan.reminder_stage_due_on, plan.answer_reminder_stage_due_on) == (DUE, ANSWER)


def test_finished_cases_have_no_ladder():
    c = case(
        "resolved", reminder_stage=R.HANDLING_OVERDUE, reminder_stage_due_on=DUE, next_reminder_on=DUE + 6 * DAY,
        answer_reminder_stage=R.FIRST_URGE, answer_reminder_stage_due_on=ANSWER,
    )
    ladder.reschedule(c, DUE + 2 * DAY)
    assert c.next_reminder_on is None
    assert (c.reminder_stage, c.answer_reminder_stage) == (R.HANDLING_OVERDUE, R.FIRST_URGE)  # how far it got


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


def test_the_mediation_limit_is_flagged_the_day_after_it_beside_the_handling_ladder():
    limit = DUE + 40 * DAY
    c = case("mediating", mediation_due_on=limit, reminder_stage=R.ESCALATION_CANDIDATE, reminder_stage_due_on=DUE)
    ladder.reschedule(c, DUE + 30 * DAY)
    assert c.next_reminder_on == limit + DAY
    assert ladder.plan(c, limit, taking=True).take == []  # its last day: not run out yet
    plan = ladder.plan(c, limit + DAY, taking=True)
    assert plan.take == [ladder.Step(R.MEDIATION_LIMIT, limit + DAY, limit)]
    assert plan.mediation_limit_reached_on == limit and plan.next_reminder_on is None
    for name, value in plan.values().items():
        setattr(c, name, value)
    assert ladder.plan(c, limit + 2 * DAY, taking=True).take == []


def test_the_mediation_limit_flag_goes_when_the_clock_pauses_or_the_case_is_finished():
    for changed in ({"state": "appraisal", "pause_kind": "appraisal"}, {"state": "resolved"}):
        c = case(**{"state": "mediating", "mediation_due_on": DUE, "mediation_limit_reached_on": DUE, **changed})
        ladder.reschedule(c, DUE + 5 * DAY)
        assert c.mediation_limit_reached_on is None


def test_both_ladders_due_at_once_are_both_taken():
    c = case("mediating", mediation_due_on=DUE - DAY)
    plan = ladder.plan(c, DUE, taking=True)
    assert sorted(s.kind for s in plan.take) == [R.DUE_TODAY, R.MEDIATION_LIMIT]
    assert plan.next_reminder_on == DUE + DAY


def test_a_mediation_limit_that_moved_is_not_reached_any_more():
    c = case("mediating", mediation_due_on=DUE + 10 * DAY, mediation_limit_reached_on=DUE)
    ladder.reschedule(c, DUE + DAY)
    assert c.mediation_limit_reached_on is None
    assert c.next_reminder_on == DUE  # the handling ladder's steps come first: the sweep takes them now
