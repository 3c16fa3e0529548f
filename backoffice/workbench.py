"""The admin's home page (工作台): what the signed-in mediator has to do, and for supervisors the whole
association by mediator, the escalations waiting for a decision, the supervisors' queue and the month's figures.

Every count comes from cases.selectors.work_counts (one aggregate over the open cases, answered from an index);
each count links to the case list filtered by the same queue (?work=…), so the number and the list agree.
"""

from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import QUEUES, WORK, unassigned_cases, work_counts
from cases.users import person_name
from mediation.models import Escalation
from reports.selectors import month_figures

LIST_LIMIT = 10


def case_list_url(**params) -> str:
    # The supervisor's table has a link per mediator and queue (hundreds): the list's path is reversed once.
    return _case_list_path(get_script_prefix()) + ("?" + urlencode(params) if params else "")


@lru_cache(maxsize=8)
def _case_list_path(script_prefix) -> str:  # reverse() prepends the prefix: one path per prefix
    return reverse("admin:cases_case_changelist")


def _tiles(counts, **params):
    return [
        {"key": w.key, "label": w.label, "tone": w.tone, "count": counts[w.key],
         "url": case_list_url(work=w.key, **params)}
        for w in WORK
    ]


def workbench(user) -> dict:
    """The template context of the workbench for `user` (a fixed number of queries)."""
    today = timezone.localdate()
    context = {"workbench": True, "today": today}
    if user.has_perm("cases.mediate_case"):
        mine = work_counts(Case.objects.filter(mediator=user), today)
        context["my_tiles"] = _tiles(mine, mediator__id__exact=user.pk)
        context["my_open"] = mine["open"]
    if user.has_perm("cases.view_case"):
        context["unassigned"] = list(unassigned_cases(LIST_LIMIT))
        context["unassigned_url"] = case_list_url(work="unassigned")
        context["may_claim"] = user.has_perm("cases.mediate_case")
    if user.has_perm("cases.reassign_case"):
        context.update(_supervisor(today))
    return context


def _supervisor(today) -> dict:
    rows = work_counts(Case.objects.all(), today, by_mediator=True)
    people = {
        u.pk: u
        for u in get_user_model()
        .objects.filter(pk__in=[r["mediator"] for r in rows if r["mediator"]])
        .select_related("staff_profile")
    }
    totals = {w.key: sum(r[w.key] for r in rows) for w in WORK}
    totals["unassigned"] = sum(r["open"] for r in rows if r["mediator"] is None)
    by_mediator = []
    for row in rows:
        person = people.get(row["mediator"])
        params = {"mediator__id__exact": row["mediator"] if row["mediator"] else "none"}
        by_mediator.append({
            "name": person_name(person) if person else None,
            "url": case_list_url(work="open", **params),
            "cells": [
                {"count": row[w.key], "tone": w.tone, "url": case_list_url(work=w.key, **params)} for w in WORK
            ],
        })
    queue = QUEUES["queue"]
    escalations = Escalation.objects.filter(status=Escalation.Status.PROPOSED)
    return {
        "association_tiles": _tiles(totals),
        "association_unassigned": totals["unassigned"],
        "work_columns": WORK,
        "by_mediator": by_mediator,
        "escalations": list(escalations.select_related("case", "business")[:LIST_LIMIT]),
        "escalation_count": escalations.count(),
        "escalations_url": reverse("admin:mediation_escalation_changelist") + "?status__exact=proposed",
        "queue_cases": [
            (case, person_name(case.mediator) if case.mediator else "—")
            for case in Case.objects.filter(queue.q(today))
            .select_related("business", "mediator__staff_profile")
            .order_by("supervisor_queue_since", "pk")[:LIST_LIMIT]
        ],
        "queue_count": Case.objects.filter(queue.q(today)).count(),
        "queue_url": case_list_url(work="queue"),
        "month": month_figures(today),
    }
