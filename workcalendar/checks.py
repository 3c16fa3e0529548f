"""System check: tell the operators before the calendar package runs out of official holiday data."""

from datetime import date

from django.core import checks
from django.utils import timezone

from .services import uncovered_years_ahead

# Within this many days of 31 December the next year must be covered too: 45-working-day deadlines reach into it.
NEXT_YEAR_NOTICE_DAYS = 90


def coverage_warnings(today: date) -> list[checks.CheckMessage]:
    """One warning per year (this year, or next year near year end) that has no official holiday data."""
    return [
        checks.Warning(
            f"The working calendar has no official holiday data for {year}; "
            "deadlines in that year assume only the statutory holidays and weekends are rest days (provisional dates).",
            hint=(
                "Upgrade the chinesecalendar package once the State Council notice is out, or enter the year's "
                "holidays and make-up working days as calendar overrides in the admin."
            ),
            id="workcalendar.W001",
        )
        for year in uncovered_years_ahead(today, horizon_days=NEXT_YEAR_NOTICE_DAYS)
    ]


def calendar_coverage_check(app_configs=None, **kwargs):
    """Registered in WorkcalendarConfig.ready(); runs with every manage.py command that performs checks."""
    return coverage_warnings(timezone.localdate())
