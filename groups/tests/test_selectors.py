from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groups import services
from groups.selectors import hotspots, similar_clusters, similar_pairs, trigram_similarity

pytestmark = pytest.mark.django_db

SCHOOL = "启航少儿英语培训学校突然停课闭店，预付的课时费无法退还，联系校长不回复。孩子还剩{}节课。"


def _complaints(make_case, facts, n, **kw):
    return [
        make_case("accepted", consumer={"name": f"家长{i}", "phone": f"1370000{i:04d}", "address": "示范市幸福路1号"}, facts=facts.format(20 + i), **kw)
        for i in range(n)
    ]


def test_trigram_similarity_is_pg_trgms_measure():
    assert trigram_similarity("word", "word") == 1.0
    assert trigram_similarity("", "word") == 0.0
    # pg_trgm: similarity('word', 'two words') = 0.36363637
    assert round(trigram_similarity("word", "two words"), 4) == 0.3636


@pytest.mark.postgres
def test_the_python_measure_matches_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    a, b = SCHOOL.format(20), "孩子报的启航少儿英语培训学校突然停课闭店，预付的课时费无法退还，还剩34节课。"
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        assert abs(cursor.fetchone()[0] - trigram_similarity(a, b)) < 0.02


def test_similar_ungrouped_complaints_of_one_business_cluster(make_case, other_business, mediator):
    school = _complaints(make_case, SCHOOL, 4)
    make_case("accepted", facts="冰箱不制冷，售后两次未修好")  # same business, different dispute
    make_case("accepted", business=other_business, facts=SCHOOL.format(99))  # another business
    clusters = similar_clusters(since=timezone.localdate() - timedelta(days=30))
    assert len(clusters) == 1 and {c.pk for c in clusters[0].cases} == {c.pk for c in school}
    # once grouped they are no longer proposed
    services.group_create(
        actor=mediator, business=school[0].business, title="培训学校闭店", dispute="预付课时费", category="education",
        nature="contract", case_ids=[c.pk for c in school[:3]],
    )
    assert similar_pairs(since=timezone.localdate() - timedelta(days=30), threshold=0.3) == []


def test_hotspots_count_business_by_category_with_growth(make_case):
    today = timezone.localdate()
    for i in range(3):
        make_case("submitted", consumer={"name": f"甲{i}", "phone": f"1360000{i:04d}", "address": "示范市幸福路1号"}, received_at=timezone.now())
    make_case("submitted", consumer={"name": "乙", "phone": "13611110000", "address": "示范市幸福路1号"},
              received_at=timezone.now() - timedelta(days=10))
    (row,) = [h for h in hotspots(end=today, days=7) if h.category == "household_appliances"]
    assert (row.current, row.previous, row.growth) == (3, 1, 200.0)
