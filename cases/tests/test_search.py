"""cases.search: each kind of term finds its case (SQLite here; the same tests run on PostgreSQL's indexes in CI's
PostgreSQL pass), ID numbers only for the staff who may read them, and the duplicate check."""

import pytest

from cases import services
from cases.models import Case
from cases.numbering import tracking_number
from cases.search import possible_duplicates, search_cases, search_cases_ordered, text_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_case, business, other_business):
    found = make_case(
        "mediating",
        consumer={
            "name": "李娜",
            "phone": "13812345678",
            "id_number": "31010119800101123X",
            "address": "示范市中山路1号",
        },
        product="美的变频空调",
        facts="空调制冷效果差，售后两次上门未修好。",
    )
    other = make_case(
        "transferred",
        business=other_business,
        consumer={"name": "王强", "phone": "13987654321", "id_number": "", "address": "示范市中山路1号"},
    )
    return found, other


@pytest.fixture
def other_business(db):
    from tests.factories import BusinessFactory

    return BusinessFactory(name="华东数码广场")


def _found(term, user):
    return list(search_cases_ordered(Case.objects.all(), term, user=user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "term",
    [
        "tracking",
        "number",
        "5678",
        "13812345678",
        "138 1234 5678",
        "李娜",
        "李",
        "变频空调",
        "空调",
        "上门 修好",
        "制冷效果",
    ],
)
def test_each_kind_of_term_finds_the_case(cases, mediator, term):
    found, other = cases
    term = {"tracking": tracking_number(found), "number": found.number}.get(term, term)
    assert _found(term, mediator) == [found.pk], term


def test_the_business_by_any_part_of_its_name(cases, mediator):
    found, other = cases
    assert _found("数码", mediator) == [other.pk]


def test_id_numbers_only_for_staff_who_may_read_them(cases, supervisor, mediator, business_user):
    found, _other = cases
    assert _found("31010119800101123x", supervisor) == [found.pk]  # cases.view_consumer_id_number
    for user in (mediator, business_user):
        assert search_cases(Case.objects.all(), "31010119800101123X", user=user).count() == 0


def test_nothing_found_for_unrelated_words(cases, mediator):
    assert _found("羽绒服", mediator) == []
    assert _found("9999", mediator) == []


def test_the_search_words_follow_edits_of_the_facts(cases, mediator):
    found, _other = cases
    found.facts = "洗衣机漏水。"
    found.save(update_fields=["facts"])
    found.refresh_from_db()
    assert found.search_words == text_words(found.product, "洗衣机漏水。")
    assert _found("漏水", mediator) == [found.pk]
    assert _found("上门 修好", mediator) == []


def test_the_same_consumer_against_the_same_business_is_a_possible_duplicate(cases, mediator, business):
    found, other = cases
    again = services.case_register(
        actor=mediator,
        consumer={"name": "李娜", "phone": "13812345678", "id_number": "", "address": "示范市中山路1号"},
        business=business,
        channel="phone",
        nature="quality",
        category="household_appliances",
        product="空调",
        facts="又坏了",
        demand_type="repair",
        demand="维修",
    )
    assert [c.pk for c in possible_duplicates(again)] == [found.pk]
    by_id = services.case_register(
        actor=mediator,
        consumer={
            "name": "李娜",
            "phone": "13000000000",
            "id_number": "31010119800101123X",
            "address": "示范市中山路1号",
        },
        business=business,
        channel="phone",
        nature="quality",
        category="household_appliances",
        product="空调",
        facts="又坏了",
        demand_type="repair",
        demand="维修",
    )
    assert found.pk in [c.pk for c in possible_duplicates(by_id)]
    elsewhere = services.case_register(
        actor=mediator,
        consumer={"name": "李娜", "phone": "13812345678", "id_number": "", "address": "示范市中山路1号"},
        business=other.business,
        channel="phone",
        nature="quality",
        category="household_appliances",
        product="空调",
        facts="又坏了",
        demand_type="repair",
        demand="维修",
    )
    assert list(possible_duplicates(elsewhere)) == []  # the other business's case is another consumer's


@pytest.mark.parametrize("matches_are_recent", [True, False])
def test_many_matches_are_listed_newest_first_whichever_way_they_are_read(
    make_case, mediator, monkeypatch, matches_are_recent
):
    """Past the ranking limit the list is newest first: read off the newest cases while the matches are among
    them, else gathered from the index (cases.search._found_among_the_newest) — the same list either way."""
    from datetime import timedelta

    from django.db import connection

    from cases import search

    monkeypatch.setattr(search, "SEARCH_RANK_LIMIT", 5)
    monkeypatch.setattr(search, "RECENT_WINDOW", 10)
    monkeypatch.setattr(search, "RECENT_MATCHES_NEEDED", 3)
    chosen = []
    among = search._found_among_the_newest
    monkeypatch.setattr(search, "_found_among_the_newest", lambda found: chosen.append(among(found)) or chosen[-1])
    matching, others = [], []
    for i in range(20):
        match = (i >= 12) if matches_are_recent else (i < 8)  # 8 matches: the newest or the oldest
        case = make_case("accepted", facts="ofo小黄车押金至今未退。" if match else "空调不制冷。")
        Case.objects.filter(pk=case.pk).update(received_at=case.received_at - timedelta(days=100 - i))
        (matching if match else others).append(case.pk)
    found = _found("ofo", mediator)
    expected = list(
        Case.objects.filter(pk__in=matching).order_by("-received_at", "-pk").values_list("pk", flat=True)
    )
    assert found == expected
    if connection.vendor == "postgresql":
        assert chosen == [matches_are_recent]  # walked the newest cases only when the matches are among them
