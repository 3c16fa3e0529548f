"""加倍赔偿 (punitive damages) counted and summed apart, and the nature/category tables as 中消协's reports lay them
out — against a fixture worked out by hand, built through the public services (make_case, outcome_resolve)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mediation.services.outcomes import outcome_resolve
from reports.selectors import Period, report_tables, statistics

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)  # conftest.PINNED_NOW: every case below is received and filed today


@pytest.fixture
def agreements(make_case, mediator):
    """Three agreements and one open complaint:
    A (quality, appliances): refund 299 + 消法 art. 55 punitive 897            -> recovered 1196.00, punitive 897.00
    B (safety, food):        refund 45.80 + 食品安全法 art. 148 punitive 1000  -> recovered 1045.80, punitive 1000.00
    C (quality, appliances): replacement 4299, no punitive damages             -> recovered 4299.00
    D (contract, education): accepted, still open
    加倍赔偿: 2 cases, 1897.00 yuan; money recovered 6540.80 (punitive damages are part of it)."""
    a = make_case("mediating")
    outcome_resolve(case_id=a.pk, actor=mediator, remedies=[
        {"kind": "refund", "amount": Decimal("299.00")}, {"kind": "punitive_55", "amount": Decimal("897.00")},
    ])
    b = make_case("mediating", nature="safety", category="food", product="冷冻水饺", amount_paid=Decimal("45.80"))
    outcome_resolve(case_id=b.pk, actor=mediator, remedies=[
        {"kind": "refund", "amount": Decimal("45.80")}, {"kind": "punitive_148", "amount": Decimal("1000.00")},
    ])
    c = make_case("mediating")
    outcome_resolve(case_id=c.pk, actor=mediator, remedies=[{"kind": "replacement", "amount": Decimal("4299.00")}])
    d = make_case("accepted", nature="contract", category="education")
    return a, b, c, d


def test_punitive_damages_are_recorded_apart_on_the_case(agreements):
    a, b, c, _d = (case.__class__.objects.get(pk=case.pk) for case in agreements)
    assert (a.money_recovered, a.punitive_damages) == (Decimal("1196.00"), Decimal("897.00"))
    assert (b.money_recovered, b.punitive_damages) == (Decimal("1045.80"), Decimal("1000.00"))
    assert (c.money_recovered, c.punitive_damages) == (Decimal("4299.00"), None)
    assert dict(a.documents.get(kind="agreement").fields)["其中加倍赔偿"] == "人民币捌佰玖拾柒元整（897.00元）"
    assert "其中加倍赔偿" not in dict(c.documents.get(kind="agreement").fields)


def test_statistics_count_and_sum_punitive_damages(agreements):
    summary = statistics(Period(TODAY, TODAY)).summary
    assert (summary["punitive_count"], summary["punitive_amount"]) == (2, Decimal("1897.00"))
    assert summary["money_recovered"] == Decimal("6540.80")
    assert summary["resolved"] == 3


def test_the_page_and_the_export_show_them(agreements, client, supervisor):
    client.force_login(supervisor)
    params = {"start": "2026-06-15", "end": "2026-06-15"}
    page = client.get(reverse("admin:reports_statistics_changelist"), params).content.decode()
    assert 'data-figure="punitive_count">2<' in page and 'data-figure="punitive_amount">1897.00<' in page
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("admin:reports_statistics_table", args=["csv"]), params).content.decode("utf-8-sig")
    )))
    summary = {r[0]: r[1] for r in rows[2:19]}
    with translation.override("zh-hans"):
        assert summary[_("Punitive damages (cases)")] == "2"
        assert summary[_("Punitive damages (yuan)")] == "1897.00"


def test_nature_and_category_tables_as_the_zxx_reports(agreements):
    tables = report_tables(statistics(Period(TODAY, TODAY)))
    nature = {row["key"]: (row["count"], row["share"]) for row in tables["nature"].rows}
    # Every nature in the reports' order, also those with none: 4 received = quality 2, safety 1, contract 1.
    assert list(nature) == [
        "after_sales", "contract", "quality", "price", "false_advertising", "safety", "counterfeit", "dignity",
        "measurement", "other",
    ]
    assert nature["quality"] == (2, Decimal("50.0")) and nature["safety"] == (1, Decimal("25.0"))
    assert nature["contract"] == (1, Decimal("25.0")) and nature["price"] == (0, Decimal("0.0"))
    assert tables["nature"].total == 4
    goods = {row["key"]: row["count"] for row in tables["goods"].rows}
    assert goods["household_appliances"] == 2 and goods["food"] == 1
    assert (tables["goods"].total, tables["goods"].share) == (3, Decimal("75.0"))
    assert (tables["services"].total, tables["services"].share) == (1, Decimal("25.0"))
    assert {row["key"]: row["count"] for row in tables["services"].rows}["education"] == 1
