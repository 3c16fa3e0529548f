"""The reminder ladders (domain.md, "Deadlines and reminders"): which step comes next for a case, and when.

Each ladder belongs to one deadline of the case:
- acceptance (`submitted`, acceptance_due_on): the mediator CASE_ACCEPTANCE_REMIND_DAYS_BEFORE days before the
  decision is due, and an alert the day after it;
- handling (filed and open, due_on): the business CASE_REMIND_BUSINESS_DAYS_BEFORE days before (only while its
  transfer sheet waits for an answer), the mediator on the due date, the first urging notice (催办) the day after,
  the second CASE_SECOND_URGE_AFTER_DAYS days later (the case enters the supervisors' queue), and
  CASE_ESCALATION_AFTER_DAYS days after that the case becomes an escalation candidate;
- mediation limit (`mediating`, mediation_due_on): on that day the case is flagged as a candidate for termination.
Offsets are calendar days. A paused clock stops the ladders. When a deadline moves (a pause ended, the case was
filed) its ladder starts over and the overdue flags of the old one are cleared: steps are identified by
case + kind + the deadline they belong to.

The case stores where it stands (reminder_stage, and reminder_stage_due_on: the deadline that step was taken for)
and when its next step is due (next_reminder_on, indexed for the sweep). `plan` is the one place that decides:
the services call `reschedule` whenever they save a case, and the sweep (reminders.services) calls
`plan(..., taking=True)` for each case that is due.

When several steps of a ladder are due at once (the sweep did not run for days, the system went live with old
cases, a deadline moved into the past): reminders before and on the due date that a later step has overtaken are
skipped (a "due in 3 days" reminder sent after the due date would be wrong); the overdue steps are never skipped
but taken one per sweep in order, each at least its gap after the one before was actually taken (a second urging
notice presupposes a first one, five days earlier).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from .choices import HANDLING_STATES, CaseState, ReminderStep

S = CaseState
R = ReminderStep

ACCEPTANCE_LADDER = (R.ACCEPTANCE_SOON, R.ACCEPTANCE_OVERDUE)
HANDLING_LADDER = (R.BUSINESS_REMINDER, R.DUE_TODAY, R.FIRST_URGE, R.SECOND_URGE, R.ESCALATION_CANDIDATE)
URGING_STEPS = (R.FIRST_URGE, R.SECOND_URGE)
QUEUE_STEPS = (R.SECOND_URGE, R.ESCALATION_CANDIDATE)
# Steps that are pointless once a later step is due: skipped then.
OVERTAKEN_STEPS = (R.ACCEPTANCE_SOON, R.BUSINESS_REMINDER, R.DUE_TODAY)

# The Case fields this module maintains (the sweep writes exactly these).
FIELDS = [
    "reminder_stage",
    "reminder_stage_due_on",
    "reminder_stage_on",
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
    "mediation_due_on",
    *FIELDS,
]


@dataclass(frozen=True)
class Step:
    kind: str
    on: date  # the day it is due
    deadline: date  # the deadline it belongs to


@dataclass(frozen=True)
class Offsets:
    days: dict  # kind -> days from the ladder's deadline (negative: before it)
    gaps: dict  # kind -> least days after the step before it was taken


@dataclass
class Plan:
    stage: str
    stage_due_on: date | None
    stage_on: date | None
    next_reminder_on: date | None
    supervisor_queue_since: date | None
    escalation_candidate_since: date | None
    mediation_limit_reached_on: date | None
    take: list[Step] = field(default_factory=list)

    def values(self) -> dict:
        """The case's new field values, keyed like FIELDS."""
        return {
            "reminder_stage": self.stage,
            "reminder_stage_due_on": self.stage_due_on,
            "reminder_stage_on": self.stage_on,
            "next_reminder_on": self.next_reminder_on,
            "supervisor_queue_since": self.supervisor_queue_since,
            "escalation_candidate_since": self.escalation_candidate_since,
            "mediation_limit_reached_on": self.mediation_limit_reached_on,
        }


def offsets() -> Offsets:
    """When each step is due: days from the ladder's deadline, and for the later overdue steps the least gap after
    the step before them."""
    second, escalate = settings.CASE_SECOND_URGE_AFTER_DAYS, settings.CASE_ESCALATION_AFTER_DAYS
    return Offsets(
        days={
            R.ACCEPTANCE_SOON: -settings.CASE_ACCEPTANCE_REMIND_DAYS_BEFORE,
            R.ACCEPTANCE_OVERDUE: 1,
            R.BUSINESS_REMINDER: -settings.CASE_REMIND_BUSINESS_DAYS_BEFORE,
            R.DUE_TODAY: 0,
            R.FIRST_URGE: 1,
            R.SECOND_URGE: 1 + second,
            R.ESCALATION_CANDIDATE: 1 + second + escalate,
        },
        gaps={R.SECOND_URGE: second, R.ESCALATION_CANDIDATE: escalate},
    )


def awaits_business(case) -> bool:
    """The transfer sheet waits for the business's answer: reminders and urging notices go to the business."""
    return case.state == S.TRANSFERRED


def plan(case, today: date, *, taking: bool = False, days: Offsets | None = None) -> Plan:
    """Where `case` (anything with the INPUTS attributes) stands on `today`.

    With taking=True the step due now (of the ladder, and the mediation limit) is in `take` and the returned fields
    are those after taking it; otherwise nothing is taken and next_reminder_on may be today or earlier (the sweep
    will take it). `days` (offsets()) can be passed in by a caller that plans many cases at once.
    """
    days = days if days is not None else offsets()
    kinds, deadline = _ladder(case)
    stage, stage_due_on, stage_on = case.reminder_stage, case.reminder_stage_due_on, case.reminder_stage_on
    queue, escalation = case.supervisor_queue_since, case.escalation_candidate_since
    if kinds and not (stage in kinds and stage_due_on == deadline):
        stage, stage_due_on, stage_on, queue, escalation = "", None, None, None, None  # a new ladder starts over
    following = _following(case, kinds, stage)
    ahead = _dated(following, deadline, days, after=stage_on)
    take = []
    if taking and (due := [s for s in ahead if s.on <= today]):
        step = next((s for s in due if s.kind not in OVERTAKEN_STEPS), due[-1])
        take.append(step)
        stage, stage_due_on, stage_on = step.kind, step.deadline, today
        ahead = _dated(following[following.index(step.kind) + 1 :], deadline, days, after=today)
        if step.kind in QUEUE_STEPS:
            queue = queue or today
        if step.kind == R.ESCALATION_CANDIDATE:
            escalation = escalation or today
    next_on = min((s.on for s in ahead), default=None)

    limit_reached = case.mediation_limit_reached_on
    if limit_reached and limit_reached != case.mediation_due_on:
        limit_reached = None  # the limit moved (a pause ended): not reached yet
    if case.state == S.MEDIATING and not case.pause_kind and case.mediation_due_on and not limit_reached:
        if taking and case.mediation_due_on <= today:
            take.append(Step(R.MEDIATION_LIMIT, case.mediation_due_on, case.mediation_due_on))
            limit_reached = case.mediation_due_on
        else:
            next_on = min(d for d in (next_on, case.mediation_due_on) if d is not None)
    return Plan(stage, stage_due_on, stage_on, next_on, queue, escalation, limit_reached, take)


def reschedule(case, today: date | None = None) -> None:
    """Bring the case's ladder fields up to date after a change (state, deadline, pause); takes no step."""
    for name, value in plan(case, today or timezone.localdate()).values().items():
        setattr(case, name, value)


def _ladder(case):
    """The ladder running for the case now and its deadline, or ((), None)."""
    if case.pause_kind:
        return (), None
    if case.state == S.SUBMITTED and case.acceptance_due_on:
        return ACCEPTANCE_LADDER, case.acceptance_due_on
    if case.state in HANDLING_STATES and case.due_on:
        return HANDLING_LADDER, case.due_on
    return (), None


def _following(case, kinds, stage):
    """The ladder's steps after `stage` that apply to the case, in ladder order."""
    if not kinds:
        return []
    following = kinds[kinds.index(stage) + 1 :] if stage else kinds
    return [kind for kind in following if kind != R.BUSINESS_REMINDER or awaits_business(case)]


def _dated(kinds, deadline, days, *, after):
    """The steps with the days they are due: from the deadline, and not before their gap after the step before
    (taken on `after`, or due as planned)."""
    steps, previous = [], after
    for kind in kinds:
        on = deadline + timedelta(days=days.days[kind])
        if kind in days.gaps and previous is not None:
            on = max(on, previous + timedelta(days=days.gaps[kind]))
        steps.append(Step(kind, on, deadline))
        previous = on
    return steps
