from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification, template_label
from .services import notifications_retry


class TemplateFilter(admin.SimpleListFilter):
    """The kinds of notice, by their label (one DISTINCT over the outbox, as the field filter it replaces)."""

    title = _("kind")
    parameter_name = "template"

    def lookups(self, request, model_admin):
        templates = Notification.objects.order_by("template").values_list("template", flat=True).distinct()
        return sorted(((t, template_label(t)) for t in templates), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(template=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox as a record: what was sent to whom and how delivery went. Nothing here edits a notice."""

    list_display = (
        "id",
        "created_at",
        "channel",
        "kind",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "read_at",
        "about_display",
    )
    list_filter = ("status", "channel", TemplateFilter, ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("to_address", "dedupe_key", "recipient_user__username")
    list_select_related = ("recipient_user", "content_type")
    ordering = ("-id",)
    actions = ["retry_delivery"]
    fieldsets = (
        (None, {"fields": ("channel", "recipient_user", "to_address", "template", "language", "about_link")}),
        (_("Content (frozen when enqueued)"), {"fields": ("subject", "body", "context")}),
        (
            _("Delivery"),
            {
                "fields": (
                    "status",
                    "attempts",
                    "last_attempt_at",
                    "next_attempt_at",
                    "sent_at",
                    "transport_note",
                    "last_error",
                    "read_at",
                    "dedupe_key",
                    "created_at",
                )
            },
        ),
    )
    readonly_fields = tuple(field for _name, opts in fieldsets for field in opts["fields"])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # The changelist needs "change" for the retry action; a single notice is only ever viewed.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="template")
    def kind(self, obj):
        return obj.kind_label

    @admin.display(description=_("recipient"), ordering="to_address")
    def recipient(self, obj):
        return obj.recipient_display

    @admin.display(description=_("about"))
    def about_display(self, obj):
        # Type and id only: resolving the generic reference here would cost a query per row.
        if obj.content_type_id is None:
            return "—"
        return f"{obj.content_type.name} #{obj.object_id}"

    @admin.display(description=_("about"))
    def about_link(self, obj):
        if obj.content_type_id is None:
            return "—"
        label = self.about_display(obj)
        try:
            url = reverse(
                f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change", args=[obj.object_id]
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.action(
        permissions=["change"], description=_("Retry delivery of the selected failed or dead notifications")
    )
    def retry_delivery(self, request, queryset):
        count = notifications_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d notification queued for another delivery attempt.",
                "%(count)d notifications queued for another delivery attempt.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
