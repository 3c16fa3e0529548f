"""Mediation's records on the case page (read-only: they are written by the case-page actions and the portal),
transfer sheets, the register of appraisal bodies, the supervisors' escalation queue, and the issued PDFs."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from core.admin import WrittenByServices
from mediation.models import (
    AppraisalBody,
    AppraisalRequest,
    BusinessReply,
    Escalation,
    FollowUp,
    GovernmentReport,
    Publication,
    RemedyLine,
    SheetMessage,
    TransferSheet,
    TransferSheetDispatch,
)
from mediation.selectors import cases_past_mediation_limit

from .base import CaseLinkMixin, ReadableHistoryAdmin, person


class ReadOnlyInline(WrittenByServices, admin.TabularInline):
    """Records written by services only: shown, never added or edited here."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    template = "admin/edit_inline/stacked.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by__staff_profile")

    fields = ["channel", "satisfaction", "comment", "recorded_by_name", "recorded_at"]
    recorded_by_name = person("recorded_by", _("recorded by"))


class AppraisalRequestInline(ReadOnlyInline):
    model = AppraisalRequest
    fields = [
        "body", "items", "status", "requested_on", "received_on", "fee", "fee_advanced_by", "conclusion",
        "conclusion_file", "responsible_party", "fee_borne_by",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("body")


class RemedyLineInline(ReadOnlyInline):
    model = RemedyLine
    fields = ["kind", "amount", "description"]


# What the case page asks of a case (backoffice.admin.cases.CaseAdmin._records_present) for EscalationInline.
ESCALATION_RECORDS_PRESENT = {
    "has_reports": lambda: Exists(GovernmentReport.objects.filter(escalation__case=OuterRef("pk"))),
    "has_publications": lambda: Exists(Publication.objects.filter(escalation__case=OuterRef("pk"))),
}


class EscalationInline(ReadOnlyInline):
    model = Escalation
    fk_name = "case"
    fields = [
        "kind", "status", "reasons", "proposed_by_name", "proposed_at", "decided_by_name", "decided_at",
        "decision_note", "records",
    ]
    proposed_by_name = person("proposed_by", _("proposed by"))
    decided_by_name = person("decided_by", _("decided by"))

    def get_queryset(self, request):
        # On the case page, reports and publications are read only where the case has some (the page's one
        # query of what the case holds, request.case_records_present).
        present = getattr(request, "case_records_present", {})
        related = [name for name in ("reports", "publications") if present.get(f"has_{name}", True)]
        return (
            super()
            .get_queryset(request)
            .select_related("proposed_by__staff_profile", "decided_by__staff_profile")
            .prefetch_related(*related)
        )

    @staticmethod
    def _records(obj, name):
        if name not in getattr(obj, "_prefetched_objects_cache", {}):
            return []  # not read: the case has none
        return getattr(obj, name).all()

    @admin.display(description=_("reports and publications"))
    def records(self, obj):
        reports = format_html_join(
            "", "<li>{} {}：{}</li>",
            ((r.reported_on, r.department, r.reply or "—") for r in self._records(obj, "reports")),
        )
        publications = format_html_join(
            "", "<li>{} {}《{}》{} {}</li>",
            (
                (p.published_on, p.outlet, p.title, p.summary,
                 format_html('<a href="{}" rel="noopener">{}</a>', p.link, p.link) if p.link else "")
                for p in self._records(obj, "publications")
            ),
        )
        return format_html("<ul>{}{}</ul>", reports, publications) if reports or publications else "—"


class BusinessEscalationInline(EscalationInline):
    fk_name = "business"
    fields = ["case", *EscalationInline.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case")


class MediationLimitFilter(admin.SimpleListFilter):
    """Cases that reached the mediation limit (their rule set's limit counted from filing, appraisal per the rule
    counted) without agreement: flagged for termination (ground T13)."""

    title = _("mediation limit")
    parameter_name = "mediation_limit"

    def lookups(self, request, model_admin):
        return [("reached", _("Reached: terminate (T13)"))]

    def queryset(self, request, queryset):
        if self.value() == "reached":
            return cases_past_mediation_limit(queryset)
        return queryset




@admin.register(AppraisalBody)
class AppraisalBodyAdmin(ReadableHistoryAdmin):
    list_display = ["name", "qualification", "contact_person", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "scope"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: requests keep their body


@admin.register(Escalation)
class EscalationAdmin(WrittenByServices, CaseLinkMixin, ReadableHistoryAdmin):
    """The supervisors' queue: decisions are taken on the case page ("Decide on escalation")."""

    list_display = ["case_link", "business", "kind", "status", "proposed_by_name", "proposed_at", "decided_by_name"]
    list_filter = ["status", "kind"]
    list_select_related = ["case", "business", "proposed_by__staff_profile", "decided_by__staff_profile"]
    proposed_by_name = person("proposed_by", _("proposed by"))
    decided_by_name = person("decided_by", _("decided by"))
    search_fields = ["case__number", "business__name"]
    show_full_result_count = False



def pdf_url(sheet):
    return reverse("admin:cases_document_pdf", args=[sheet.document_id])


class TransferSheetInline(WrittenByServices, admin.StackedInline):
    model = TransferSheet
    extra = 0
    fields = [
        "number",
        "business",
        "answer_by",
        "issued_by_name",
        "issued_at",
        "pdf",
        "dispatches_display",
        "document_text",
    ]
    readonly_fields = fields
    verbose_name_plural = _("transfer sheet")
    issued_by_name = person("issued_by", _("issued by"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("business", "issued_by__staff_profile", "document")
            .prefetch_related(
                Prefetch(
                    "dispatches",
                    queryset=TransferSheetDispatch.objects.select_related("sent_by__staff_profile", "notification"),
                )
            )
        )

    @admin.display(description=_("text as issued"))
    def document_text(self, obj):
        return obj.document.text

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
                display_name(d.sent_by),
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


class BusinessReplyInline(WrittenByServices, admin.StackedInline):
    model = BusinessReply
    extra = 0
    fields = [
        "kind",
        "remedy",
        "amount",
        "explanation",
        "is_late",
        "submitted_by_name",
        "submitted_at",
        "consumer_response",
    ]
    readonly_fields = fields
    verbose_name_plural = _("business's answer and the consumer's response")
    submitted_by_name = person("submitted_by", _("answered by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("submitted_by__staff_profile", "consumer_response")

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


class SheetMessageInline(WrittenByServices, admin.TabularInline):
    model = SheetMessage
    extra = 0
    fields = ["created_at", "side", "author_name", "body"]
    readonly_fields = fields
    verbose_name_plural = _("messages with the business")
    author_name = person("author", _("author"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author__staff_profile")




@admin.register(TransferSheet)
class TransferSheetAdmin(WrittenByServices, CaseLinkMixin, ReadableHistoryAdmin):
    list_display = ["number", "case_link", "business", "answer_by", "issued_at", "answered"]
    list_select_related = ["case", "business", "reply", "document"]
    search_fields = ["number", "case__number", "business__name"]
    date_hierarchy = "issued_at"
    show_full_result_count = False
    fields = [
        "number",
        "case_link",
        "business",
        "answer_by",
        "issued_by_name",
        "issued_at",
        "contact_user_name",
        "pdf",
        "document_text",
    ]
    readonly_fields = fields
    issued_by_name = person("issued_by", _("issued by"))
    contact_user_name = person("contact_user", _("portal account of the business contact"))

    @admin.display(description=_("text as issued"))
    def document_text(self, obj):
        return obj.document.text

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, obj):
        return obj.is_answered

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return format_html('<a href="{}">{}</a>', pdf_url(obj), _("Download the PDF"))

