"""The rule sets' admin: supervisors edit, mediators only read, a rule set cases were accepted under is frozen."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import RuleSet

pytestmark = pytest.mark.django_db
LIST = reverse("admin:cases_ruleset_changelist")


def _change(rules):
    return reverse("admin:cases_ruleset_change", args=[rules.pk])


def test_changelist_and_change_page_with_flat_queries(client, supervisor):
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(20):
        RuleSet.objects.create(
            code=f"local-{n}", name=f"本地规则{n}", law="某条例", law_date="2026", effective_from=date(2026, 1, 1),
            acceptance_days=7, acceptance_article="x", handling_days=15, handling_article="x", answer_days=7,
            answer_article="x", mediation_days=45, mediation_article="x",
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(LIST)
    assert page.status_code == 200 and "上海市消费者权益保护条例" in page.content.decode()
    assert len(many) == len(few)
    assert client.get(_change(RuleSet.objects.get(code="shanghai-2014"))).status_code == 200


def test_mediators_read_and_never_edit(client, mediator):
    client.force_login(mediator)
    rules = RuleSet.objects.get(code="zanxing-banfa-2022")
    assert client.get(_change(rules)).status_code == 200
    client.post(_change(rules), {"name": "改名"})
    rules.refresh_from_db()
    assert rules.name != "改名"


def test_a_rule_set_in_use_shows_its_periods_read_only_and_can_still_be_ended(client, supervisor, make_case):
    make_case("accepted")
    rules = RuleSet.objects.get(code="zanxing-banfa-2022")
    client.force_login(supervisor)
    page = client.get(_change(rules)).content.decode()
    assert 'name="mediation_days"' not in page and 'name="effective_to"' in page
    response = client.post(_change(rules), {
        "name": rules.name, "law": rules.law, "law_date": rules.law_date, "region": "", "effective_to": "2026-12-31",
        "is_active": "on", "notes": rules.notes,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    rules.refresh_from_db()
    assert rules.effective_to == date(2026, 12, 31) and rules.mediation_days == 45
    assert rules.history.first().history_user == supervisor
    assert client.post(reverse("admin:cases_ruleset_delete", args=[rules.pk]), {"post": "yes"}).status_code == 403
