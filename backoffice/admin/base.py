"""Pieces the back office's admins share."""

from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import services

from ..forms import ReassignForm


class CaseLinkMixin:
    @admin.display(description=_("case"), ordering="case__number")
    def case_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case)


class ReassignMixin:
    """The supervisors' bulk reassignment, on the case list and on the overdue view."""

    def has_reassign_permission(self, request):
        return request.user.has_perm("cases.reassign_case")

    @admin.action(description=_("Reassign to another mediator"), permissions=["reassign"])
    def reassign_cases(self, request, queryset):
        applying = "apply" in request.POST
        form = ReassignForm(request.POST if applying else None)
        if applying and form.is_valid():
            try:
                count = services.case_assign_mediator(
                    case_ids=queryset.values_list("pk", flat=True),
                    mediator=form.cleaned_data["mediator"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("%(count)s cases reassigned.") % {"count": count})
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "cases": queryset.select_related("mediator"),
            "form": form,
            "title": _("Reassign to another mediator"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/case/reassign.html", context)



class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, which redraws a refused value by querying it: a non-numeric or
    out-of-range id posted back ("abc", forty nines) raised instead of showing the form's own error."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.pk
        kept = []
        for item in value:
            try:
                number = int(str(item))
            except (TypeError, ValueError):
                continue
            if target.get_internal_type() in ("AutoField", "BigAutoField") and not 0 < number < 2**63:
                continue
            kept.append(item)
        return super().optgroups(name, kept, attr)


class SafeAutocompleteMixin:
    """Use SafeAutocompleteSelect for the admin's autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
