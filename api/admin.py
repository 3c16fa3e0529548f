"""The supervisors' admin of the data exchange: partners, their keys (shown once when issued, revoked here), the
forwarded complaints, what partners were told and every call. Writes go through api.services."""

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyHistoryAdmin, WrittenByServices
from core.audit import save_audited

from . import services
from .models import ApiCall, ApiEvent, ApiKey, CodeMapping, Handoff, Partner, Scope
from .selectors import CODES_CACHE_KEY


class ApiKeyInline(WrittenByServices, admin.TabularInline):
    model = ApiKey
    fields = ["name", "prefix", "scopes", "created_at", "created_by", "last_used_at", "revoked_at"]
    readonly_fields = fields


@admin.register(Partner)
class PartnerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "kind", "business", "is_active", "webhook_url", "created_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
    autocomplete_fields = ["business"]
    inlines = [ApiKeyInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["kind", "business", "user", "webhook_secret", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "kind", "business", "webhook_url"]
        return ["name", "kind", "business", "user", "is_active", "webhook_url", "webhook_secret", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            save_audited(obj, request.user, reason=str(_("Changed in the admin")))
            if not obj.is_active:
                services.partner_deactivate(actor=request.user, partner_id=obj.pk)
            return
        partner = services.partner_create(
            actor=request.user, name=obj.name, kind=obj.kind, business=obj.business, webhook_url=obj.webhook_url
        )
        obj.pk, obj.user, obj.webhook_secret, obj.created_at = partner.pk, partner.user, partner.webhook_secret, partner.created_at
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ["partner", "name", "scopes"]

    def clean(self):
        data = super().clean()
        if data.get("partner") and data.get("scopes"):
            services.validate_scopes(data["partner"], data["scopes"])  # its ValidationError names the field
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyHistoryAdmin):
    form = ApiKeyForm
    list_display = ["__str__", "partner", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["partner", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", "name", "scopes"]
        return ["partner", "name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(str(Scope(s).label) for s in obj.scopes if s in Scope.values)

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, plain = services.api_key_issue(
            actor=request.user, partner=obj.partner, name=obj.name, scopes=form.cleaned_data["scopes"]
        )
        obj.pk, obj.prefix, obj.created_at, obj.created_by = key.pk, key.prefix, key.created_at, key.created_by
        obj._state.adding = False
        obj._plain_key = plain

    def response_add(self, request, obj, post_url_continue=None):
        """The key is shown on this page once; only its hash is kept."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "key": obj,
            "plain_key": obj._plain_key,
            "title": _("API key issued"),
            "changelist_url": reverse("admin:api_apikey_changelist"),
        }
        return TemplateResponse(request, "admin/api/apikey/issued.html", context)

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        try:
            for key in queryset:
                services.api_key_revoke(actor=request.user, key_id=key.pk)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The keys were revoked; they no longer work."))

    def has_change_permission(self, request, obj=None):
        # Nothing of a key is edited; "change" is the permission to revoke (the action).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Handoff)
class HandoffAdmin(WrittenByServices, admin.ModelAdmin):
    list_display = ["external_id", "partner", "channel", "case_link", "received_at"]
    list_filter = ["partner", "channel"]
    search_fields = ["external_id", "case__number"]
    list_select_related = ["partner", "case"]
    fields = ["partner", "external_id", "channel", "case_link", "received_at"]
    readonly_fields = fields

    @admin.display(description=_("case"))
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case.number or obj.case_id
        )


@admin.register(ApiEvent)
class ApiEventAdmin(WrittenByServices, admin.ModelAdmin):
    list_display = ["pk", "partner", "kind", "case", "occurred_at", "delivery"]
    list_filter = ["partner", "kind"]
    list_select_related = ["partner", "case", "notification"]
    fields = ["partner", "kind", "case", "object_id", "occurred_at", "published_at", "notification", "payload"]
    readonly_fields = fields

    @admin.display(description=_("webhook delivery"))
    def delivery(self, obj):
        return obj.notification.get_status_display() if obj.notification_id else "—"


@admin.register(ApiCall)
class ApiCallAdmin(WrittenByServices, admin.ModelAdmin):
    list_display = ["at", "partner", "key", "method", "path", "status_code"]
    list_filter = ["partner", "method", "status_code"]
    list_select_related = ["partner", "key", "key__partner"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ["at", "partner", "key", "method", "path", "status_code"]
    readonly_fields = fields


@admin.register(CodeMapping)
class CodeMappingAdmin(ReadOnlyHistoryAdmin):
    list_display = ["table", "value", "national_code", "national_label"]
    list_editable = ["national_code", "national_label"]
    list_filter = ["table"]
    search_fields = ["value", "national_code", "national_label"]

    def save_model(self, request, obj, form, change):
        save_audited(obj, request.user, reason=str(_("Changed in the admin")))
        cache.delete(CODES_CACHE_KEY)
