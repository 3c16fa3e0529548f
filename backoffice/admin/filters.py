"""List filters whose choices are not a scan of the case table (issue 12: at a million cases Django's
RelatedOnlyFieldListFilter ran SELECT DISTINCT over every case): the work queues of cases.selectors, the staff who
mediate (a short list of people), and the business picked by autocomplete (20,000 businesses are no list)."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Business, Case
from cases.selectors import QUEUES
from cases.users import person_name

from ..forms import mediator_choices
from .base import SafeAutocompleteSelect


class WorkFilter(admin.SimpleListFilter):
    """The workbench's queues; its counts link here (?work=overdue …)."""

    title = _("work queue")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [(key, work.label) for key, work in QUEUES.items()]

    def queryset(self, request, queryset):
        work = QUEUES.get(self.value() or "")
        return queryset.filter(work.q(timezone.localdate())) if work else queryset


class MediatorFilter(admin.SimpleListFilter):
    """The mediator in charge, among the staff who mediate (never the distinct values of the case table)."""

    title = _("mediator in charge")
    parameter_name = "mediator__id__exact"

    def lookups(self, request, model_admin):
        return [("none", _("Nobody (unassigned)"))] + [
            (str(u.pk), person_name(u)) for u in mediator_choices().select_related("staff_profile")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(mediator__isnull=True)
        if value and value.isdigit():
            return queryset.filter(mediator_id=int(value))
        return queryset


class BusinessAutocompleteFilter(admin.SimpleListFilter):
    """The business complained about, chosen with the admin's autocomplete (BusinessAdmin.search_fields)."""

    title = _("business complained about")
    parameter_name = "business__id__exact"
    template = "admin/backoffice/autocomplete_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(business_id=int(value))
        return queryset

    def choices(self, changelist):
        """The template renders the autocomplete widget instead of a list of links."""
        self.widget_html = self._widget(changelist).render(
            self.parameter_name, self.value() or "", attrs={"id": "filter-business", "data-filter": "1"}
        )
        self.clear_url = changelist.get_query_string(remove=[self.parameter_name])
        return []

    @staticmethod
    def _widget(changelist):
        field = Case._meta.get_field("business")
        formfield = forms.ModelChoiceField(
            queryset=Business.objects.all(),
            widget=SafeAutocompleteSelect(field, changelist.model_admin.admin_site),
            required=False,
        )
        return formfield.widget

    @classmethod
    def media(cls, admin_site):
        widget = SafeAutocompleteSelect(Case._meta.get_field("business"), admin_site)
        return widget.media + forms.Media(js=["backoffice/autocomplete_filter.js"])
