"""The reminder ladders (domain.md, "Deadlines and reminders"): which steps come next for a case, and when.

Two deadlines run at once and never share a step, so each has its own ladder and its own bookkeeping (a *track*):
- the business's answer date (answer_due_on, the transfer sheet's answer_by), while the sheet waits for the answer
  (`transferred`): the business CASE_REMIND_BUSINESS_DAYS_BEFORE days before, the first urging notice (催办) the day
  after, the second CASE_SECOND_URGE_AFTER_DAYS days after the first and not before the new answer date the first
  one set (deadlines.urged_answer_due) has passed;
- the association's deadlines, one after the other: acceptance (`submitted`, acceptance_due_on): the mediator
  CASE_ACCEPTANCE_REMIND_DAYS_BEFORE days before the decision is due, and an alert the day after it; then handling
  (filed and open, due_on): the mediator on the due date and the day after, the supervisors' queue
  CASE_SECOND_URGE_AFTER_DAYS days later, and CASE_ESCALATION_AFTER_DAYS days after that the case becomes an
  escalation candidate;
- the mediation limit (mediation_due_on, counted from filing; filed cases without agreement): the day after it the
  case is flagged (mediation_limit_reached_on) as a candidate for termination. The flag is cleared when the limit
  moves, the clock pauses or the case leaves those states: the case list and the overdue view both read the flag
  (mediation_limit_q), nothing else, and a flagged case is always overdue (45 working days outlast 15 days).
Offsets are calendar days. A paused clock stops the ladders. When a deadline moves (a pause ended, the case was
filed) its ladder starts over and the overdue flags of the old one are cleared: steps are identified by
case + kind + the deadline they belong to.

The case stores where each track stands (its stage, the deadline that step was taken for and the day it was taken)
and when the next step of any ladder is due (next_reminder_on, indexed for the sweep). `plan` is the one place that
decides: the services call `reschedule` whenever they save a case, and the sweep (reminders.services) calls
`plan(..., taking=True)` for each case that is due.

When several steps of a ladder are due at once (the sweep did not run for days, the system went live with old
cases, a deadline moved into the past): reminders before and on the due date that a later step has overtaken are
skipped (a "due in 3 days" reminder sent after the due date would be wrong); the overdue steps are never skipped
but taken one per sweep and ladder in order, each at least its gap after the one before was actually taken (a
second urging notice presupposes a first one, five days earlier).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from . import deadlines
from .choices import HANDLING_STATES, MEDIATION_LIMIT_STATES, CaseState, ReminderStep

S = CaseState
R = ReminderStep

ACCEPTANCE_LADDER = (R.ACCEPTANCE_SOON, R.ACCEPTANCE_OVERDUE)
HANDLING_LADDER = (R.DUE_TODAY, R.HANDLING_OVERDUE, R.SUPERVISOR_QUEUE, R.ESCALATION_CANDIDATE)
ANSWER_LADDER = (R.BUSINESS_REMINDER, R.FIRST_URGE, R.SECOND_URGE)
URGING_STEPS = (R.FIRST_URGE, R.SECOND_URGE)
# Steps that are pointless once a later step is due: skipped then.
OVERTAKEN_STEPS = (R.ACCEPTANCE_SOON, R.BUSINESS_REMINDER, R.DUE_TODAY)


@dataclass(frozen=True)
class Track:
    """Where one ladder stands, as Case field names: the last step, its deadline, the day it was taken."""

    stage: str
    stage_due_on: str
    stage_on: str

    @property
    def fields(self):
        return (self.stage, self.stage_due_on, self.stage_on)


ASSOCIATION = Track("reminder_stage", "reminder_stage_due_on", "reminder_stage_on")
BUSINESS = Track("answer_reminder_stage", "answer_reminder_stage_due_on", "answer_reminder_stage_on")

# The Case fields this module maintains (the sweep writes exactly these).
FIELDS = [
    *ASSOCIATION.fields,
    *BUSINESS.fields,
    "next_reminder_on",
    "supervisor_queue_since",
    "escalation_candidate_since",
    "mediation_limit_reached_on",
]
# The Case fields `plan` reads (the sweep loads exactly these).
INPUTS = [
    "state",
    "pause_kind",
    "acceptance_due_on",
    "due_on",
    "answer_due_on",
    "mediation_due_on",
    *FIELDS,
]


def mediation_limit_q(prefix: str = "") -> Q:
    """Cases whose mediation time limit has passed: the one flag the case list and the overdue view filter on."""
    return Q(**{f"{prefix}mediation_limit_reached_on__isnull": False})


@dataclass(frozen=True)
class Step:
    kind: str
    on: date  # the day it is due
    deadline: date  # the deadline it belongs to


@dataclass(frozen=True)
class Offsets:
    days: dict  # kind -> days from the ladder's deadline (negative: before it)
    gaps: dict  # kind -> least days after the step before it was taken
    answer_dates: dict = field(default_factory=dict)  # issue day -> urged_answer_due, for one caller's lifetime

    def urged_answer_due(self, issued_on: date) -> deadlines.Due:
        """deadlines.urged_answer_due, counted once per day for whoever holds these offsets (a sweep plans
        thousands of cases under one calendar snapshot)."""
        if issued_on not in self.answer_dates:
            self.answer_dates[issued_on] = deadlines.urged_answer_due(issued_on)
        return self.answer_dates[issued_on]


@dataclass
class Plan:
    fields: dict  # the case's new values, keyed (and ordered) like FIELDS
    take: list[Step] = field(default_factory=list)

    def values(self) -> dict:
        return self.fields

    def __getattr__(self, name):
        try:
            return self.__dict__["fields"][name]
        except KeyError:
            raise AttributeError(name) from None


def offsets() -> Offsets:
    """When each step is due: days from the ladder's deadline, and for the later overdue steps the least gap after
    the step before them."""
    second, escalate = settings.CASE_SECOND_URGE_AFTER_DAYS, settings.CASE_ESCALATION_AFTER_DAYS
    return Offsets(
        days={
            R.ACCEPTANCE_SOON: -settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE,
            R.ACCEPTANCE_OVERDUE: 1,
            R.BUSINESS_REMINDER: -settings.CASE_REMIND_BUSINESS_DAYS_BEFORE,
            R.FIRST_URGE: 1,
            R.SECOND_URGE: 1 + second,
            R.DUE_TODAY: 0,
            R.HANDLING_OVERDUE: 1,
            R.SUPERVISOR_QUEUE: 1 + second,
            R.ESCALATION_CANDIDATE: 1 + second + escalate,
        },
        gaps={R.SECOND_URGE: second, R.SUPERVISOR_QUEUE: second, R.ESCALATION_CANDIDATE: escalate},
    )


def awaits_business(case) -> bool:
    """The transfer sheet waits for the business's answer: reminders and urging notices go to the business."""
    return case.state == S.TRANSFERRED


def plan(case, today: date, *, taking: bool = False, days: Offsets | None = None) -> Plan:
    """Where `case` (anything with the INPUTS attributes) stands on `today`.

    With taking=True the steps due now (at most one per ladder, and the mediation limit) are in `take` and the
    returned fields are those after taking them; otherwise nothing is taken and next_reminder_on may be today or
    earlier (the sweep will take it). `days` (offsets()) can be passed in by a caller that plans many cases at once.
    """
    days = days if days is not None else offsets()
    values = {name: getattr(case, name) for name in FIELDS}
    take, upcoming = [], []
    for track, kinds, deadline in _running(case):
        stage, stage_due_on, stage_on = (values[name] for name in track.fields)
        if not (stage in kinds and stage_due_on == deadline):  # a new ladder starts over
            stage, stage_due_on, stage_on = "", None, None
            if track is ASSOCIATION:
                values["supervisor_queue_since"] = values["escalation_candidate_since"] = None
        following = list(kinds[kinds.index(stage) + 1 :] if stage else kinds)
        ahead = _dated(following, deadline, days, after=stage_on)
        if taking and (due := [s for s in ahead if s.on <= today]):
            step = next((s for s in due if s.kind not in OVERTAKEN_STEPS), due[-1])
            take.append(step)
            stage, stage_due_on, stage_on = step.kind, step.deadline, today
            ahead = _dated(following[following.index(step.kind) + 1 :], deadline, days, after=today)
            if step.kind in (R.SUPERVISOR_QUEUE, R.ESCALATION_CANDIDATE):
                values["supervisor_queue_since"] = values["supervisor_queue_since"] or today
            if step.kind == R.ESCALATION_CANDIDATE:
                values["escalation_candidate_since"] = values["escalation_candidate_since"] or today
        values.update(zip(track.fields, (stage, stage_due_on, stage_on), strict=True))
        upcoming += [s.on for s in ahead]

    limit = case.mediation_due_on
    reached = values["mediation_limit_reached_on"]
    runs = case.state in MEDIATION_LIMIT_STATES and not case.pause_kind and limit
    if reached and (reached != limit or not runs):
        reached = None  # the limit moved, the clock is paused, or the case is finished or agreed
    if runs and not reached:
        flag_on = limit + timedelta(days=1)  # the limit's last day has passed
        if taking and flag_on <= today:
            take.append(Step(R.MEDIATION_LIMIT, flag_on, limit))
            reached = limit
        else:
            upcoming.append(flag_on)
    values["mediation_limit_reached_on"] = reached
    values["next_reminder_on"] = min(upcoming, default=None)
    return Plan(values, take)


def reschedule(case, today: date | None = None) -> None:
    """Bring the case's ladder fields up to date after a change (state, deadline, pause); takes no step."""
    for name, value in plan(case, today or timezone.localdate()).values().items():
        setattr(case, name, value)


def _running(case):
    """The ladders running for the case now: (track, its steps, their deadline)."""
    if case.pause_kind:
        return []
    running = []
    if case.state == S.SUBMITTED and case.acceptance_due_on:
        running.append((ASSOCIATION, ACCEPTANCE_LADDER, case.acceptance_due_on))
    elif case.state in HANDLING_STATES and case.due_on:
        running.append((ASSOCIATION, HANDLING_LADDER, case.due_on))
    if awaits_business(case) and case.answer_due_on:
        running.append((BUSINESS, ANSWER_LADDER, case.answer_due_on))
    return running


def _dated(kinds, deadline, days, *, after):
    """The steps with the days they are due: from the deadline, and not before their gap after the step before
    (taken on `after`, or due as planned). A second urging notice also waits until the answer date the first one
    set has passed."""
    steps, previous = [], after
    for kind in kinds:
        on = deadline + timedelta(days=days.days[kind])
        if kind in days.gaps and previous is not None:
            on = max(on, previous + timedelta(days=days.gaps[kind]))
        if kind == R.SECOND_URGE and previous is not None:
            on = max(on, days.urged_answer_due(previous).on + timedelta(days=1))
        steps.append(Step(kind, on, deadline))
        previous = on
    return steps
