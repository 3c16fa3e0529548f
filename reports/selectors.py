"""The association's figures (domain.md, "Figures the association reports"), computed by the database.

Which date each figure uses:
- by RECEIPT date (received_at in the period): received, rejected (and rejected by ground);
- by FILING date (filed_on in the period, i.e. the cases accepted in the period, followed to their outcome so
  far): accepted, resolved, terminated, withdrawn, still open, money recovered, timely handling, follow-up and
  satisfaction, and every rate.

Definitions (what the case records, whatever its later state, so a closed case still counts as resolved):
- resolved: an agreement was recorded (money_recovered is set only by `resolve`);
- 加倍赔偿: resolved cases whose agreement has punitive damages (punitive_damages > 0), and their sum;
- terminated: a termination ground is recorded; withdrawn: a withdrawal reason is recorded;
- resolution rate = resolved ÷ accepted;
- timely-handling rate = cases with an outcome on or before their handling due date ÷ (cases with an outcome +
  open cases already past their due date whose clock is running);
- follow-up rate = cases with a rating (online or by phone) ÷ cases with an outcome;
- average satisfaction = mean of those ratings (1–5).

Every figure is an aggregate in SQL, a fixed number of queries whatever the number of cases, and no loop over
cases in Python. On PostgreSQL one scan (GROUP BY GROUPING SETS) gives the summary and the four breakdowns, a second
the monthly series, plus one query for the grounds and two for the names of businesses and mediators (5 in all);
on SQLite each of those is its own query (8 in all).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, connections, transaction
from django.db.models import Avg, Count, DateField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import people
from cases.choices import GOODS_CATEGORIES, HANDLING_STATES, SERVICE_CATEGORIES, CaseState, Category, Nature
from cases.models import Business, Case, CaseRejectionGround, Region
from core.replica import read_alias, replica_alias, replica_reads
from mediation.models import FollowUp

RATED = [FollowUp.Channel.ONLINE, FollowUp.Channel.PHONE]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    region: Region | None = None

    @property
    def received(self) -> Q:
        tz = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.start, time.min), tz)
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz)
        return Q(received_at__gte=start, received_at__lt=end)

    @property
    def filed(self) -> Q:
        return Q(filed_on__gte=self.start, filed_on__lte=self.end)

    def cases(self):
        """Every case a figure of this period counts (received or filed in it), in the region."""
        queryset = Case.objects.filter(self.received | self.filed)
        if self.region is not None:
            queryset = queryset.filter(business__region=self.region)
        return queryset


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    basis: str  # "received" or "filed"


BASIS_LABELS = {"received": _("receipt date"), "filed": _("filing date")}

# The counted figures, in the order shown; each also names a case list (export of the cases it counts).
FIGURES = [
    Figure("received", _("Received"), "received"),
    Figure("rejected", _("Rejected"), "received"),
    Figure("accepted", _("Accepted (filed)"), "filed"),
    Figure("resolved", _("Resolved"), "filed"),
    Figure("terminated", _("Mediation terminated"), "filed"),
    Figure("withdrawn", _("Withdrawn"), "filed"),
    Figure("open", _("Still open"), "filed"),
    Figure("timely", _("Handled within the deadline"), "filed"),
    Figure("late", _("Handled late or overdue"), "filed"),
    Figure("followed_up", _("Followed up (rated)"), "filed"),
]
FIGURES_BY_KEY = {f.key: f for f in FIGURES}


def figure_q(key: str, period: Period, today: date) -> Q:
    """The cases a counted figure counts (used for the aggregate and for the figure's case list alike)."""
    received, filed = period.received, period.filed
    outcome = Q(outcome_on__isnull=False)
    return {
        "received": received,
        "rejected": received & Q(state=CaseState.REJECTED),
        "accepted": filed,
        "resolved": filed & Q(money_recovered__isnull=False),
        "terminated": filed & Q(termination_ground__isnull=False),
        "withdrawn": filed & ~Q(withdrawal_reason=""),
        "open": filed & Q(outcome_on__isnull=True),
        "timely": filed & outcome & Q(outcome_on__lte=F("due_on")),
        "late": filed
        & (
            (outcome & Q(outcome_on__gt=F("due_on")))
            | Q(outcome_on__isnull=True, due_on__lt=today, pause_kind="")
        ),
        "followed_up": filed & Q(follow_up__channel__in=RATED),
    }[key]


def _aggregates(period: Period, today: date) -> dict:
    aggregates = {f.key: Count("pk", filter=figure_q(f.key, period, today)) for f in FIGURES}
    aggregates["with_outcome"] = Count("pk", filter=period.filed & Q(outcome_on__isnull=False))
    aggregates["money_recovered"] = Sum("money_recovered", filter=period.filed, default=Decimal("0"))
    # 加倍赔偿 (中消协's reports): agreements with punitive damages, and their sum (part of the money recovered).
    aggregates["punitive_count"] = Count("pk", filter=period.filed & Q(punitive_damages__gt=0))
    aggregates["punitive_amount"] = Sum("punitive_damages", filter=period.filed, default=Decimal("0"))
    aggregates["satisfaction"] = Avg("follow_up__satisfaction", filter=period.filed & Q(follow_up__channel__in=RATED))
    return aggregates


CENT = Decimal("0.01")


def _with_rates(row: dict) -> dict:
    row["money_recovered"] = _money(row["money_recovered"])
    row["punitive_amount"] = _money(row["punitive_amount"])
    row["resolution_rate"] = _rate(row["resolved"], row["accepted"])
    row["timely_rate"] = _rate(row["timely"], row["timely"] + row["late"])
    row["follow_up_rate"] = _rate(row["followed_up"], row["with_outcome"])
    if row["satisfaction"] is not None:
        row["satisfaction"] = round(Decimal(str(row["satisfaction"])), 2)
    return row


def _money(value):
    """Sums come back as Decimal with the column's scale on PostgreSQL, but not always on SQLite."""
    return Decimal(str(value or 0)).quantize(CENT)


def _rate(part, whole):
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Statistics:
    period: Period
    summary: dict
    rejected_by_ground: list
    by_nature: list
    by_category: list
    by_business: list
    by_mediator: list
    trend: list


BREAKDOWNS = {
    "nature": (_("Nature of complaint"), ["nature"]),
    "category": (_("Goods/services category"), ["category"]),
    "business": (_("Business"), ["business_id", "business__name"]),
    "mediator": (
        _("Mediator"),
        ["mediator_id", *people.name_values("mediator__")],
    ),
}


@replica_reads()  # every read of the statistics may go to the replica (DATABASE_REPLICA_URL)
def statistics(
    period: Period, *, today: date | None = None, top: int | None = None, live: bool = False
) -> Statistics:
    """All figures of the period. `top` limits the business breakdown to the businesses with most complaints.

    A period of whole months (up to today) is added up from the monthly totals (reports.totals) unless `live`.
    Otherwise, on PostgreSQL the summary and the four breakdowns come from ONE scan of the cases (GROUP BY
    GROUPING SETS), the monthly series from a second; elsewhere (SQLite) from one query each. Either way a fixed
    number.
    """
    today = today or timezone.localdate()
    grouped = None if live else _from_totals(period, today, top=top)
    if grouped is None and connection.vendor == "postgresql":
        grouped = _one_pass(period, today)
    if grouped is None:
        grouped = {
            "summary": period.cases().aggregate(**_aggregates(period, today)),
            **{name: breakdown(period, name, today=today) for name in BREAKDOWNS},
            "trend": monthly_trend(period),
        }
    else:
        _name_groups(grouped)
    by_business = grouped["business"][:top] if top is not None else grouped["business"]
    return Statistics(
        period=period,
        summary=_with_rates(grouped["summary"]),
        rejected_by_ground=rejected_by_ground(period),
        by_nature=grouped["nature"],
        by_category=grouped["category"],
        by_business=by_business,
        by_mediator=grouped["mediator"],
        trend=grouped["trend"],
    )


# The grouping keys of the one-pass query, in SELECT order. Keys are never NULL inside their own grouping set
# (no business / no mediator → 0; in the trend, not filed → 1 January of year 1), so NULL means "not this set".
ONE_PASS_KEYS = ["nature", "category", "business_key", "mediator_key"]
NOT_FILED = date(1, 1, 1)


def _one_pass(period: Period, today: date) -> dict | None:
    """The PostgreSQL path: Django writes the grouped query, whose plain GROUP BY becomes GROUPING SETS."""
    queryset = (
        period.cases()
        .annotate(
            business_key=Coalesce("business_id", Value(0), output_field=IntegerField()),
            mediator_key=Coalesce("mediator_id", Value(0), output_field=IntegerField()),
        )
        .values(*ONE_PASS_KEYS)
        .annotate(**_aggregates(period, today))
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    plain = "GROUP BY 1, 2, 3, 4"
    if not sql.endswith(plain):  # Django wrote the grouping differently: use the one-query-per-table path
        return None
    sets = ", ".join(f"({i})" for i in range(1, len(ONE_PASS_KEYS) + 1))
    sql = f"{sql[: -len(plain)]}GROUP BY GROUPING SETS ((), {sets})"
    grouped = {"summary": None, "nature": [], "category": [], "business": [], "mediator": []}
    for row in _run_large(sql, params):  # one row per group (≈ businesses + mediators + 27), never per case
        key = next((k for k in ONE_PASS_KEYS if row[k] is not None), None)
        if key is None:
            grouped["summary"] = row
            continue
        dimension = key.removesuffix("_key")
        if dimension in ("business", "mediator"):
            row[f"{dimension}_id"] = row[key] or None
        grouped[dimension].append(row)
    for dimension in BREAKDOWNS:
        grouped[dimension].sort(key=lambda r: (-r["received"], -r["accepted"], str(r.get(dimension) or "")))
    grouped["trend"] = _trend_one_pass(period)
    return grouped


def _trend_one_pass(period: Period) -> list[dict]:
    """The monthly series in one scan: GROUPING SETS by receipt month and by filing month (few aggregates each,
    which is why they are not part of the big pass: every grouping set evaluates every aggregate)."""
    queryset = (
        period.cases()
        .annotate(
            received_month=TruncMonth("received_at"),
            filed_month=Coalesce(TruncMonth("filed_on"), Value(NOT_FILED), output_field=DateField()),
        )
        .values("received_month", "filed_month")
        .annotate(
            received=Count("pk", filter=period.received),
            accepted=Count("pk", filter=period.filed),
            resolved=Count("pk", filter=period.filed & Q(money_recovered__isnull=False)),
            terminated=Count("pk", filter=period.filed & Q(termination_ground__isnull=False)),
            money_recovered=Sum("money_recovered", filter=period.filed),
        )
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    if not sql.endswith("GROUP BY 1, 2"):
        return monthly_trend(period)
    sql = sql.removesuffix("GROUP BY 1, 2") + "GROUP BY GROUPING SETS ((1), (2))"
    received, filed = {}, {}
    for row in _run_large(sql, params):
        if row["received_month"] is not None:
            received[_month(row["received_month"])] = row
        elif row["filed_month"] != NOT_FILED:
            filed[_month(row["filed_month"])] = row
    return _trend(period, received, filed)


def _run_large(sql, params) -> list[dict]:
    """Run one of the big aggregate scans. JIT compilation is turned off for it: for a statement this wide it
    took longer (≈2 s) than the scan itself; a larger work_mem keeps the grouping in memory."""
    alias = read_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _name_groups(grouped):
    """Labels of the one-pass groups: one query for the businesses' names, one for the mediators'."""
    from django.contrib.auth import get_user_model

    business_names = dict(
        Business.objects.filter(pk__in=[r["business_id"] for r in grouped["business"] if r["business_id"]])
        .values_list("pk", "name")
    )
    for row in grouped["business"]:
        row["business__name"] = business_names.get(row["business_id"])
    users = {
        u["pk"]: u
        for u in get_user_model()
        .objects.filter(pk__in=[r["mediator_id"] for r in grouped["mediator"] if r["mediator_id"]])
        .values("pk", *people.NAME_FIELDS)
    }
    for row in grouped["mediator"]:
        user = users.get(row["mediator_id"], {})
        row.update({"mediator__" + name: user.get(name) for name in people.NAME_FIELDS})
    for dimension in BREAKDOWNS:
        grouped[dimension] = [_with_rates(_label_row(dimension, row)) for row in grouped[dimension]]


def _trend(period, received_by_month, filed_by_month):
    trend = []
    for month in _months(period.start, period.end):
        received, filed = received_by_month.get(month, {}), filed_by_month.get(month, {})
        trend.append({
            "month": month,
            "received": received.get("received", 0),
            "accepted": filed.get("accepted", 0),
            "resolved": filed.get("resolved", 0),
            "terminated": filed.get("terminated", 0),
            "money_recovered": _money(filed.get("money_recovered")),
        })
    return trend


def rejected_by_ground(period: Period) -> list[dict]:
    """Rejections of cases received in the period, by cited ground (a case citing two grounds counts under each)."""
    links = CaseRejectionGround.objects.filter(_prefixed(period.received, "case__"), case__state=CaseState.REJECTED)
    if period.region is not None:
        links = links.filter(case__business__region=period.region)
    return list(
        links.values("ground__code", "ground__label_zh", "ground__label_en")
        .annotate(count=Count("case_id"))
        .order_by("-count", "ground__code")
    )


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model (e.g. case__received_at…)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]) for child in q.children
    ]
    return clone


def breakdown(period: Period, dimension: str, *, today: date | None = None, top: int | None = None) -> list[dict]:
    """The figures grouped by one dimension: one query."""
    today = today or timezone.localdate()
    _label, fields = BREAKDOWNS[dimension]
    rows = (
        period.cases()
        .values(*fields)
        .annotate(**_aggregates(period, today))
        .order_by("-received", "-accepted", *fields)
    )
    if top is not None:
        rows = rows[:top]
    return [_with_rates(_label_row(dimension, row)) for row in rows]


def _label_row(dimension, row):
    if dimension == "nature":
        row["label"] = str(Nature(row["nature"]).label) if row["nature"] in Nature.values else row["nature"]
    elif dimension == "category":
        row["label"] = str(Category(row["category"]).label) if row["category"] in Category.values else row["category"]
    elif dimension == "business":
        row["label"] = row["business__name"] or str(_("(business not identified)"))
    else:
        row["label"] = people.display_name_from_row(row, "mediator__") or str(_("(no mediator)"))
    return row


def monthly_trend(period: Period) -> list[dict]:
    """Per month: received (by receipt month), and accepted, resolved, terminated, money recovered (by filing
    month). Two queries; months without any case show zeros."""
    base = period.cases()
    received = (
        base.filter(period.received)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(received=Count("pk"))
        .order_by("month")
    )
    filed = (
        base.filter(period.filed)
        .annotate(month=TruncMonth("filed_on"))
        .values("month")
        .annotate(
            accepted=Count("pk"),
            resolved=Count("pk", filter=Q(money_recovered__isnull=False)),
            terminated=Count("pk", filter=Q(termination_ground__isnull=False)),
            money_recovered=Sum("money_recovered", default=Decimal("0")),
        )
        .order_by("month")
    )
    return _trend(period, {_month(r["month"]): r for r in received}, {_month(r["month"]): r for r in filed})


def _month(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value.replace(day=1)


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def case_list(period: Period, figure: str | None = None, *, today: date | None = None):
    """The cases behind the figures (all of the period, or those one figure counts), for export: values rows,
    no consumer personal data."""
    today = today or timezone.localdate()
    queryset = period.cases()
    if figure:
        queryset = queryset.filter(figure_q(figure, period, today))
    return (
        queryset.using(replica_alias())
        .order_by("received_at", "pk")
        .values_list(
            "number", "received_at", "filed_on", "state", "nature", "category", "business__name",
            "business__region__name", *people.name_values("mediator__"), "due_on", "outcome_on", "money_recovered",
            "termination_ground__code", "follow_up__channel", "follow_up__satisfaction",
        )
    )


CASE_LIST_COLUMNS = [
    _("case number"), _("received on"), _("filing date"), _("state"), _("nature of complaint"),
    _("goods/services category"), _("business"), _("region"), _("mediator"), _("handling due"),
    _("outcome date"), _("money recovered (yuan)"), _("termination ground"), _("follow-up"), _("satisfaction"),
]


# --- from the monthly totals (reports.totals) ---------------------------------------------------------------------

TOTALLED = {"received", "rejected", "accepted", "resolved", "terminated", "withdrawn", "open", "timely", "late",
            "followed_up"}
# Every aggregate the monthly totals can give (the live _aggregates must not have others, else the live path).
TOTALLED_AGGREGATES = TOTALLED | {"with_outcome", "money_recovered", "satisfaction", "punitive_count",
                                  "punitive_amount"}


def _totals_know_every_figure(period: Period, today: date) -> bool:
    return {f.key for f in FIGURES} == TOTALLED and set(_aggregates(period, today)) <= TOTALLED_AGGREGATES


def covered_by_totals(period: Period, today: date) -> bool:
    """Whole months: from the first of a month to the end of a month (or to today or later)."""
    last_day = (period.end.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return period.start.day == 1 and (period.end == last_day or period.end >= today) and period.start <= period.end


def _from_totals(period: Period, today: date, *, top: int | None = None) -> dict | None:
    """The grouped figures added up from the monthly totals, plus the live part of "handled late" (open cases past
    their due date); None when the period is not whole months or a figure is one the totals do not keep."""
    from .models import MonthlyTotal
    from .totals import AMOUNTS, COUNTS, refresh

    if not covered_by_totals(period, today) or not _totals_know_every_figure(period, today):
        return None
    refresh()
    rows = MonthlyTotal.objects.filter(month__gte=period.start, month__lte=period.end)
    if period.region is not None:
        rows = rows.filter(region=period.region)
    sums = {name: Sum(name) for name in [*COUNTS, *AMOUNTS]}
    late_open = _late_open(period, today)
    grouped = {"summary": None, "nature": [], "category": [], "business": [], "mediator": []}
    summed = rows.exclude(dimension="business").values("dimension", "key").annotate(**sums).order_by()
    businesses = rows.filter(dimension="business").values("dimension", "key").annotate(**sums).order_by()
    if top is not None:  # only those are shown: the database picks them on two sums, then adds up their rows
        by_business = rows.filter(dimension="business").values("key").order_by()
        picked = by_business.annotate(received=Sum("received"), accepted=Sum("accepted")).order_by(
            "-received", "-accepted", "key"
        ).values_list("key", flat=True)[:top]
        businesses = businesses.filter(key__in=list(picked)).order_by("-received", "-accepted", "key")
    for row in [*summed, *businesses]:
        dimension, key = row.pop("dimension"), row.pop("key")
        figures = _totalled_row(row, late_open.get((dimension, key), 0))
        if dimension == "all":
            grouped["summary"] = figures
            continue
        if dimension in ("business", "mediator"):
            figures[f"{dimension}_id"] = int(key) if key else None
        else:
            figures[dimension] = key
        grouped[dimension].append(figures)
    if grouped["summary"] is None:
        grouped["summary"] = _totalled_row({name: 0 for name in [*COUNTS, *AMOUNTS]}, 0)
    for dimension in BREAKDOWNS:
        grouped[dimension].sort(key=lambda r: (-r["received"], -r["accepted"], str(r.get(dimension) or "")))
    grouped["trend"] = _trend_from_totals(period, rows)
    return grouped


def _totalled_row(row, late_open) -> dict:
    sat_count, sat_sum = row.pop("satisfaction_count") or 0, row.pop("satisfaction_sum") or 0
    row["late"] = (row.pop("late_done") or 0) + late_open
    row["satisfaction"] = sat_sum / sat_count if sat_count else None
    row["money_recovered"] = row.get("money_recovered") or Decimal("0")
    row["punitive_amount"] = row.get("punitive_amount") or Decimal("0")
    for name in TOTALLED | {"with_outcome", "punitive_count"}:
        row[name] = row.get(name) or 0
    return row


def _late_open(period: Period, today: date) -> dict:
    """Open filed cases of the period past their due date with the clock running, per breakdown key (the part of
    "handled late" that changes with the day): one query over the open cases."""
    from .totals import DIMENSIONS

    queryset = Case.objects.filter(
        period.filed, outcome_on__isnull=True, due_on__lt=today, pause_kind="", state__in=HANDLING_STATES
    )
    if period.region is not None:
        queryset = queryset.filter(business__region=period.region)
    counts = {}
    for row in queryset.values("nature", "category", "business_id", "mediator_id").annotate(n=Count("pk")).order_by():
        for dimension, field in DIMENSIONS.items():
            key = "" if field is None or row[field] is None else str(row[field])
            counts[(dimension, key)] = counts.get((dimension, key), 0) + row["n"]
    return counts


def _trend_from_totals(period: Period, rows) -> list[dict]:
    by_month = {}
    for row in rows.filter(dimension="all").values("month").annotate(
        received=Sum("received"), accepted=Sum("accepted"), resolved=Sum("resolved"),
        terminated=Sum("terminated"), money_recovered=Sum("money_recovered"),
    ).order_by():
        by_month[row["month"]] = row
    return _trend(period, by_month, by_month)


def month_figures(today: date | None = None) -> dict:
    """This month so far, for the workbench: the summary of the statistics (from the monthly totals)."""
    from .models import MonthlyTotal
    from .totals import AMOUNTS, COUNTS, refresh

    today = today or timezone.localdate()
    period = Period(today.replace(day=1), today)
    if not _totals_know_every_figure(period, today):
        return {"period": period, **_with_rates(period.cases().aggregate(**_aggregates(period, today)))}
    refresh()
    sums = {name: Sum(name) for name in [*COUNTS, *AMOUNTS]}
    row = MonthlyTotal.objects.filter(month=period.start, dimension="all").aggregate(**sums)
    late_open = Case.objects.filter(
        period.filed, outcome_on__isnull=True, due_on__lt=today, pause_kind="", state__in=HANDLING_STATES
    ).count()
    return {"period": period, **_with_rates(_totalled_row(row, late_open))}


def business_category_breakdown(period: Period, *, today: date | None = None) -> list[dict]:
    """The figures of each business per goods/services category (the open data, api.views): one query. Only
    business-level values are selected: no consumer's."""
    today = today or timezone.localdate()
    rows = (
        period.cases()
        .values("business_id", "business__name", "category")
        .annotate(**_aggregates(period, today))
        .order_by("business__name", "business_id", "category")
    )
    return [_with_rates(row) for row in rows]


# --- the tables as 中消协's reports lay them out ----------------------------------------------------------------


@dataclass
class ShareTable:
    """Complaints received by a vocabulary, every value in its fixed order (also those with none), with its share
    of the total, and the table's total: the layout of 中消协's quarterly and yearly reports."""

    rows: list  # dicts: key, label, count, share (%)
    total: int
    share: Decimal | None = None  # of all complaints received (the goods or services table's part)


def _share_table(counts: dict, keys, labels, whole: int) -> ShareTable:
    total = sum(counts.get(key, 0) for key in keys)
    rows = [
        {"key": key, "label": str(labels[key]), "count": counts.get(key, 0), "share": _rate(counts.get(key, 0), total)}
        for key in keys
    ]
    return ShareTable(rows=rows, total=total, share=_rate(total, whole))


def report_tables(stats: Statistics) -> dict:
    """The nature table (售后服务, 合同, 质量, 价格, 虚假宣传, 安全, 假冒, 人格尊严/人格权益, 计量, 其他) and the goods
    and services category tables, from the breakdowns already computed (no query); counted by receipt date."""
    whole = stats.summary["received"]
    by_nature = {row["nature"]: row["received"] for row in stats.by_nature}
    by_category = {row["category"]: row["received"] for row in stats.by_category}
    natures = dict(Nature.choices)
    categories = dict(Category.choices)
    return {
        "nature": _share_table(by_nature, list(Nature.values), natures, whole),
        "goods": _share_table(by_category, [c.value for c in GOODS_CATEGORIES], categories, whole),
        "services": _share_table(by_category, [c.value for c in SERVICE_CATEGORIES], categories, whole),
        "unclassified": by_category.get(Category.OTHER, 0),
    }
