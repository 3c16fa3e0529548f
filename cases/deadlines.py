"""Every period of a complaint case, computed on the official working calendar (domain.md, "Deadlines").

This module is the one place that knows the periods; everything else reads the due dates the case stores
(``FIELDS``), which the services set through ``case_due_dates``:

- ``acceptance_due``: CASE_ACCEPTANCE_WORKING_DAYS working days after receipt (decide whether to accept);
- ``handling_due``: CASE_HANDLING_DAYS calendar days after filing (立案), a last day on a rest day moving to the next
  working day (民法典 arts. 201–204); CASE_HANDLING_IN_WORKING_DAYS counts working days instead;
- ``business_answer_due``: the business's answer date on the transfer sheet, TRANSFER_ANSWER_DAYS calendar days
  after the transfer, then rolled; never after the handling deadline (it takes the filing date and caps itself);
- ``mediation_due``: CASE_MEDIATION_WORKING_DAYS working days counted from acceptance (自投诉受理之日起, i.e. the
  filing date), never from the start of mediation;
- ``urged_answer_due``: the new answer date an urging notice (催办) sets: CASE_URGE_ANSWER_DAYS calendar days after
  it is issued, then rolled.

Pauses: a pause is a ``(stopped_on, restarted_on)`` pair. The days after ``stopped_on`` up to and including
``restarted_on`` are not counted, in the period's own unit (a paused weekend is nothing to a working-day period), and
the period is counted afresh from its start with every pause left out — never days added to a date already moved
past a rest day. An open pause (``restarted_on`` None) is left out of the computation: while the clock stands still
no ladder runs on the date, and the due date is recomputed when the pause ends.

Each function returns a ``Due``: the date and whether it was computed on provisional calendar data (a year without
the State Council's notice, see workcalendar.services).
"""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone

from workcalendar import services

__all__ = [
    "FIELDS",
    "Due",
    "acceptance_due",
    "business_answer_due",
    "case_due_dates",
    "handling_due",
    "mediation_due",
    "performance_due",
    "supplement_due",
    "urged_answer_due",
]

Pause = tuple[date, date | None]

# The Case fields this module computes (case_due_dates returns exactly these).
FIELDS = ["acceptance_due_on", "due_on", "answer_due_on", "mediation_due_on", "deadlines_provisional"]


class Due(NamedTuple):
    on: date
    provisional: bool  # computed on the statutory fallback of a year without official holiday data


def _period(start: date, n: int, *, working_days: bool, pauses: Iterable[Pause]) -> Due:
    closed = [(stopped, restarted) for stopped, restarted in pauses if restarted is not None]
    return Due(*services.period_end(start, n, working_days=working_days, excluded=closed))


def acceptance_due(received_on: date, pauses: Iterable[Pause] = ()) -> Due:
    """Last day to decide whether to accept a complaint received on ``received_on``."""
    return _period(received_on, settings.CASE_ACCEPTANCE_WORKING_DAYS, working_days=True, pauses=pauses)


def handling_due(filed_on: date, pauses: Iterable[Pause] = ()) -> Due:
    """Last day to finish handling a case filed (立案) on ``filed_on``."""
    return _period(
        filed_on,
        settings.CASE_HANDLING_DAYS,
        working_days=settings.CASE_HANDLING_IN_WORKING_DAYS,
        pauses=pauses,
    )


def business_answer_due(transferred_on: date, pauses: Iterable[Pause] = (), *, filed_on: date) -> Due:
    """The answer date the transfer sheet gives the business: never after the association's own deadline."""
    pauses = list(pauses)
    answer = _period(transferred_on, settings.TRANSFER_ANSWER_DAYS, working_days=False, pauses=pauses)
    handling = handling_due(filed_on, pauses)
    # Either may decide the minimum, so the result is only as certain as both.
    return Due(min(answer.on, handling.on), answer.provisional or handling.provisional)


def mediation_due(filed_on: date, pauses: Iterable[Pause] = ()) -> Due:
    """The day mediation ends without agreement (暂行办法 art. 21(五)), counted from acceptance (the filing date)."""
    return _period(filed_on, settings.CASE_MEDIATION_WORKING_DAYS, working_days=True, pauses=pauses)


def urged_answer_due(issued_on: date) -> Due:
    """The new answer date an urging notice issued on ``issued_on`` sets for the business."""
    return _period(issued_on, settings.CASE_URGE_ANSWER_DAYS, working_days=False, pauses=())


def supplement_due(requested_on: date) -> Due:
    """The date a request for supplementary material asks the consumer to send it by."""
    return _period(requested_on, settings.CASE_SUPPLEMENT_WORKING_DAYS, working_days=True, pauses=())


def performance_due(agreed_on: date) -> Due:
    """The agreement's performance date (履行期限) when the parties named none."""
    return _period(agreed_on, settings.CASE_PERFORMANCE_DAYS, working_days=False, pauses=())


def case_due_dates(case, pauses: Iterable[Pause]) -> dict:
    """Every due date the case has so far, counted from its start with all its ``pauses``; keyed like FIELDS.

    The business's answer date is counted once, when the transfer sheet is issued (mediation.services), and kept:
    it is the date the sheet told the business, and urging notices quote it. Only its provisional mark is
    recomputed.
    """
    pauses = list(pauses)
    values = {name: getattr(case, name) for name in FIELDS}
    dues = []
    if case.received_at is not None:
        dues.append(("acceptance_due_on", acceptance_due(timezone.localdate(case.received_at), pauses)))
    if case.filed_on is not None:
        dues.append(("due_on", handling_due(case.filed_on, pauses)))
        dues.append(("mediation_due_on", mediation_due(case.filed_on, pauses)))
        if case.answer_due_on is not None and case.transferred_at is not None:
            told = business_answer_due(timezone.localdate(case.transferred_at), pauses, filed_on=case.filed_on)
            dues.append(("answer_due_on", Due(case.answer_due_on, told.provisional)))
    values.update((name, due.on) for name, due in dues)
    values["deadlines_provisional"] = any(due.provisional for _name, due in dues)
    return values


def pauses_of(case) -> list[Pause]:
    """The case's pauses as (stopped_on, restarted_on) pairs (uses a prefetched ``pauses`` if there is one)."""
    return [(p.started_on, p.ended_on) for p in case.pauses.all()]
