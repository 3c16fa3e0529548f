"""The monthly totals (reports.totals) give the same figures as the live aggregate, before and after cases change."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case
from mediation.models import FollowUp
from reports.models import MonthlyTotal, StaleMonth
from reports.selectors import FIGURES, Period, covered_by_totals, statistics
from reports.totals import monthly_totals_rebuild

from .test_statistics import TODAY, _at, fixture_cases, regions  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PERIODS = [
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
    (date(2025, 12, 1), date(2026, 4, 30)),
]


KEYS = {f.key for f in FIGURES} | {"with_outcome", "money_recovered", "satisfaction", "resolution_rate",
                                   "punitive_count", "punitive_amount",
                                   "timely_rate", "follow_up_rate", "label"}


def _figures(stats):
    def only(row):
        return {k: v for k, v in row.items() if k in KEYS}

    def rows(items, key):
        return {str(r[key]): only(r) for r in items}

    return {
        "summary": only(stats.summary),
        "nature": rows(stats.by_nature, "label"),
        "category": rows(stats.by_category, "label"),
        "business": rows(stats.by_business, "label"),
        "mediator": rows(stats.by_mediator, "label"),
        "trend": stats.trend,
        "grounds": stats.rejected_by_ground,
    }


def _same_as_live(region=None):
    for start, end in PERIODS:
        period = Period(start, end, region)
        assert covered_by_totals(period, TODAY)
        totalled, live = statistics(period, today=TODAY), statistics(period, today=TODAY, live=True)
        assert _figures(totalled) == _figures(live), (start, end, region)


def test_the_totals_match_the_live_figures_and_follow_changes(fixture_cases, regions):  # noqa: F811
    with time_machine.travel(_at(TODAY), tick=False):
        _same_as_live()
        _same_as_live(regions[0])
        assert MonthlyTotal.objects.exists() and not StaleMonth.objects.exists()

        # cases change through their saves: an outcome, a new follow-up, a new case, a moved filing date
        case = fixture_cases[6]
        case.outcome_on, case.money_recovered = date(2026, 3, 20), Decimal("50.00")
        case.save()
        FollowUp.objects.create(case=fixture_cases[10], channel="online", satisfaction=4)
        other = fixture_cases[12]
        other.filed_on = date(2026, 3, 28)
        other.save()
        Case.objects.create(
            consumer=fixture_cases[1].consumer, business=fixture_cases[1].business, channel="phone",
            nature="safety", category="food", product="商品", facts="事实", demand_type="refund", demand="退款",
            received_at=_at(date(2026, 2, 14)),
        )
        assert StaleMonth.objects.exists()
        _same_as_live()
        _same_as_live(regions[1])
        assert not StaleMonth.objects.exists()


def test_a_rebuild_counts_what_bypassed_the_signals(fixture_cases):  # noqa: F811
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    with time_machine.travel(_at(TODAY), tick=False):
        before = statistics(period, today=TODAY).summary["received"]
        Case.objects.filter(pk=fixture_cases[11].pk).update(received_at=_at(date(2026, 3, 3)))  # no signal
        monthly_totals_rebuild()
        assert statistics(period, today=TODAY).summary["received"] == before + 1


def test_periods_that_are_not_whole_months_are_counted_live():
    today = date(2026, 6, 15)
    assert covered_by_totals(Period(date(2026, 1, 1), date(2026, 6, 30)), today)
    assert covered_by_totals(Period(date(2026, 6, 1), date(2026, 6, 15)), today)  # this month so far
    assert not covered_by_totals(Period(date(2026, 1, 2), date(2026, 3, 31)), today)
    assert not covered_by_totals(Period(date(2026, 1, 1), date(2026, 3, 30)), today)
