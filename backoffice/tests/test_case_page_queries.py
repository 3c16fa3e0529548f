"""The case page costs a fixed number of queries, however much the case has on it: at most 15 (issue 12).

Where they go (a mediating case with its sheet and an escalation, 15): the session, the user, the 2FA device
check, the permissions (one query: accounts.backends); the case with its consumer, business, mediator, agent, rules
and transfer sheet (1); ONE query of EXISTS tests — which record inlines have rows, the group membership, rejection
grounds, reports and publications, the facts the actions ask (backoffice.actions.fact_checks) and the duplicate
warning — so that what a case does not have costs nothing; the inlines with rows (notes, sheet and its dispatches,
documents, deliveries, escalations, notifications, evidence); the notification bell. The audit trail is read when
its section is opened (CaseAdmin.audit_trail_view), as the 历史记录 page reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from mediation.services.escalation import escalation_propose

pytestmark = pytest.mark.django_db

CASE_PAGE_QUERIES = 15  # issue 12's target


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


def test_the_facts_keys_are_the_checks_keys(mediator):
    from backoffice.actions import FACT_KEYS, fact_checks

    assert tuple(fact_checks(mediator)) == FACT_KEYS
