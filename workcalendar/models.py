"""The admin-editable exceptions to the official calendar.

The chinesecalendar package encodes the State Council holiday notices, but it lags behind new notices and cannot know
local decisions. Supervisors record those here; an override always beats the package.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarOverride(models.Model):
    """One date whose working/rest status is decided by a supervisor rather than by the calendar package."""

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("Working day (make-up day)")
        HOLIDAY = "holiday", _("Rest day (holiday)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("The holiday this date belongs to, e.g. Spring Festival."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("Why the override exists, e.g. the notice that announced it.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    @property
    def is_workday(self) -> bool:
        return self.kind == self.Kind.WORKDAY
