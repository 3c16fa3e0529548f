"""Reads of group complaints: the members' figures for the statistics, the hot spots (business × category ×
period with growth) and the clusters of similar complaints not yet grouped.

Similarity of two complaints' facts is trigram similarity (pg_trgm's `similarity()`): on PostgreSQL the database
computes it; on SQLite `trigram_similarity` computes the same measure in Python (pg_trgm's word split and
padding), so both backends find the same clusters.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cases.choices import OPEN_STATES, Category
from cases.models import Case

from .models import GroupComplaint, GroupMember


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def received_between(start: date, end: date) -> Q:
    """Cases received from `start` to `end` (inclusive), in the association's time zone."""
    return Q(received_at__gte=_day_start(start), received_at__lt=_day_start(end + timedelta(days=1)))


def in_group_q() -> Exists:
    """The case is an active member of a group complaint."""
    return Exists(GroupMember.objects.filter(case=OuterRef("pk"), left_on__isnull=True))


# --- statistics -------------------------------------------------------------------------------------------------


def member_figures(cases) -> dict:
    """Counting consumers as well as cases, over the `cases` queryset (one query):
    - consumers: every case is one consumer's complaint;
    - group_complaints: groups with at least one of those cases as a member (left members not counted);
    - group_members: those cases that are members of a group complaint;
    - matters: what the association handled as one matter each — an individual case, or a whole group.
    """
    member = GroupMember.objects.filter(case=OuterRef("pk"), left_on__isnull=True)
    row = cases.order_by().aggregate(
        consumers=Count("pk"),
        group_members=Count("pk", filter=Q(Exists(member))),
        group_complaints=Count(
            "group_memberships__group",
            filter=Q(group_memberships__left_on__isnull=True),
            distinct=True,
        ),
    )
    row["matters"] = row["consumers"] - row["group_members"] + row["group_complaints"]
    return row


# --- hot spots -------------------------------------------------------------------------------------------------


@dataclass
class Hotspot:
    business_id: int
    business: str
    category: str
    current: int
    previous: int

    @property
    def category_label(self):
        return Category(self.category).label if self.category in Category.values else self.category

    @property
    def growth(self) -> float | None:
        """Growth against the previous period, in per cent (None when the previous period had none)."""
        if not self.previous:
            return None
        return round((self.current - self.previous) * 100 / self.previous, 1)


def hotspots(*, end: date, days: int, limit: int = 50) -> list[Hotspot]:
    """Complaints per business × category received in the `days` days up to `end`, against the `days` before;
    the largest first (one query)."""
    start = end - timedelta(days=days - 1)
    prev_start = start - timedelta(days=days)
    current, previous = received_between(start, end), received_between(prev_start, start - timedelta(days=1))
    rows = (
        Case.objects.filter(business__isnull=False)
        .filter(current | previous)
        .values("business_id", "business__name", "category")
        .annotate(current=Count("pk", filter=current), previous=Count("pk", filter=previous))
        .filter(current__gt=0)
        .order_by("-current", "business__name", "category")[:limit]
    )
    return [
        Hotspot(r["business_id"], r["business__name"], r["category"], r["current"], r["previous"]) for r in rows
    ]


# --- similar complaints not yet grouped ------------------------------------------------------------------------


_WORD = re.compile(r"\w+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lower-cased, padded with two blanks before and one after."""
    grams = set()
    for word in _WORD.findall((text or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


@dataclass
class Cluster:
    business_id: int
    business: str
    cases: list = field(default_factory=list)
    similarity: float = 0.0  # the highest pair's
    open_group: GroupComplaint | None = None  # an open group against the business the cases could join


def ungrouped_candidates(*, since: date, business_id: int | None = None):
    """Open complaints received since `since` against a known business and in no group."""
    rows = (
        Case.objects.filter(state__in=OPEN_STATES, business__isnull=False)
        .filter(received_at__gte=_day_start(since))
        .exclude(in_group_q())
    )
    if business_id is not None:
        rows = rows.filter(business_id=business_id)
    return rows


def similar_pairs(*, since: date, threshold: float, business_id: int | None = None) -> list[tuple[int, int, float]]:
    """(case id, case id, similarity) of same-business ungrouped complaints whose facts are at least `threshold`
    similar."""
    candidates = ungrouped_candidates(since=since, business_id=business_id)
    if connection.vendor == "postgresql":
        ids_sql, params = candidates.values("pk").query.sql_with_params()
        sql = f"""
            SELECT a.id, b.id, similarity(a.facts, b.facts) AS s
            FROM cases_case a JOIN cases_case b ON a.business_id = b.business_id AND a.id < b.id
            WHERE a.id IN ({ids_sql}) AND b.id IN ({ids_sql}) AND similarity(a.facts, b.facts) >= %s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *params, threshold])
            return [(a, b, float(s)) for a, b, s in cursor.fetchall()]
    rows = list(candidates.values_list("pk", "business_id", "facts"))
    by_business: dict[int, list] = {}
    for pk, business, facts in rows:
        by_business.setdefault(business, []).append((pk, trigrams(facts)))
    pairs = []
    for items in by_business.values():
        for i, (a, ta) in enumerate(items):
            for b, tb in items[i + 1 :]:
                if ta and tb:
                    s = len(ta & tb) / len(ta | tb)
                    if s >= threshold:
                        pairs.append((min(a, b), max(a, b), s))
    return pairs


def similar_clusters(
    *, since: date, threshold: float | None = None, business_id: int | None = None, min_size: int = 2
) -> list[Cluster]:
    """Groups of similar ungrouped complaints (connected by similar pairs), the largest first, each with the open
    group against its business if there is one."""
    threshold = settings.GROUP_SIMILARITY_THRESHOLD if threshold is None else threshold
    pairs = similar_pairs(since=since, threshold=threshold, business_id=business_id)
    parent: dict[int, int] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, float] = {}
    for a, b, _s in pairs:
        parent[find(a)] = find(b)
    for a, _b, s in pairs:
        root = find(a)
        best[root] = max(best.get(root, 0.0), s)
    members: dict[int, list[int]] = {}
    for x in parent:
        members.setdefault(find(x), []).append(x)
    chosen = {root: ids for root, ids in members.items() if len(ids) >= min_size}
    cases = Case.objects.select_related("business", "consumer").in_bulk([pk for ids in chosen.values() for pk in ids])
    businesses = {cases[ids[0]].business_id for ids in chosen.values()}
    open_groups = {
        g.business_id: g
        for g in GroupComplaint.objects.filter(business_id__in=businesses, status=GroupComplaint.Status.OPEN)
        .order_by("created_at")
    }
    clusters = []
    for root, ids in chosen.items():
        rows = sorted((cases[pk] for pk in ids), key=lambda c: c.received_at)
        business = rows[0].business
        clusters.append(
            Cluster(business.pk, business.name, rows, round(best.get(root, 0.0), 2), open_groups.get(business.pk))
        )
    clusters.sort(key=lambda c: (-len(c.cases), c.business))
    return clusters


def open_groups_for(business) -> list[GroupComplaint]:
    """The open group complaints a consumer complaining about `business` may join."""
    if business is None:
        return []
    return list(GroupComplaint.objects.filter(business=business, status=GroupComplaint.Status.OPEN).order_by("pk"))


def member_of(case) -> GroupMember | None:
    """The case's active membership, if any."""
    return (
        GroupMember.objects.filter(case=case, left_on__isnull=True).select_related("group__business").first()
    )


def led_group_members(case):
    """For a business's view of a lead case's sheet: the group and its active members (the template shows only
    names, masked phones, amounts and demands — the business needs no contact details)."""
    group = GroupComplaint.objects.filter(lead_case=case).first()
    if group is None:
        return None, []
    members = list(
        group.members.filter(left_on__isnull=True).select_related("case__consumer").order_by("joined_on", "pk")
    )
    return group, members
