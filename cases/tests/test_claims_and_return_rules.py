"""What the law gives: statutory punitive damages computed by hand, and the return/三包 table counted from the
purchase date — shown on the case page."""

from datetime import date
from decimal import Decimal

import pytest

from cases.claims import statutory_punitive
from cases.return_rules import rules_for_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "price", "loss", "expected"), [
    ("punitive_55", "599.00", None, "1797.00"),  # 3 × 599
    ("punitive_55", "45.80", None, "500.00"),  # 3 × 45.80 = 137.40 < 500: at least 500
    ("punitive_148", "45.80", None, "1000.00"),  # 10 × 45.80 = 458 < 1,000: at least 1,000
    ("punitive_148", "120.00", None, "1200.00"),  # 10 × 120
    ("punitive_148", "120.00", "600.00", "1800.00"),  # 3 × the loss 600 = 1,800 > 10 × 120
])
def test_statutory_punitive_damages(kind, price, loss, expected):
    result = statutory_punitive(kind, price=Decimal(price), loss=Decimal(loss) if loss else None)
    assert result.amount == Decimal(expected)
    assert ("第五十五条" if kind == "punitive_55" else "第一百四十八条") in result.article


def test_no_statutory_amount_for_other_demands_or_without_a_price():
    assert statutory_punitive("refund", price=Decimal("100")) is None
    assert statutory_punitive("punitive_55", price=None) is None


def test_a_household_car_gets_the_三包_periods_from_its_purchase_date(make_case):
    case = make_case(category="vehicles", product="家用轿车", purchased_on=date(2026, 5, 1))
    rows = {row["rule"].key: row for row in rules_for_case(case, today=date(2026, 6, 15))}
    assert set(rows) >= {"quality_return_7", "remote_no_reason_7", "car_7", "car_60", "car_two_repairs",
                         "car_30_days_repairs"}
    assert rows["car_7"]["until"] == date(2026, 5, 8) and "届满" in rows["car_7"]["status"]
    assert rows["car_60"]["until"] == date(2026, 6, 30) and rows["car_60"]["status"] == "至2026年6月30日"
    assert "30日" in rows["car_30_days_repairs"]["rule"].rule_zh
    assert "2次" in rows["car_two_repairs"]["rule"].rule_zh


def test_services_get_no_goods_rules_and_remote_sales_list_their_exceptions(make_case):
    assert rules_for_case(make_case(category="education", product="课程"), today=date(2026, 6, 15)) == []
    food = {r["rule"].key: r["rule"] for r in rules_for_case(make_case(category="food"), today=date(2026, 6, 15))}
    assert "鲜活易腐" in food["remote_no_reason_7"].exceptions_zh and "第二十五条" in food["remote_no_reason_7"].article


def test_the_case_page_shows_what_the_law_gives(make_case, admin_client):
    case = make_case("accepted", category="food", demand_type="punitive_148", amount_paid=Decimal("45.80"))
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "1000.00 元" in page and "第一百四十八条" in page and "第二十四条第一款" in page
