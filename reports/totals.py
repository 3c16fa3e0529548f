"""Monthly totals of the figures (issue 12: the year view at a million cases read every case of the year).

reports.MonthlyTotal keeps, per month, region and breakdown key (the whole association, each nature, category,
business and mediator), the counts the statistics add up: what counts by RECEIPT date in the month it was
received, what counts by FILING date in the month it was filed (reports.selectors says which is which). They are
kept up to date as cases change: every save of a case or of its follow-up marks the months it counts in as stale
(StaleMonth, reports.apps connects the signals), and whoever reads the totals first recounts the stale months
(`refresh`); a rebuild (`monthly_totals_rebuild`, `manage.py rebuild_monthly_totals`) recounts everything.

What depends on today is not stored: "handled late" adds the open cases past their due date (live, from the
open-case index). The grounds of rejections stay a live query (rejections are few).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import CharField, Count, F, Q, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from cases.models import Case

from .models import MonthlyTotal, StaleMonth

# The breakdowns and the case field that keys each (reports.selectors.BREAKDOWNS); "all" is the association.
DIMENSIONS = {"all": None, "nature": "nature", "category": "category", "business": "business_id",
              "mediator": "mediator_id"}
COUNTS = ["received", "rejected", "accepted", "resolved", "terminated", "withdrawn", "open", "timely", "late_done",
          "followed_up", "with_outcome", "satisfaction_count", "satisfaction_sum", "punitive_count"]
AMOUNTS = ["money_recovered", "punitive_amount"]


def month_of(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def mark_stale(*months):
    """The months whose totals must be recounted before they are read again."""
    rows = [StaleMonth(month=m) for m in {m for m in months if m is not None}]
    if rows:
        StaleMonth.objects.bulk_create(rows, ignore_conflicts=True)


def case_months(case) -> list[date]:
    """The months a case counts in: that of its receipt and that of its filing (before and after this save)."""
    loaded = getattr(case, "_loaded_values", None) or {}
    return [month_of(case.received_at), month_of(case.filed_on), month_of(loaded.get("received_at")),
            month_of(loaded.get("filed_on"))]


def _bounds(month):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(month, time.min), tz)
    end = timezone.make_aware(datetime.combine(next_month(month), time.min), tz)
    return start, end


def _count_month(month) -> list[MonthlyTotal]:
    """The month's totals from the cases: per breakdown, one query for the receipt figures and one for the filing
    figures (ten in all)."""
    start, end = _bounds(month)
    received = Q(received_at__gte=start, received_at__lt=end)
    filed = Q(filed_on__gte=month, filed_on__lt=next_month(month))
    rated = Q(follow_up__channel__in=["online", "phone"])
    outcome = Q(outcome_on__isnull=False)
    by_receipt = {"received": Count("pk"), "rejected": Count("pk", filter=Q(state="rejected"))}
    by_filing = {
        "accepted": Count("pk"),
        "resolved": Count("pk", filter=Q(money_recovered__isnull=False)),
        "terminated": Count("pk", filter=Q(termination_ground__isnull=False)),
        "withdrawn": Count("pk", filter=~Q(withdrawal_reason="")),
        "open": Count("pk", filter=Q(outcome_on__isnull=True)),
        "timely": Count("pk", filter=outcome & Q(outcome_on__lte=F("due_on"))),
        "late_done": Count("pk", filter=outcome & Q(outcome_on__gt=F("due_on"))),
        "followed_up": Count("pk", filter=rated),
        "with_outcome": Count("pk", filter=outcome),
        "satisfaction_count": Count("follow_up__satisfaction", filter=rated),
        "satisfaction_sum": Coalesce(Sum("follow_up__satisfaction", filter=rated), 0),
        "money_recovered": Coalesce(Sum("money_recovered"), Decimal("0")),
        "punitive_count": Count("pk", filter=Q(punitive_damages__gt=0)),
        "punitive_amount": Coalesce(Sum("punitive_damages"), Decimal("0")),
    }
    rows = {}
    for dimension, field in DIMENSIONS.items():
        keys = {"region": F("business__region_id")}
        if field:
            keys["key"] = Cast(field, CharField())
        for condition, aggregates in ((received, by_receipt), (filed, by_filing)):
            queryset = Case.objects.filter(condition).order_by().values(**keys).annotate(**aggregates)
            for values in queryset:
                ident = (dimension, values.get("key") or "", values["region"])
                row = rows.setdefault(
                    ident, MonthlyTotal(month=month, dimension=dimension, key=ident[1], region_id=ident[2])
                )
                for name in aggregates:
                    setattr(row, name, values[name])
    return list(rows.values())


def recount(month):
    with transaction.atomic():
        MonthlyTotal.objects.filter(month=month).delete()
        MonthlyTotal.objects.bulk_create(_count_month(month), batch_size=2000)


def refresh():
    """Recount the stale months (each once, whoever comes first; a concurrent reader skips the ones taken)."""
    with transaction.atomic():
        stale = list(StaleMonth.objects.select_for_update(skip_locked=True).values_list("month", flat=True))
        for month in stale:
            recount(month)
        StaleMonth.objects.filter(month__in=stale).delete()


def monthly_totals_rebuild():
    """Recount every month that has cases."""
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        MonthlyTotal.objects.all().delete()
        return
    month, last = month_of(first), month_of(timezone.now())
    with transaction.atomic():
        MonthlyTotal.objects.all().delete()
        StaleMonth.objects.all().delete()
        while month <= last:
            MonthlyTotal.objects.bulk_create(_count_month(month), batch_size=2000)
            month = next_month(month)
