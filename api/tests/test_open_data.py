"""Open data: the public list of businesses and a month's figures per business and category, as JSON and CSV,
without personal data, cached."""

import csv
import io

from django.core.cache import cache


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_monthly_statistics_per_business_and_category(open_data_client, make_case, business):
    cache.clear()
    make_case("resolved")
    make_case("accepted")
    body = open_data_client.get("/api/v1/open/statistics/?month=2026-06").json()
    assert len(body) == 1
    row = body[0]
    assert (row["month"], row["business"], row["category"]) == ("2026-06", business.name, "household_appliances")
    assert (row["received"], row["accepted"], row["resolved"]) == (2, 2, 1)
    assert (row["money_recovered"], row["resolution_rate"]) == ("4299.00", "50.0")
    assert row["category_label"] and row["category_label"] != "household_appliances"
    rows = _csv(open_data_client.get("/api/v1/open/statistics/?month=2026-06&format=csv"))
    assert rows[0]["business"] == business.name and rows[0]["received"] == "2"
    assert open_data_client.get("/api/v1/open/statistics/?month=2026-13").status_code == 400
    assert open_data_client.get("/api/v1/open/statistics/?month=2026-05").json() == []


def test_no_personal_data_in_open_data(open_data_client, make_case):
    cache.clear()
    case = make_case("transferred")
    for url in ("/api/v1/open/statistics/?month=2026-06", "/api/v1/open/businesses/",
                "/api/v1/open/statistics/?month=2026-06&format=csv"):
        text = open_data_client.get(url).content.decode()
        for personal in (case.consumer.name, case.consumer.phone, case.consumer.id_number, case.facts):
            assert personal not in text


def test_the_figures_are_cached(open_data_client, make_case, django_assert_num_queries):
    cache.clear()
    make_case("accepted")
    first = open_data_client.get("/api/v1/open/statistics/?month=2026-06").json()
    make_case("accepted")
    # Only the key's own queries (look-up, last use, the call's log): the figures come from the cache.
    with django_assert_num_queries(3):
        again = open_data_client.get("/api/v1/open/statistics/?month=2026-06").json()
    assert again == first
    cache.clear()


def test_the_public_list_of_businesses(open_data_client, make_case, business, time_machine):
    from datetime import timedelta

    cache.clear()
    case = make_case("transferred")
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    later = datetime.combine(case.answer_due_on + timedelta(days=2), time(10), tzinfo=ZoneInfo("Asia/Shanghai"))
    time_machine.move_to(later, tick=False)
    cache.clear()
    rows = open_data_client.get("/api/v1/open/businesses/").json()
    assert [(r["name"], r["unanswered_sheets"]) for r in rows] == [(business.name, 1)]
    assert _csv(open_data_client.get("/api/v1/open/businesses/?format=csv"))[0]["name"] == business.name


def test_open_data_needs_its_scope(business_client, db):
    assert business_client.get("/api/v1/open/businesses/").status_code == 403
