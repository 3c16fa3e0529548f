from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from cases.admin import register_case_inline
from config.history import ReadOnlyHistoryAdmin

from .documents import pdf_response
from .models import BusinessReply, FollowUp, SheetMessage, TransferSheet


class ReadOnlyInline:
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # written through mediation.services only

    def has_change_permission(self, request, obj=None):
        return False


class FollowUpInline(ReadOnlyInline, admin.StackedInline):
    model = FollowUp
    extra = 0
    fields = ["channel", "satisfaction", "comment", "recorded_by", "recorded_at"]
    readonly_fields = fields


def pdf_url(sheet):
    return reverse("admin:mediation_transfersheet_pdf", args=[sheet.pk])


class TransferSheetInline(ReadOnlyInline, admin.StackedInline):
    model = TransferSheet
    extra = 0
    fields = [
        "number",
        "business",
        "answer_by",
        "issued_by",
        "issued_at",
        "pdf",
        "dispatches_display",
        "content",
    ]
    readonly_fields = fields
    verbose_name_plural = _("transfer sheet")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("business", "issued_by")
            .prefetch_related("dispatches__sent_by", "dispatches__notification")
        )

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return format_html('<a href="{}">{}</a>', pdf_url(obj), _("Download the PDF"))

    @admin.display(description=_("sent"))
    def dispatches_display(self, obj):
        rows = [
            (
                localtime(d.sent_at).strftime("%Y-%m-%d %H:%M"),
                d.get_kind_display(),
                d.to_address,
                d.sent_by,
                d.notification.get_status_display() if d.notification else "—",
                d.note,
            )
            for d in obj.dispatches.all()
        ]
        if not rows:
            return _(
                "Not sent: the business has no email address. Print the PDF, or send it again to an address."
            )
        return format_html_join(mark_safe("<br>"), "{} · {} · {} · {} · {} {}", rows)


class BusinessReplyInline(ReadOnlyInline, admin.StackedInline):
    model = BusinessReply
    extra = 0
    fields = [
        "kind",
        "remedy",
        "amount",
        "explanation",
        "is_late",
        "submitted_by",
        "submitted_at",
        "consumer_response",
    ]
    readonly_fields = fields
    verbose_name_plural = _("business's answer and the consumer's response")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by", "consumer_response")

    @admin.display(description=_("consumer's response"))
    def consumer_response(self, obj):
        response = getattr(obj, "consumer_response", None)
        if response is None:
            return _("No response yet.") if obj.consumer_can_decide else "—"
        return format_html(
            "<strong>{}</strong> · {}<br>{}",
            response.get_decision_display(),
            localtime(response.responded_at).strftime("%Y-%m-%d %H:%M"),
            response.comment or "",
        )


class SheetMessageInline(ReadOnlyInline, admin.TabularInline):
    model = SheetMessage
    extra = 0
    fields = ["created_at", "side", "author", "body"]
    readonly_fields = fields
    verbose_name_plural = _("messages with the business")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


for inline in (TransferSheetInline, BusinessReplyInline, SheetMessageInline, FollowUpInline):
    register_case_inline(inline)


@admin.register(TransferSheet)
class TransferSheetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "case_link", "business", "answer_by", "issued_at", "answered"]
    list_select_related = ["case", "business", "reply"]
    search_fields = ["number", "case__number", "business__name"]
    date_hierarchy = "issued_at"
    show_full_result_count = False
    fields = [
        "number",
        "case_link",
        "business",
        "answer_by",
        "issued_by",
        "issued_at",
        "contact_user",
        "pdf",
        "content",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("case"), ordering="case__number")
    def case_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case
        )

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj):
        return hasattr(obj, "reply")

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return format_html('<a href="{}">{}</a>', pdf_url(obj), _("Download the PDF"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="mediation_transfersheet_pdf"
            ),
        ] + super().get_urls()

    def pdf_view(self, request, pk):
        sheet = get_object_or_404(TransferSheet, pk=pk)
        if not self.has_view_permission(request, sheet):
            raise PermissionDenied
        return pdf_response(sheet)
