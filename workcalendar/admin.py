"""Supervisors correct the working calendar here; every change is kept in the history."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyHistoryAdmin

from .models import CalendarOverride
from .services import uncovered_years_ahead


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyHistoryAdmin):
    list_display = ("date", "weekday", "kind", "name", "updated")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name", "note")
    ordering = ("-date",)
    fields = ("date", "kind", "name", "note")

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj):
        """A make-up working day is almost always a Saturday or Sunday; showing it catches typos in the date."""
        return date_format(obj.date, "l")

    def changelist_view(self, request, extra_context=None):
        """Warn the people who can fix it, on the page where they fix it, before an uncovered year arrives."""
        years = uncovered_years_ahead(timezone.localdate())
        if years:
            messages.warning(request, self._coverage_message(years))
        return super().changelist_view(request, extra_context)

    @staticmethod
    def _coverage_message(years):
        listed = ", ".join(str(y) for y in years)
        return ngettext(
            "The calendar package has no official holidays for %(years)s. Enter that year's holidays and "
            "make-up working days here, or ask the operators to upgrade the package.",
            "The calendar package has no official holidays for %(years)s. Enter those years' holidays and "
            "make-up working days here, or ask the operators to upgrade the package.",
            len(years),
        ) % {"years": listed}
