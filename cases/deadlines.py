"""Every period of a complaint case, computed on the official working calendar (domain.md, "Deadlines").

This module is the one place that knows the periods; everything else reads the due dates the case stores
(``FIELDS``), which the services set through ``case_due_dates``. How long each period is, in which unit, whether
appraisal time is left out and which article says so is data: the case's rule set (cases.models.RuleSet, the one in
force on receipt until acceptance, then the one in force on the filing date, kept for good):

- ``acceptance_due``: the acceptance decision, counted from receipt (e.g. 暂行办法 art. 14: 7 working days);
- ``handling_due``: the handling deadline, counted from filing (立案); a calendar-day period's last day on a rest day
  moves to the next working day (民法典 arts. 201–204);
- ``business_answer_due``: the business's answer date on the transfer sheet, counted from the transfer, never
  after the handling deadline (it takes the filing date and caps itself);
- ``mediation_due``: the mediation time limit counted from acceptance (自投诉受理之日起, i.e. the filing date),
  never from the start of mediation, plus any extension both parties consented to (cases.MediationExtension);
- ``urged_answer_due``: the new answer date an urging notice (催办) sets: CASE_URGE_ANSWER_DAYS calendar days after
  it is issued, then rolled (a step of the association's reminder ladder, not a period of the law).

Pauses: a pause is a ``(stopped_on, restarted_on[, kind])`` tuple. The days after ``stopped_on`` up to and
including ``restarted_on`` are not counted, in the period's own unit (a paused weekend is nothing to a working-day
period), and the period is counted afresh from its start with every pause left out — never days added to a date
already moved past a rest day. An appraisal pause is left out only of the periods whose rule says appraisal time is
not counted (暂行办法 art. 20, 实施条例 art. 46(三)). An open pause (``restarted_on`` None) is left out of the
computation: while the clock stands still no ladder runs on the date, and the due date is recomputed when it ends.

Each function returns a ``Due``: the date and whether it was computed on provisional calendar data (a year without
the State Council's notice, see workcalendar.services).
"""

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from workcalendar import services

from .choices import PauseKind, PeriodKind

__all__ = [
    "FIELDS",
    "FIELD_PERIODS",
    "Due",
    "NoRuleSetError",
    "acceptance_due",
    "business_answer_due",
    "case_due_dates",
    "handling_due",
    "citations",
    "mediation_due",
    "performance_due",
    "supplement_due",
    "rules_for",
    "rules_in_force",
    "urged_answer_due",
]

Pause = tuple  # (stopped_on, restarted_on | None) or (stopped_on, restarted_on | None, PauseKind)

# The Case fields this module computes (case_due_dates returns exactly these).
FIELDS = ["acceptance_due_on", "due_on", "answer_due_on", "mediation_due_on", "deadlines_provisional"]
# Which period of the rule set each due-date field is counted by (for showing its rule and article).
FIELD_PERIODS = {
    "acceptance_due_on": PeriodKind.ACCEPTANCE,
    "due_on": PeriodKind.HANDLING,
    "answer_due_on": PeriodKind.ANSWER,
    "mediation_due_on": PeriodKind.MEDIATION,
}


class Due(NamedTuple):
    on: date
    provisional: bool  # computed on the statutory fallback of a year without official holiday data


class NoRuleSetError(ValidationError):
    """No rule set the association follows is in force on the date: a supervisor must enter one."""


def rules_in_force(on: date, region_id: int | None = None):
    """The rule set the association follows on ``on``: one of the region's if it has one, else the association's;
    the latest effective one wins."""
    from .models import RuleSet

    found = (
        RuleSet.objects.filter(is_active=True, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .filter(Q(region__isnull=True) | Q(region_id=region_id))
        .order_by(F("region_id").desc(nulls_last=True), "-effective_from", "-pk")
        .first()
    )
    if found is None:
        raise NoRuleSetError(
            _("No rule set is in force on %(day)s: a supervisor must enter the rules the association follows.")
            % {"day": on.isoformat()},
            code="no_rule_set",
        )
    return found


def _period(start: date, period, pauses: Iterable[Pause], *, extra_days: int = 0) -> Due:
    closed = [
        (p[0], p[1])
        for p in pauses
        if p[1] is not None and (period.excludes_appraisal or len(p) < 3 or p[2] != PauseKind.APPRAISAL)
    ]
    return Due(
        *services.period_end(start, period.days + extra_days, working_days=period.working_days, excluded=closed)
    )


def acceptance_due(received_on: date, pauses: Iterable[Pause] = (), *, rules=None) -> Due:
    """Last day to decide whether to accept a complaint received on ``received_on``."""
    rules = rules or rules_in_force(received_on)
    return _period(received_on, rules.period(PeriodKind.ACCEPTANCE), pauses)


def handling_due(filed_on: date, pauses: Iterable[Pause] = (), *, rules=None) -> Due:
    """Last day to finish handling a case filed (立案) on ``filed_on``."""
    rules = rules or rules_in_force(filed_on)
    return _period(filed_on, rules.period(PeriodKind.HANDLING), pauses)


def business_answer_due(transferred_on: date, pauses: Iterable[Pause] = (), *, filed_on: date, rules=None) -> Due:
    """The answer date the transfer sheet gives the business: never after the association's own deadline."""
    pauses = list(pauses)
    rules = rules or rules_in_force(filed_on)
    answer = _period(transferred_on, rules.period(PeriodKind.ANSWER), pauses)
    handling = handling_due(filed_on, pauses, rules=rules)
    # Either may decide the minimum, so the result is only as certain as both.
    return Due(min(answer.on, handling.on), answer.provisional or handling.provisional)


def mediation_due(filed_on: date, pauses: Iterable[Pause] = (), *, rules=None, extended_days: int = 0) -> Due:
    """The day mediation ends without agreement, counted from acceptance (the filing date), with the days both
    parties consented to add (a rule set's extension)."""
    rules = rules or rules_in_force(filed_on)
    return _period(filed_on, rules.period(PeriodKind.MEDIATION), pauses, extra_days=extended_days)


def urged_answer_due(issued_on: date) -> Due:
    """The new answer date an urging notice issued on ``issued_on`` sets for the business."""
    return Due(*services.period_end(issued_on, settings.CASE_URGE_ANSWER_DAYS, working_days=False, excluded=()))


def rules_for(case):
    """The case's rule set: the one it was accepted under, else (not yet accepted) the one in force on receipt."""
    if case.rule_set_id is not None:
        return case.rule_set
    region_id = case.business.region_id if case.business_id else None
    return rules_in_force(timezone.localdate(case.received_at), region_id)


def citations(case) -> dict[str, str]:
    """For each due date the case has, the rule and article it was counted by (e.g. for the case page)."""
    rules = rules_for(case)
    out = {}
    for field, kind in FIELD_PERIODS.items():
        text = rules.citation(kind)
        if kind == PeriodKind.MEDIATION and case.mediation_extended_days:
            text += _("; extended by %(days)s days with both parties' consent (%(article)s)") % {
                "days": case.mediation_extended_days, "article": rules.extension_article,
            }
        out[field] = text
    return out


def supplement_due(requested_on: date) -> Due:
    """The date a request for supplementary material asks the consumer to send it by."""
    return Due(*services.period_end(requested_on, settings.CASE_SUPPLEMENT_WORKING_DAYS, working_days=True, excluded=()))


def performance_due(agreed_on: date) -> Due:
    """The agreement's performance date (履行期限) when the parties named none."""
    return Due(*services.period_end(agreed_on, settings.CASE_PERFORMANCE_DAYS, working_days=False, excluded=()))


def case_due_dates(case, pauses: Iterable[Pause]) -> dict:
    """Every due date the case has so far, counted from its start with all its ``pauses``; keyed like FIELDS.

    The business's answer date is counted once, when the transfer sheet is issued (mediation.services), and kept:
    it is the date the sheet told the business, and urging notices quote it. Only its provisional mark is
    recomputed.
    """
    pauses = list(pauses)
    rules = rules_for(case)
    values = {name: getattr(case, name) for name in FIELDS}
    dues = []
    if case.received_at is not None:
        dues.append(("acceptance_due_on", acceptance_due(timezone.localdate(case.received_at), pauses, rules=rules)))
    if case.filed_on is not None:
        dues.append(("due_on", handling_due(case.filed_on, pauses, rules=rules)))
        dues.append((
            "mediation_due_on",
            mediation_due(case.filed_on, pauses, rules=rules, extended_days=case.mediation_extended_days),
        ))
        if case.answer_due_on is not None and case.transferred_at is not None:
            told = business_answer_due(
                timezone.localdate(case.transferred_at), pauses, filed_on=case.filed_on, rules=rules
            )
            dues.append(("answer_due_on", Due(case.answer_due_on, told.provisional)))
    values.update((name, due.on) for name, due in dues)
    values["deadlines_provisional"] = any(due.provisional for _name, due in dues)
    return values


def pauses_of(case) -> list[Pause]:
    """The case's pauses as (stopped_on, restarted_on) pairs (uses a prefetched ``pauses`` if there is one)."""
    return [(p.started_on, p.ended_on, p.kind) for p in case.pauses.all()]
