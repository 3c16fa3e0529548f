"""Reads of group complaints: the members' figures for the statistics, the hot spots (business × category ×
period with growth) and the clusters of similar complaints not yet grouped.

Similarity of two complaints' facts is trigram similarity (pg_trgm's `similarity()`): on PostgreSQL the database
gives each text's trigrams (show_trgm); on SQLite `trigrams` extracts them the same way in Python (pg_trgm's word
split and padding), so both backends find the same clusters.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, Func, OuterRef, Q
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


def member_figures(cases, *, consumers: int | None = None) -> dict:
    """Counting consumers as well as cases, over the `cases` queryset (three queries, two when `consumers` is
    given):
    - consumers: every case is one consumer's complaint;
    - group_complaints: groups with at least one of those cases as a member (left members not counted);
    - group_members: those cases that are members of a group complaint;
    - matters: what the association handled as one matter each — an individual case, or a whole group.
    `consumers` may be given when the caller has counted the cases already (the statistics' "received").
    """
    # Counted from the memberships (few) joined to the cases, not by testing every case of the period: at a
    # million cases the year's figures read a few hundred members instead of 330,000 cases (three queries).
    members = GroupMember.objects.filter(left_on__isnull=True, case__in=cases.order_by().values("pk"))
    row = {
        "consumers": cases.order_by().count() if consumers is None else consumers,
        "group_members": members.values("case").distinct().count(),
        "group_complaints": members.values("group").distinct().count(),
    }
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
    similarity: float = 0.0  # the highest of a complaint to its cluster's first complaints
    open_group: GroupComplaint | None = None  # an open group against the business the cases could join
    size: int = 0  # every complaint of the cluster (only the first ones are loaded into `cases`)


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


def _candidate_trigrams(candidates):
    """(case id, business id, trigram set) of each candidate: PostgreSQL's own trigrams (pg_trgm's show_trgm(), so
    its word split and locale); on SQLite the same extraction in Python."""
    if connection.vendor == "postgresql":
        rows = (
            candidates.annotate(grams=Func(F("facts"), function="show_trgm"))
            .values_list("pk", "business_id", "grams")
            .order_by("received_at", "pk")
            .iterator(chunk_size=2000)
        )
        return [(pk, business, set(grams)) for pk, business, grams in rows if grams]
    rows = candidates.values_list("pk", "business_id", "facts").order_by("received_at", "pk")
    return [(pk, business, grams) for pk, business, facts in rows if (grams := trigrams(facts))]


def _similarity(ta, tb):
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)


def similar_pairs(*, since: date, threshold: float, business_id: int | None = None) -> list[tuple[int, int, float]]:
    """(case id, case id, similarity) of every same-business pair of ungrouped complaints at least `threshold`
    similar (quadratic per business: for checks and small sets; the view uses similar_clusters)."""
    by_business: dict[int, list] = {}
    for pk, business, grams in _candidate_trigrams(ungrouped_candidates(since=since, business_id=business_id)):
        by_business.setdefault(business, []).append((pk, grams))
    pairs = []
    for items in by_business.values():
        for i, (a, ta) in enumerate(items):
            for b, tb in items[i + 1 :]:
                if (s := _similarity(ta, tb)) >= threshold:
                    pairs.append((min(a, b), max(a, b), s))
    return pairs


SEEDS_PER_CLUSTER = 3  # a complaint joins a cluster similar to one of its first three complaints


def similar_clusters(
    *, since: date, threshold: float | None = None, business_id: int | None = None, min_size: int = 2,
    limit: int = 30, cases_shown: int = 50,
) -> list[Cluster]:
    """Clusters of similar ungrouped complaints per business, the largest first, each with the open group against
    its business if there is one.

    Steps: each candidate's trigram set once (_candidate_trigrams); per business, in order of receipt, a complaint
    joins the first cluster whose first complaints (SEEDS_PER_CLUSTER) it is at least `threshold` similar to
    (pg_trgm's similarity = shared trigrams ÷ all), else starts one — linear in the complaints times the clusters,
    not quadratic in the complaints; keep clusters of `min_size` or more; the `limit` largest are returned with
    their first `cases_shown` cases loaded (`size` counts them all)."""
    threshold = settings.GROUP_SIMILARITY_THRESHOLD if threshold is None else threshold
    per_business: dict[int, list[dict]] = {}
    for pk, business, grams in _candidate_trigrams(ungrouped_candidates(since=since, business_id=business_id)):
        clusters = per_business.setdefault(business, [])
        best, best_s = None, 0.0
        for cluster in clusters:
            s = max(_similarity(grams, seed) for seed in cluster["seeds"])
            if s >= threshold and s > best_s:
                best, best_s = cluster, s
        if best is None:
            clusters.append({"business": business, "ids": [pk], "seeds": [grams], "similarity": 0.0})
        else:
            best["ids"].append(pk)
            best["similarity"] = max(best["similarity"], best_s)
            if len(best["seeds"]) < SEEDS_PER_CLUSTER:
                best["seeds"].append(grams)
    found = [c for clusters in per_business.values() for c in clusters if len(c["ids"]) >= min_size]
    found.sort(key=lambda c: (-len(c["ids"]), c["ids"][0]))
    found = found[:limit]
    cases = Case.objects.select_related("business", "consumer").in_bulk(
        [pk for c in found for pk in c["ids"][:cases_shown]]
    )
    open_groups = {
        g.business_id: g
        for g in GroupComplaint.objects.filter(
            business_id__in={c["business"] for c in found}, status=GroupComplaint.Status.OPEN
        ).order_by("-created_at")
    }
    result = []
    for c in found:
        rows = [cases[pk] for pk in c["ids"][:cases_shown]]
        business = rows[0].business
        result.append(
            Cluster(business.pk, business.name, rows, round(c["similarity"], 2), open_groups.get(business.pk),
                    size=len(c["ids"]))
        )
    return result


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
