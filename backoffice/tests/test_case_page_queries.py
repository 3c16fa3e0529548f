"""The case page costs a fixed number of queries, however much the case has on it.

Issue 12 asks for at most 15; the page is at 40–45 (submitted, resolved) and 55 (mediating, with its sheet and an
escalation), all flat. Where they go (a submitted case): the session, the
user and its permissions (5); the case with its consumer, business and mediator (1); one EXISTS for the record
inlines, so empty ones cost nothing (1); notes, evidence, notifications (3); the actions offered (4); the
duplicate check (2); the notification bell (1); grounds (1); and the audit trail (backoffice.audit, 22: one per
history table plus the sweep's steps), which is the part still to bring down."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from mediation.services.escalation import escalation_propose

pytestmark = pytest.mark.django_db

CASE_PAGE_QUERIES = 57  # the target is 15 (issue 12), not met: see the docstring; deliveries and group parts added one


def _page_queries(client, case):
    url = reverse("admin:cases_case_change", args=[case.pk])
    client.get(url)  # warm the per-process caches (content types, permissions of the session's user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


@pytest.mark.parametrize("state", ["submitted", "mediating", "resolved"])
def test_the_case_page_stays_within_its_query_budget(client, make_case, mediator, state):
    client.force_login(mediator)
    case = make_case(state)
    services.case_add_note(case_id=case.pk, actor=mediator, body="已电话联系消费者")
    if state == "mediating":
        escalation_propose(case_id=case.pk, actor=mediator, kind="report", reasons="影响众多消费者。")
    few, _ = _page_queries(client, case)
    for i in range(5):
        services.case_add_note(case_id=case.pk, actor=mediator, body=f"第{i}次电话联系")
    many, ctx = _page_queries(client, case)
    assert many <= CASE_PAGE_QUERIES, f"{many} queries:\n" + "\n".join(q["sql"][:160] for q in ctx.captured_queries)
    assert many == few, (few, many)  # five more notes cost nothing
