"""Delivery (送达): where each document and notice of a case went and whether it arrived (the case page's inline),
and the letter queue: the letters staff print (documents with address labels) and record as posted."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.delivery import letters_mark_posted, step_label
from cases.documents import document_pdf
from cases.models import Delivery
from core.admin import ReadOnlyHistoryAdmin, WrittenByServices
from core.association import association
from documents.pdf import merge_pdfs, render_address_labels

STATUS_COLOURS = {"failed": "#ba2121", "queued": "#a66f00", "sent": "#447e9b", "delivered": "#2e7d32",
                  "posted": "#2e7d32"}


def status_badge(delivery):
    status = delivery.current_status
    label = Delivery.Status(status).label
    return format_html('<strong style="color:{}">{}</strong>', STATUS_COLOURS.get(status, "#333"), label)


class DeliveryInline(WrittenByServices, admin.TabularInline):
    """Per document and notice: to whom, how, where, and whether it went (the outbox row for SMS and email)."""

    model = Delivery
    fields = ["created_at", "what", "party", "method", "address", "status_display", "posted_on"]
    readonly_fields = fields
    verbose_name_plural = _("deliveries (送达)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document", "notification")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    @admin.display(description=_("document or notice"))
    def what(self, obj):
        if obj.document_id:
            return f"{obj.document.title} {obj.document.number}"
        return step_label(obj.step)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return status_badge(obj) if obj.pk else "—"


@admin.register(Delivery)
class LetterQueueAdmin(WrittenByServices, ReadOnlyHistoryAdmin):
    """Every delivery, opened as the letter queue: letters to print (the documents with an address label each)
    and to record as posted."""

    list_display = ["created_at", "case", "what", "party", "recipient", "address", "status_display", "posted_on"]
    list_filter = ["status", "method", "party"]
    list_select_related = ["case", "document", "notification"]
    search_fields = ["=case__number", "recipient"]
    actions = ["print_letters", "mark_posted"]
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        """The letter queue is this list filtered to letters still queued (the link at its top)."""
        queue = f"{request.path}?method__exact=letter&status__exact=queued"
        return super().changelist_view(request, {"queue_url": queue, **(extra_context or {})})

    change_list_template = "admin/cases/delivery/change_list.html"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    def has_module_permission(self, request):
        return request.user.has_perm("cases.view_case")

    @admin.display(description=_("document"))
    def what(self, obj):
        return f"{obj.document.title} {obj.document.number}" if obj.document_id else obj.step

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return status_badge(obj)

    @admin.action(description=_("Print the selected letters (address labels and documents)"))
    def print_letters(self, request, queryset):
        letters = list(
            queryset.filter(method=Delivery.Method.LETTER, document__isnull=False)
            .select_related("document").order_by("created_at", "pk")
        )
        if not letters:
            self.message_user(request, _("Select letters (deliveries by post) to print."), messages.WARNING)
            return None
        particulars = association()
        labels = render_address_labels(
            [(d.recipient, d.address, f"{d.document.title} {d.document.number}") for d in letters],
            sender=f"{particulars.name} {particulars.address}",
        )
        pdf = merge_pdfs([labels, *(document_pdf(d.document) for d in letters)])
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="letters-{timezone.localdate():%Y%m%d}.pdf"'
        return response

    @admin.action(description=_("Record the selected letters as posted today"))
    def mark_posted(self, request, queryset):
        count = letters_mark_posted(delivery_ids=queryset.values_list("pk", flat=True), actor=request.user)
        self.message_user(request, _("%(n)s letters recorded as posted.") % {"n": count}, messages.SUCCESS)
