from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Region

from .selectors import FIGURES, Period


class DateInput(forms.DateInput):
    input_type = "date"


EARLIEST = date(2000, 1, 1)


class PeriodForm(forms.Form):
    """The statistics filter: a date range (inclusive) and optionally a region. Defaults: this year to today.
    Dates outside 2000 to ten years from now are refused (9999-12-31 used to overflow the date arithmetic)."""

    start = forms.DateField(label=_("From"), widget=DateInput, required=False)
    end = forms.DateField(label=_("To"), widget=DateInput, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("code"), required=False, empty_label=_("All regions")
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        cleaned["start"] = cleaned.get("start") or date(today.year, 1, 1)
        cleaned["end"] = cleaned.get("end") or today
        latest = date(today.year + 10, 12, 31)
        for name in ("start", "end"):
            if not EARLIEST <= cleaned[name] <= latest:
                self.add_error(
                    name,
                    _("Choose a date between %(earliest)s and %(latest)s.") % {"earliest": EARLIEST, "latest": latest},
                )
                cleaned[name] = today
        if self.errors:
            return cleaned
        if cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start of the period must not be after its end."))
        if (cleaned["end"] - cleaned["start"]).days > 366 * 10:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        return cleaned

    def period(self) -> Period:
        """The chosen period, or the default one when the input is invalid (the errors are shown)."""
        if self.is_valid():
            data = self.cleaned_data
            return Period(data["start"], data["end"], data["region"])
        today = timezone.localdate()
        return Period(date(today.year, 1, 1), today)


class CaseListForm(forms.Form):
    figure = forms.ChoiceField(choices=[("", "")] + [(f.key, f.label) for f in FIGURES], required=False)
