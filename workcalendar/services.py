"""Working-day arithmetic for mainland China: the one place every deadline in the product asks "is this a working day?".

Precedence, per date:
  1. a ``CalendarOverride`` row (supervisors' corrections and notices the package does not know yet);
  2. the ``chinesecalendar`` package (State Council notices, including 调休 make-up working days);
  3. for a year the package does not cover: the statutory holidays of 全国年节及纪念日放假办法 (元旦, 春节, 清明,
     劳动节, 端午, 中秋, 国庆, fixed and lunar dates, from the ``holidays`` package) and weekends are rest days, every
     other day a working day. The real notice moves days around (调休), so such a date is only *provisional*: a
     WARNING is logged on the ``workcalendar`` logger, a ``CalendarNotCoveredWarning`` is emitted, and
     ``period_end`` reports it. A year for which supervisors have entered override rows counts as entered (the
     notice is in the table; its other days follow the statutory fallback without a warning).

Override rows are read at most once per year per public call (see ``_Calendar``), never cached across calls, because
a process-wide cache would go stale in the other processes (web vs. Celery workers) when a supervisor edits the table.
A batch job that calls these functions thousands of times can share one read with ``calendar_snapshot()``.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import warnings
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar
import holidays
from chinese_calendar import constants as cc_constants

logger = logging.getLogger("workcalendar")

ONE_DAY = timedelta(days=1)

__all__ = [
    "CalendarNotCoveredWarning",
    "add_calendar_days_then_roll",
    "add_working_days",
    "calendar_snapshot",
    "covered_years",
    "is_workday",
    "is_year_covered",
    "next_workday_on_or_after",
    "period_end",
    "statutory_holidays",
    "uncovered_years_ahead",
]


class CalendarNotCoveredWarning(UserWarning):
    """A computation used a year without official holiday data, so only the statutory holidays were assumed."""


# --- coverage -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _package_years() -> frozenset[int]:
    """The package's data is fixed at import time, so computing its years once is safe."""
    dates = list(cc_constants.holidays) + list(cc_constants.workdays)
    return frozenset(d.year for d in dates)


def covered_years() -> set[int]:
    """Years for which the installed chinesecalendar holds the official holiday notice."""
    return set(_package_years())


def is_year_covered(year: int) -> bool:
    """Whether deadlines in ``year`` follow the official calendar rather than the statutory-holiday fallback."""
    return year in _package_years()


def uncovered_years_ahead(today: date, horizon_days: int = 120) -> list[int]:
    """Uncovered years between ``today`` and ``today + horizon_days``, so supervisors can act before they bite.

    Deadlines run up to 45 working days (about two months) ahead, so a year must be covered well before it starts.
    """
    last = today + timedelta(days=horizon_days)
    return [year for year in range(today.year, last.year + 1) if not is_year_covered(year)]


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[date]:
    """The rest days 全国年节及纪念日放假办法 fixes for ``year`` (no 调休: only a State Council notice decides those).

    The ``holidays`` package computes the lunar dates; its "observed" days and substituted days off are the notices'
    arrangements (or guesses of them), not the statute, so they are left out.
    """
    days = holidays.China(years=year, observed=False)
    return frozenset(d for d, name in days.items() if not name.startswith("Day off"))


# --- one computation's view of the calendar -----------------------------------------------------

_snapshot: contextvars.ContextVar[dict[int, dict[date, bool]] | None] = contextvars.ContextVar(
    "workcalendar_snapshot", default=None
)


@contextlib.contextmanager
def calendar_snapshot() -> Iterator[None]:
    """Share one read of the override table among all calls inside the block (e.g. a reminder sweep).

    Overrides saved while the block runs are not seen by it; keep the block as short as the batch.
    """
    if _snapshot.get() is not None:  # nested: the outer snapshot already serves us
        yield
        return
    token = _snapshot.set({})
    try:
        yield
    finally:
        _snapshot.reset(token)


def _load_overrides(year: int) -> dict[date, bool]:
    """All override rows of one year as {date: is_workday}; one small indexed query."""
    from .models import CalendarOverride

    rows = CalendarOverride.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
    return {d: kind == CalendarOverride.Kind.WORKDAY for d, kind in rows.values_list("date", "kind")}


class _Calendar:
    """The calendar as seen by one public call: override years loaded lazily, fallback years remembered."""

    def __init__(self) -> None:
        shared = _snapshot.get()
        self._overrides: dict[int, dict[date, bool]] = shared if shared is not None else {}
        self.fallback_years: set[int] = set()

    @property
    def provisional(self) -> bool:
        """Whether anything this call decided came from the statutory fallback."""
        return bool(self.fallback_years)

    def is_workday(self, d: date) -> bool:
        if d.year not in self._overrides:
            self._overrides[d.year] = _load_overrides(d.year)
        decided = self._overrides[d.year].get(d)
        if decided is not None:
            return decided
        if is_year_covered(d.year):
            return chinese_calendar.is_workday(d)
        if not self._overrides[d.year]:  # no notice entered for the year: provisional
            self.fallback_years.add(d.year)
        return d.weekday() < 5 and d not in statutory_holidays(d.year)

    def next_workday_on_or_after(self, d: date) -> date:
        while not self.is_workday(d):
            d += ONE_DAY
        return d

    def report_fallback(self) -> None:
        """Log and warn once per public call; stacklevel points the warning at the caller of the public function."""
        if not self.fallback_years:
            return
        years = ", ".join(str(y) for y in sorted(self.fallback_years))
        message = (
            f"No official holiday data for {years}: only the statutory holidays and weekends were assumed to be rest "
            "days, so dates computed on them are provisional. "
            "Upgrade the chinesecalendar package or enter the year's holidays and make-up days as calendar overrides."
        )
        logger.warning(message)
        warnings.warn(message, CalendarNotCoveredWarning, stacklevel=3)


def _check_date(d: date) -> None:
    """A datetime's calendar day depends on a time zone the caller must choose (timezone.localdate)."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")


def _check_count(n: int) -> None:
    """Deadlines only move forward; a negative count is a caller bug, not a request to count backwards."""
    if n < 0:
        raise ValueError(f"day count must not be negative, got {n}")


# --- public arithmetic --------------------------------------------------------------------------


def is_workday(d: date) -> bool:
    """Whether ``d`` is an official working day (调休 make-up weekend days included, public holidays excluded)."""
    _check_date(d)
    cal = _Calendar()
    result = cal.is_workday(d)
    cal.report_fallback()
    return result


def next_workday_on_or_after(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    _check_date(d)
    cal = _Calendar()
    result = cal.next_workday_on_or_after(d)
    cal.report_fallback()
    return result


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` itself never counts; ``n == 0`` returns ``start``).

    Used for periods the rules state in working days (工作日), e.g. 7 to decide acceptance, 45 to mediate.
    """
    _check_date(start)
    _check_count(n)
    cal = _Calendar()
    d = start
    for _ in range(n):
        d = cal.next_workday_on_or_after(d + ONE_DAY)
    cal.report_fallback()
    return d


def add_calendar_days_then_roll(start: date, n: int) -> date:
    """``start`` + ``n`` calendar days; a last day on a rest day moves to the next working day.

    This is the 民法典 arts. 201–204 reading: the start day is not counted, a last day on a weekend or public holiday
    moves on, and a 调休 make-up Saturday/Sunday is a working day, so a last day landing on one stays.
    """
    _check_date(start)
    _check_count(n)
    cal = _Calendar()
    result = cal.next_workday_on_or_after(start + timedelta(days=n))
    cal.report_fallback()
    return result


class PeriodEnd(NamedTuple):
    """The last day of a period, and whether it was computed on the provisional (statutory-fallback) calendar."""

    on: date
    provisional: bool


def period_end(
    start: date, n: int, *, working_days: bool, excluded: Iterable[tuple[date, date]] = ()
) -> PeriodEnd:
    """The last day of a period of ``n`` days after ``start``, leaving out the ``excluded`` days.

    Steps: walk the days after ``start``; a day counts unless it lies in an excluded range (``after`` < day <=
    ``through``) or, for a working-day period, is a rest day; the ``n``-th counted day ends the period. A
    calendar-day period whose last day is a rest day (or an excluded day) moves on to the next working day that is
    not excluded (民法典 arts. 201–204). ``n == 0`` returns ``start``.
    """
    _check_date(start)
    _check_count(n)
    ranges = [(after, through) for after, through in excluded if through > after]

    def is_excluded(d):
        return any(after < d <= through for after, through in ranges)

    cal = _Calendar()
    d, counted = start, 0
    while counted < n:
        d += ONE_DAY
        if not is_excluded(d) and (not working_days or cal.is_workday(d)):
            counted += 1
    if not working_days and n:
        while is_excluded(d) or not cal.is_workday(d):
            d += ONE_DAY
    cal.report_fallback()
    return PeriodEnd(d, cal.provisional)
