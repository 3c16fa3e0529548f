"""Pieces the back office's admins share."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from cases import services
from core.admin import ReadOnlyHistoryAdmin

from ..audit import object_audit_actions
from ..forms import ReassignForm


class ReadableHistoryAdmin(ReadOnlyHistoryAdmin):
    """The 历史记录 page as the audit trail reads: actions with who, when and why, values as the pages show them.
    Nothing on it reverts (the history form view stays refused to POST, core.admin)."""

    object_history_template = "admin/readable_history.html"

    def history_view(self, request, object_id, extra_context=None):
        request.current_app = self.admin_site.name
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": opts,
            "app_label": opts.app_label,
            "module_name": capfirst(str(opts.verbose_name_plural)),
            "actions": self.history_actions(request, obj),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def history_actions(self, request, obj):
        """The trail this viewer reads (an admin may mask what the viewer's role does not see)."""
        return object_audit_actions(obj)


def person(field_name, description):
    """A column or read-only field naming the user in `field_name` by display name (select_related
    "<field>__staff_profile" beside it keeps the page's query count flat)."""

    @admin.display(description=description, ordering=f"{field_name}__staff_profile__display_name")
    def show(self, obj):
        return display_name(getattr(obj, field_name)) or "—"

    show.__name__ = f"{field_name}_name"
    return show


class PersonFilter(admin.RelatedOnlyFieldListFilter):
    """A filter by a user foreign key that lists the people by display name, in name order."""

    def field_choices(self, field, request, model_admin):
        pk_qs = model_admin.get_queryset(request).distinct().values_list(f"{field.name}__pk", flat=True)
        users = field.related_model._default_manager.filter(pk__in=pk_qs).select_related("staff_profile")
        return sorted(((u.pk, display_name(u)) for u in users), key=lambda choice: choice[1])


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
        known = getattr(self, "known", {})  # records the form already holds (a case's own business)
        if kept and all(str(item) in known for item in kept):
            return self._known_optgroups(name, [known[str(item)] for item in kept])
        return super().optgroups(name, kept, attr)

    def _known_optgroups(self, name, objects):
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for obj in objects[: None if self.allow_multiple_selected else 1]:
            label = self.choices.field.label_from_instance(obj)
            options.append(self.create_option(name, obj.pk, label, {str(obj.pk)}, len(options)))
        return [(None, options, 0)]


class SafeAutocompleteMixin:
    """Use SafeAutocompleteSelect for the admin's autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
