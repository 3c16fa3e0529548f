"""Reads about the caseload: the work queues of the workbench and the case list, and each case's deadline as the
staff see it. One definition per queue (WORK), used for the workbench's counts and for the filtered case list its
counts link to, so the number and the list never disagree.

The counts are one aggregate query over the open cases (the partial index case_open_work_idx holds mediator,
state, pause and due date, so PostgreSQL answers from the index alone), per mediator for the supervisors.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import HANDLING_STATES, OPEN_STATES, CaseState, PauseKind

# How far ahead "due this week" looks.
WEEK_DAYS = 7


@dataclass(frozen=True)
class Work:
    key: str
    label: str
    tone: str  # "danger", "warning", "info", "quiet": how the workbench colours the count

    def q(self, today: date) -> Q:
        running = Q(state__in=HANDLING_STATES, pause_kind="")
        return {
            "overdue": running & Q(due_on__lt=today),
            "today": running & Q(due_on=today),
            "week": running & Q(due_on__gt=today, due_on__lte=today + timedelta(days=WEEK_DAYS)),
            "screening": Q(state=CaseState.SUBMITTED) & ~Q(pause_kind=PauseKind.SUPPLEMENT),
            "business": Q(state=CaseState.TRANSFERRED),
            "answered": Q(state=CaseState.REPLIED),
            "consumer": Q(state__in=OPEN_STATES, pause_kind=PauseKind.SUPPLEMENT),
            "paused": Q(state__in=OPEN_STATES, pause_kind=PauseKind.APPRAISAL),
            "open": Q(state__in=OPEN_STATES),
            "unassigned": Q(state__in=OPEN_STATES, mediator__isnull=True),
            "queue": Q(state__in=OPEN_STATES, supervisor_queue_since__isnull=False),
        }[self.key]


WORK = [
    Work("overdue", _("Overdue"), "danger"),
    Work("today", _("Due today"), "warning"),
    Work("week", _("Due within 7 days"), "info"),
    Work("screening", _("To screen"), "info"),
    Work("business", _("Waiting for the business"), "quiet"),
    Work("answered", _("Business answered"), "info"),
    Work("consumer", _("Waiting for the consumer"), "quiet"),
    Work("paused", _("Paused (appraisal)"), "quiet"),
    Work("open", _("All open"), "quiet"),
]
QUEUES = {w.key: w for w in WORK}
# The queues of cases by their due date: their lists show the most urgent first (case_open_due_idx).
DUE_QUEUES = frozenset({"overdue", "today", "week"})
QUEUES["unassigned"] = Work("unassigned", _("Unassigned"), "warning")
QUEUES["queue"] = Work("queue", _("In the supervisors' queue"), "danger")


def work_counts(queryset, today: date | None = None, *, by_mediator: bool = False):
    """The count of each WORK queue among `queryset`'s open cases: a dict, or with `by_mediator` a list of dicts
    with `mediator` (id, None for nobody), the busiest first. One query either way."""
    today = today or timezone.localdate()
    # COUNT(state), never NULL: unlike COUNT(id) it is answered from the index alone (case_open_work_idx).
    counts = {w.key: Count("state", filter=w.q(today)) for w in WORK}
    queryset = queryset.filter(state__in=OPEN_STATES).order_by()
    if not by_mediator:
        return queryset.aggregate(**counts)
    rows = list(queryset.values("mediator").annotate(**counts))
    rows.sort(key=lambda r: (-r["overdue"], -r["open"], r["mediator"] or 0))
    return rows


def unassigned_cases(limit=10):
    """The open cases nobody is in charge of, the oldest first (the workbench's 认领 list)."""
    from .models import Case

    return (
        Case.objects.filter(QUEUES["unassigned"].q(timezone.localdate()))
        .select_related("consumer", "business")
        .order_by("received_at", "pk")[:limit]
    )


# --- one case's deadline ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """What the badge beside a case says: tone (danger/warning/info/quiet), text, and whether the date is
    provisional (a year without the official holiday notice)."""

    tone: str
    text: str
    due_on: date | None
    provisional: bool


def case_deadline(case, today: date | None = None) -> Deadline | None:
    """The deadline that matters now: the acceptance decision for a complaint being screened, the handling
    deadline for a filed case; None once the case is finished."""
    today = today or timezone.localdate()
    if case.state not in OPEN_STATES:
        return None
    provisional = bool(case.deadlines_provisional)
    if case.pause_kind:
        return Deadline("quiet", str(_("clock paused: %(why)s") % {"why": case.get_pause_kind_display()}), None,
                        provisional)
    if case.state == CaseState.SUBMITTED:
        due, what = case.acceptance_due_on, _("decision")
    else:
        due, what = case.due_on, _("handling")
    if due is None:
        return None
    days = (due - today).days
    if days < 0:
        text = ngettext("%(what)s %(days)s day overdue", "%(what)s %(days)s days overdue", -days)
        return Deadline("danger", text % {"what": what, "days": -days}, due, provisional)
    if days == 0:
        return Deadline("warning", str(_("%(what)s due today") % {"what": what}), due, provisional)
    text = ngettext("%(what)s: %(days)s day left", "%(what)s: %(days)s days left", days)
    return Deadline("warning" if days <= 3 else "info", text % {"what": what, "days": days}, due, provisional)


def next_step(case, today: date | None = None) -> str:
    """What the mediator in charge should do next on the case, in one line."""
    today = today or timezone.localdate()
    s = CaseState
    if case.state == s.SUBMITTED:
        if case.pause_kind == PauseKind.SUPPLEMENT:
            return str(_("Wait for the consumer's supplementary material, then screen."))
        if case.mediator_id is None:
            return str(_("Claim the complaint and screen it: accept or reject."))
        return str(_("Screen the complaint: accept, reject or ask for material."))
    if case.state == s.ACCEPTED:
        return str(_("Send the transfer sheet to the business, or start mediating."))
    if case.state == s.TRANSFERRED:
        if case.answer_due_on and case.answer_due_on < today:
            return str(_("The business's answer is late: urge it or start mediating."))
        return str(_("Wait for the business's answer; record one received by phone or letter."))
    if case.state == s.REPLIED:
        return str(_("Read the business's answer: the consumer accepts or refuses the offer, or start mediating."))
    if case.state == s.MEDIATING:
        return str(_("Mediate: record the agreement, ask for an appraisal, or terminate."))
    if case.state == s.APPRAISAL:
        return str(_("Record the appraisal's conclusion to resume mediating."))
    if case.state in (s.RESOLVED, s.TERMINATED, s.WITHDRAWN):
        return str(_("Follow up with the consumer and close the case."))
    return ""
