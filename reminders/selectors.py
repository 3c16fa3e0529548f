"""Reads for the supervisors' overdue view and for anyone who needs a business's timeliness (statistics)."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, Q

from accounts import people
from cases.choices import HANDLING_STATES
from cases.ladder import mediation_limit_q
from cases.models import Business, Case

SUMMARY_ROWS = 20


def soon_window(today: date) -> date:
    """Cases due up to this day count as "due soon": the business reminder's horizon."""
    return today + timedelta(days=settings.CASE_REMIND_BUSINESS_DAYS_BEFORE)


def overdue_cases(*, today: date, queryset=None):
    """Open, filed cases with the clock running that are overdue or due soon (through case_open_due_idx)."""
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.filter(state__in=HANDLING_STATES, pause_kind="", due_on__lte=soon_window(today))


def filter_overdue(queryset, bucket: str | None, *, today: date):
    if bucket == "overdue":
        return queryset.filter(due_on__lt=today)
    if bucket == "soon":
        return queryset.filter(due_on__gte=today)
    if bucket == "queue":
        return queryset.filter(supervisor_queue_since__isnull=False)
    if bucket == "escalation":
        return queryset.filter(escalation_candidate_since__isnull=False)
    if bucket == "mediation_limit":
        return queryset.filter(mediation_limit_q())
    return queryset


def _counts(today):
    # COUNT(due_on), never NULL here: answered from case_overdue_summary_idx alone, as the grouping keys are.
    return {
        "overdue": Count("due_on", filter=Q(due_on__lt=today)),
        "soon": Count("due_on", filter=Q(due_on__gte=today)),
        "in_queue": Count("due_on", filter=Q(supervisor_queue_since__isnull=False)),
        "oldest_due_on": Min("due_on"),
    }


def overdue_by_mediator(*, today: date) -> list[dict]:
    """Per mediator in charge: overdue and soon-due cases, how many in the supervisors' queue, the most overdue
    one's days; most overdue first. Two queries (the counts, then the names of the mediators shown)."""
    rows = list(
        overdue_cases(today=today)
        .values("mediator_id")
        .annotate(**_counts(today))
        .order_by("oldest_due_on", "mediator_id")[:SUMMARY_ROWS]
    )
    # The names of those shown (a second query, on the few rows, rather than joining every case to its person).
    names = {
        row["pk"]: people.display_name_from_row(row, "")
        for row in get_user_model().objects.filter(pk__in=[r["mediator_id"] for r in rows if r["mediator_id"]])
        .values("pk", *people.name_values(""))
    }
    return [
        {
            **row,
            "name": names.get(row["mediator_id"]) or "—",
            "max_days_overdue": (today - row["oldest_due_on"]).days,
        }
        for row in rows
    ]


def overdue_by_business(*, today: date) -> list[dict]:
    """Per business: overdue and soon-due cases and its timeliness (business_timeliness); most overdue first.
    Three queries (the counts, the names of the businesses shown, their timeliness)."""
    rows = list(
        overdue_cases(today=today)
        .filter(business__isnull=False)
        .values("business_id")
        .annotate(**_counts(today))
        .order_by("oldest_due_on", "business_id")[:SUMMARY_ROWS]
    )
    names = dict(Business.objects.filter(pk__in=[r["business_id"] for r in rows]).values_list("pk", "name"))
    for row in rows:
        row["business__name"] = names.get(row["business_id"], "")
    timeliness = business_timeliness(today=today, business_ids=[row["business_id"] for row in rows])
    return [
        {**row, "max_days_overdue": (today - row["oldest_due_on"]).days, **timeliness.get(row["business_id"], {})}
        for row in rows
    ]


def business_timeliness(*, today: date, business_ids=None) -> dict[int, dict]:
    """For each business: of the transfer sheets it has had, how many it answered by their answer date.

    A sheet counts once the business answered it or its answer date (answer_due_on, the sheet's answer_by) passed
    (a sheet still within its time is not yet on time or late). `answered_in_time` compares the day of the answer
    (local time) with the answer date.
    Returns {business_id: {"sheets": n, "answered_in_time": m, "timeliness": m / n or None}}. One query.
    """
    sheets = Case.objects.filter(
        transferred_at__isnull=False, business__isnull=False, answer_due_on__isnull=False
    ).filter(Q(replied_at__isnull=False) | Q(answer_due_on__lt=today))
    if business_ids is not None:
        sheets = sheets.filter(business_id__in=list(business_ids))
    rows = sheets.values("business_id").annotate(
        sheets=Count("id"), answered_in_time=Count("id", filter=Q(replied_at__date__lte=F("answer_due_on")))
    )
    return {
        row["business_id"]: {
            "sheets": row["sheets"],
            "answered_in_time": row["answered_in_time"],
            "timeliness": row["answered_in_time"] / row["sheets"] if row["sheets"] else None,
        }
        for row in rows.order_by()
    }

