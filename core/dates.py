"""Dates as the association's documents write them, and the association's today."""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Today in the association's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def cn_date(day: date | None) -> str:
    """2026年11月16日 (today when ``day`` is None)."""
    day = day or today()
    return f"{day.year}年{day.month}月{day.day}日"
