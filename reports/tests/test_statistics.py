"""Every figure of the statistics page against a fixture computed by hand, the page's permission and query count,
and the exports opened and read back."""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case, CaseRejectionGround, Consumer, Region, RejectionGround, TerminationGround
from mediation.models import FollowUp
from reports.selectors import Period, statistics
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)
PAGE = reverse("admin:reports_statistics_changelist")


def _at(day):
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def regions(db):
    return Region.objects.create(name="东城区", code="R1"), Region.objects.create(name="西城区", code="R2")


@pytest.fixture
def fixture_cases(regions, mediator, other_mediator):
    """13 cases whose figures are worked out by hand in the tests below (see each case's comment)."""
    r1, r2 = regions
    b1 = BusinessFactory(name="一号商场", region=r1)
    b2 = BusinessFactory(name="二号商场", region=r2)
    t01 = TerminationGround.objects.get(code="T01")
    m1, m2 = mediator, other_mediator
    D = date

    def case(n, *, received, nature="quality", category="food", business=b1, mediator=m1, state="mediating",
             filed=None, due=None, outcome=None, money=None, ground=None, withdrawn="", pause=""):
        consumer = Consumer.objects.create(name=f"消费者{n}", phone=f"1370000{n:04d}")
        return Case.objects.create(
            consumer=consumer, business=business, mediator=mediator, channel="phone", nature=nature,
            category=category, product="商品", facts="事实", demand_type="refund", demand="退款", state=state,
            received_at=_at(received), filed_on=filed, number=f"TS-2026-{n:06d}" if filed else None, due_on=due,
            outcome_on=outcome, money_recovered=money, termination_ground=ground, withdrawal_reason=withdrawn,
            pause_kind=pause,
        )

    c = {}
    # resolved on time, rated 5 by phone
    c[1] = case(1, received=D(2026, 1, 5), filed=D(2026, 1, 6), due=D(2026, 1, 21), state="closed",
                outcome=D(2026, 1, 15), money=Decimal("100.00"))
    # resolved late, rated 3 online
    c[2] = case(2, received=D(2026, 1, 10), nature="price", filed=D(2026, 1, 11), due=D(2026, 1, 26),
                state="resolved", outcome=D(2026, 1, 30), money=Decimal("200.50"))
    # terminated on time, no follow-up (window lapsed)
    c[3] = case(3, received=D(2026, 2, 1), category="internet", mediator=m2, filed=D(2026, 2, 2),
                due=D(2026, 2, 17), state="terminated", outcome=D(2026, 2, 10), ground=t01)
    # rejected, two grounds; rejected, one ground
    c[4] = case(4, received=D(2026, 2, 3), mediator=None, state="rejected")
    c[5] = case(5, received=D(2026, 2, 5), nature="price", mediator=None, state="rejected")
    # open and overdue (clock running) → late
    c[6] = case(6, received=D(2026, 3, 1), filed=D(2026, 3, 2), due=D(2026, 3, 17), state="mediating")
    # open, not yet due → neither timely nor late
    c[7] = case(7, received=D(2026, 3, 20), nature="price", filed=D(2026, 3, 21), due=D(2026, 4, 15),
                state="transferred")
    # received last year, filed in the period, withdrawn on time
    c[8] = case(8, received=D(2025, 12, 28), filed=D(2026, 1, 2), due=D(2026, 1, 17), state="withdrawn",
                outcome=D(2026, 1, 5), withdrawn="私下和解")
    # received, not yet screened
    c[9] = case(9, received=D(2026, 3, 30), mediator=None, state="submitted")
    # another region: resolved on time
    c[10] = case(10, received=D(2026, 1, 15), business=b2, filed=D(2026, 1, 16), due=D(2026, 1, 31),
                 state="resolved", outcome=D(2026, 1, 20), money=Decimal("999.00"))
    # received after the period
    c[11] = case(11, received=D(2026, 4, 2), filed=D(2026, 4, 3), due=D(2026, 4, 18))
    # received in the period, filed after it
    c[12] = case(12, received=D(2026, 3, 25), filed=D(2026, 4, 1), due=D(2026, 4, 16), state="accepted")
    # under appraisal, due date passed but the clock is paused → not late
    c[13] = case(13, received=D(2026, 2, 19), filed=D(2026, 2, 20), due=D(2026, 3, 7), state="appraisal",
                 pause="appraisal")
    FollowUp.objects.create(case=c[1], channel="phone", satisfaction=5)
    FollowUp.objects.create(case=c[2], channel="online", satisfaction=3)
    FollowUp.objects.create(case=c[3], channel="none")
    ar07, ap03 = RejectionGround.objects.get(code="AR17"), RejectionGround.objects.get(code="AP03")
    CaseRejectionGround.objects.create(case=c[4], ground=ar07)
    CaseRejectionGround.objects.create(case=c[4], ground=ap03)
    CaseRejectionGround.objects.create(case=c[5], ground=ar07)
    return c


Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def test_every_summary_figure_of_a_region(fixture_cases, regions):
    s = statistics(Period(*Q1, regions[0]), today=TODAY).summary
    assert {k: s[k] for k in ("received", "rejected", "accepted", "resolved", "terminated", "withdrawn", "open",
                              "timely", "late", "followed_up", "with_outcome")} == {
        "received": 10,  # 1 2 3 4 5 6 7 9 12 13
        "rejected": 2,  # 4 5
        "accepted": 7,  # 1 2 3 6 7 8 13 (filed in the period)
        "resolved": 2,  # 1 2
        "terminated": 1,  # 3
        "withdrawn": 1,  # 8
        "open": 3,  # 6 7 13
        "timely": 3,  # 1 3 8
        "late": 2,  # 2 (outcome after due), 6 (open past due, clock running)
        "followed_up": 2,  # 1 2 (3 has "no follow-up")
        "with_outcome": 4,  # 1 2 3 8
    }
    assert s["money_recovered"] == Decimal("300.50")
    assert s["resolution_rate"] == Decimal("28.6")  # 2 / 7
    assert s["timely_rate"] == Decimal("60.0")  # 3 / 5
    assert s["follow_up_rate"] == Decimal("50.0")  # 2 / 4
    assert s["satisfaction"] == Decimal("4.00")  # (5 + 3) / 2


def test_all_regions_add_the_other_regions_cases(fixture_cases):
    s = statistics(Period(*Q1), today=TODAY).summary
    assert (s["received"], s["accepted"], s["resolved"], s["timely"]) == (11, 8, 3, 4)
    assert s["money_recovered"] == Decimal("1299.50")
    assert s["resolution_rate"] == Decimal("37.5")  # 3 / 8
    assert s["timely_rate"] == Decimal("66.7")  # 4 / 6
    assert s["follow_up_rate"] == Decimal("40.0")  # 2 / 5


def test_rejections_by_ground(fixture_cases, regions):
    rows = statistics(Period(*Q1, regions[0]), today=TODAY).rejected_by_ground
    assert [(r["ground__code"], r["count"]) for r in rows] == [("AR17", 2), ("AP03", 1)]


def test_breakdowns(fixture_cases, regions, mediator, other_mediator):
    stats = statistics(Period(*Q1, regions[0]), today=TODAY)
    nature = {r["nature"]: r for r in stats.by_nature}
    assert {k: (r["received"], r["accepted"], r["resolved"], r["terminated"], r["money_recovered"])
            for k, r in nature.items()} == {
        "quality": (7, 5, 1, 1, Decimal("100.00")),  # received 1 3 4 6 9 12 13; filed 1 3 6 8 13
        "price": (3, 2, 1, 0, Decimal("200.50")),  # received 2 5 7; filed 2 7
    }
    assert nature["quality"]["resolution_rate"] == Decimal("20.0")
    assert nature["price"]["timely_rate"] == Decimal("0.0")  # 2 late, 7 not yet due
    category = {r["category"]: (r["received"], r["accepted"]) for r in stats.by_category}
    assert category == {"food": (9, 6), "internet": (1, 1)}
    mediators = {r["mediator_id"]: (r["received"], r["accepted"], r["label"]) for r in stats.by_mediator}
    assert mediators == {
        mediator.pk: (6, 6, "调解员甲"),  # received 1 2 6 7 12 13; filed 1 2 6 7 8 13
        other_mediator.pk: (1, 1, "调解员乙"),
        None: (3, 0, mediators[None][2]),  # 4 5 9
    }
    assert [(r["label"], r["received"]) for r in stats.by_business] == [("一号商场", 10)]
    every = {r["label"]: r["accepted"] for r in statistics(Period(*Q1), today=TODAY).by_business}
    assert every == {"一号商场": 7, "二号商场": 1}


def test_monthly_trend(fixture_cases, regions):
    trend = statistics(Period(*Q1, regions[0]), today=TODAY).trend
    assert [(t["month"], t["received"], t["accepted"], t["resolved"], t["terminated"], t["money_recovered"])
            for t in trend] == [
        (date(2026, 1, 1), 2, 3, 2, 0, Decimal("300.50")),
        (date(2026, 2, 1), 4, 2, 0, 1, Decimal("0.00")),
        (date(2026, 3, 1), 4, 2, 0, 0, Decimal("0.00")),
    ]


def _page(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(PAGE, params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_page_shows_the_figures_and_charts(client, supervisor, fixture_cases, regions, time_machine):
    time_machine.move_to(_at(TODAY), tick=False)
    client.force_login(supervisor)
    response, _ = _page(client, start="2026-01-01", end="2026-03-31", region=regions[0].pk)
    page = response.content.decode()
    assert 'data-figure="received">10<' in page
    assert 'data-figure="resolution_rate">28.6<' in page
    assert 'data-figure="money_recovered">300.50<' in page
    assert page.count('class="bar"') == 3 * 4  # three months × four series
    assert page.count('class="point"') == 3
    assert "<script" not in page.split('id="content-main"')[1]  # charts are drawn on the server


def test_page_costs_a_fixed_number_of_queries(client, supervisor, fixture_cases, regions, mediator):
    client.force_login(supervisor)
    _response, small = _page(client, start="2026-01-01", end="2026-03-31")
    more = BusinessFactory.create_batch(30, region=regions[1])
    consumer = Consumer.objects.create(name="批量", phone="13600000000")
    Case.objects.bulk_create([
        Case(consumer=consumer, business=more[i % 30], mediator=mediator, channel="online",
             nature=["quality", "price", "safety"][i % 3], category="food", product="商品", facts="事实",
             demand_type="refund", demand="退款", state="resolved", received_at=_at(date(2026, 1 + i % 3, 5)),
             filed_on=date(2026, 1 + i % 3, 6), due_on=date(2026, 1 + i % 3, 21), outcome_on=date(2026, 1 + i % 3, 9),
             money_recovered=Decimal("10"), number=f"TS-2026-{1000 + i:06d}")
        for i in range(300)
    ])
    _response, large = _page(client, start="2026-01-01", end="2026-03-31")
    assert large == small
    assert large <= 20, large


def test_only_supervisors_see_the_statistics(client, mediator, supervisor, business_user):
    client.force_login(mediator)
    assert client.get(PAGE).status_code == 403
    assert client.get(reverse("admin:reports_statistics_table", args=["csv"])).status_code == 403
    assert client.get(reverse("admin:reports_statistics_cases", args=["xlsx"])).status_code == 403
    assert reverse("admin:reports_statistics_changelist") not in client.get(reverse("admin:index")).content.decode()
    client.force_login(business_user)
    assert client.get(PAGE).status_code == 302  # not staff: to the login page
    client.force_login(supervisor)
    assert PAGE in client.get(reverse("admin:index")).content.decode()


def test_a_bad_period_is_reported_and_the_default_shown(client, supervisor):
    client.force_login(supervisor)
    response = client.get(PAGE, {"start": "2026-03-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["stats"].period.start == date(timezone.localdate().year, 1, 1)


QUERY = {"start": "2026-01-01", "end": "2026-03-31"}


def test_table_export_xlsx_and_csv_read_back(client, supervisor, fixture_cases, regions, time_machine):
    time_machine.move_to(_at(TODAY), tick=False)
    client.force_login(supervisor)
    params = {**QUERY, "region": regions[0].pk}
    response = client.get(reverse("admin:reports_statistics_table", args=["xlsx"]), params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    values = {r[0]: r[1] for r in rows[2:19]}  # the summary section: label → value
    assert list(values.values())[:10] == [10, 2, 7, 2, 1, 1, 3, 3, 2, 2]
    assert list(values.values())[10:] == [300.5, 0, 0, 28.6, 60, 50, 4]  # no punitive damages in this fixture
    assert ["AR17", RejectionGround.objects.get(code="AR17").label_zh, 2] in [r[:3] for r in rows]
    assert any(r[0] == "一号商场" and r[1] == 10 for r in rows)
    assert any(r[0] == "2026-02" and r[1:6] == [4, 2, 0, 1, 0] for r in rows)

    response = client.get(reverse("admin:reports_statistics_table", args=["csv"]), params)
    text = response.content.decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    assert [r[1] for r in csv_rows[2:12]] == ["10", "2", "7", "2", "1", "1", "3", "3", "2", "2"]
    assert ["AR17", RejectionGround.objects.get(code="AR17").label_zh, "2"] in csv_rows


def test_case_list_exports_read_back(client, supervisor, fixture_cases, regions, time_machine):
    time_machine.move_to(_at(TODAY), tick=False)
    client.force_login(supervisor)
    params = {**QUERY, "region": regions[0].pk, "figure": "late"}
    response = client.get(reverse("admin:reports_statistics_cases", args=["csv"]), params)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["TS-2026-000002", "TS-2026-000006"]

    response = client.get(reverse("admin:reports_statistics_cases", args=["xlsx"]), {**QUERY})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 12  # every case received or filed in the period, all regions (not case 11)
    numbers = {r[0] for r in rows[1:]}
    assert "TS-2026-000010" in numbers and "TS-2026-000011" not in numbers
    resolved_10 = next(r for r in rows if r[0] == "TS-2026-000010")
    assert resolved_10[6] == "二号商场" and resolved_10[7] == "西城区" and float(resolved_10[11]) == 999.0
    flat = " ".join(str(v) for r in rows for v in r)
    assert "消费者1" not in flat and "13700000001" not in flat  # no consumer personal data


@pytest.mark.postgres
def test_postgresql_computes_the_figures_in_one_scan(fixture_cases, regions):
    with CaptureQueriesContext(connection) as ctx:
        stats = statistics(Period(*Q1, regions[0]), today=TODAY, top=20)
    skip = ("SELECT set_config", "SAVEPOINT", "RELEASE")
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(skip)]
    assert len(sqls) == 5  # one pass, the trend, the grounds, the businesses' and mediators' names
    assert sum("GROUPING SETS" in sql for sql in sqls) == 2
    assert stats.summary["received"] == 10 and stats.trend[0]["accepted"] == 3


def test_sqlite_uses_one_query_per_table(fixture_cases, regions):
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL path is tested above")
    with CaptureQueriesContext(connection) as ctx:
        statistics(Period(*Q1, regions[0]), today=TODAY, top=20)
    assert len(ctx.captured_queries) == 8
