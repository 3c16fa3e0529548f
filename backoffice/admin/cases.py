"""The mediators' admin: case list, case page with the actions this user may take, every record of the case,
the audit trail. Every write goes through a public service; the admin only gathers input and shows results.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.documents import pdf_response
from cases.ladder import FIELDS as LADDER_FIELDS
from cases.masking import mask_id_number
from cases.models import (
    Business,
    Case,
    CaseNote,
    CasePause,
    Consumer,
    Document,
    Evidence,
    Region,
    RejectionGround,
    TerminationGround,
)
from cases.search import (
    SEARCH_RANK_LIMIT,
    duplicate_exists,
    duplicates_of,
    possible_duplicates,
    search_cases,
    search_cases_ordered,
)
from cases.selectors import DUE_QUEUES, case_deadline, next_step
from cases.validators import validate_evidence_file
from core.admin import CappedCountPaginator, QuickActionCheckbox, WrittenByServices
from groups import selectors as group_selectors
from groups import services as group_services
from groups.models import GroupComplaint, GroupMember

from ..actions import ACTIONS_BY_NAME, available_actions, fact_checks, remember_facts
from ..audit import case_audit_actions
from ..forms import PeopleChoiceField, UserChoiceField, business_user_choices, mediator_choices
from ..widgets import EvidenceFileWidget
from . import deliveries, mediation, reminders, rules
from .badges import deadline_badge
from .base import ReadableHistoryAdmin, ReassignMixin, SafeAutocompleteMixin, person
from .filters import BusinessAutocompleteFilter, MediatorFilter, WorkFilter

admin.site.site_header = _("Consumer Association Complaint Handling")
admin.site.site_title = _("Complaint handling")
admin.site.index_title = _("Workbench")


def document_pdf_link(document):
    if document.pk is None:  # the inline's blank form
        return "—"
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:cases_document_pdf", args=[document.pk]), _("Download the PDF")
    )


class DocumentInline(WrittenByServices, admin.TabularInline):
    """Every document issued on the case, whatever its kind; written only by cases.documents."""

    model = Document
    fields = ["number", "kind", "title", "issued_on", "issued_by_name", "pdf_link"]
    readonly_fields = fields
    verbose_name_plural = _("issued documents")
    issued_by_name = person("issued_by", _("issued by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issued_by__staff_profile")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        return document_pdf_link(obj)


@admin.register(Document)
class DocumentAdmin(WrittenByServices, ReadableHistoryAdmin):
    """The documents issued on all cases; the PDF downloaded here is the one stored when the document was issued
    (a batch-issued urging notice has it stored on its first download)."""

    list_display = ["number", "kind", "title", "case", "issued_on", "issued_by_name", "pdf_link"]
    list_filter = ["kind", "issued_on"]
    list_select_related = ["case", "issued_by__staff_profile"]
    search_fields = ["=number", "=case__number"]
    show_full_result_count = False
    date_hierarchy = "issued_on"
    fields = ["number", "kind", "title", "case", "issued_on", "issued_at", "issued_by_name", "fields", "text",
              "footer", "pdf_link"]
    readonly_fields = fields
    issued_by_name = person("issued_by", _("issued by"))

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj):
        return document_pdf_link(obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    def has_module_permission(self, request):
        return request.user.has_perm("cases.view_case")

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="cases_document_pdf"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        """Staff who may see cases may read every document of them."""
        document = get_object_or_404(Document, pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        return pdf_response(document)


class EvidenceForm(forms.ModelForm):
    def clean_file(self):
        file = self.cleaned_data.get("file")
        if self.instance.pk and "file" in self.changed_data:
            raise ValidationError(_("A stored file is not replaced: upload the new file as new evidence."))
        return file


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceForm
    formfield_overrides = {models.FileField: {"widget": EvidenceFileWidget}}
    extra = 0
    fields = [
        "file",
        "description",
        "shared_with_business",
        "content_type",
        "size",
        "uploaded_by_name",
        "uploaded_at",
    ]
    readonly_fields = ["content_type", "size", "uploaded_by_name", "uploaded_at"]
    can_delete = False
    uploaded_by_name = person("uploaded_by", _("uploaded by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by__staff_profile")


class CaseNoteInline(admin.TabularInline):
    model = CaseNote
    extra = 1
    fields = ["body", "author_name", "created_at"]
    readonly_fields = ["author_name", "created_at"]
    can_delete = False
    author_name = person("author", _("author"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author__staff_profile")

    def has_change_permission(self, request, obj=None):
        return False  # notes are a record: add new ones, never rewrite old ones


class CasePauseInline(admin.TabularInline):
    model = CasePause
    extra = 0
    fields = ["kind", "reason", "started_on", "ended_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# What a complaint says, entered by staff and corrected with a reason.
COMPLAINT_FIELDS = [
    "business",
    "product",
    "purchased_on",
    "amount_paid",
    "nature",
    "category",
    "facts",
    "demand_type",
    "demand",
    "amount_claimed",
    "mediator",
]


AGENT_FIELDS = ["agent_name", "agent_id_number", "agent_phone", "agent_relationship", "agent_power_of_attorney"]


class CaseRegisterForm(forms.ModelForm):
    """Staff entry of a complaint: the consumer's details are entered with the case."""

    consumer_name = forms.CharField(label=_("consumer's name"), max_length=100)
    consumer_phone = forms.RegexField(
        label=_("consumer's phone"),
        regex=r"^[0-9+\- ]{7,20}$",
        error_messages={"invalid": _("Enter a valid phone number.")},
    )
    consumer_id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    # 暂行办法 art. 9(1): name, phone and address of the complainant.
    consumer_address = forms.CharField(label=_("consumer's address"), max_length=255)
    # Filed by an agent (委托代理人, 暂行办法 art. 10): the agent's ID and the signed power of attorney.
    agent_name = forms.CharField(label=_("agent's name"), max_length=100, required=False,
                                 help_text=_("Only when an agent files for the consumer."))
    agent_id_number = forms.CharField(label=_("agent's ID number"), max_length=30, required=False)
    agent_phone = forms.CharField(label=_("agent's phone"), max_length=30, required=False)
    agent_relationship = forms.CharField(label=_("relationship to the consumer"), max_length=100, required=False)
    agent_power_of_attorney = forms.FileField(
        label=_("power of attorney (授权委托书)"), required=False, validators=[validate_evidence_file],
        help_text=_("The signed original, scanned or photographed (PDF or image)."),
    )
    join_group = forms.ModelChoiceField(
        label=_("Join an existing group complaint"),
        queryset=GroupComplaint.objects.none(),
        required=False,
        help_text=_("An open group complaint against the same business (共同投诉); the consumer's consent is asked."),
    )

    class Meta:
        model = Case
        fields = ["channel", "received_at", *COMPLAINT_FIELDS, "report_text"]

    def clean(self):
        cleaned = super().clean()
        named = [f for f in AGENT_FIELDS if cleaned.get(f)]
        if named:
            for name, message in (
                ("agent_name", _("Enter the agent's name.")),
                ("agent_id_number", _("Enter the agent's ID number.")),
                ("agent_power_of_attorney", _("Upload the signed power of attorney (授权委托书).")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
        group = cleaned.get("join_group")
        if group is not None and cleaned.get("business") != group.business:
            self.add_error("join_group", _("The group complaint is against %(business)s.") % {"business": group.business})
        return cleaned

    def agent_data(self):
        data = self.cleaned_data
        if not any(data.get(f) for f in AGENT_FIELDS):
            return None
        return {
            "name": data["agent_name"], "id_number": data["agent_id_number"], "phone": data["agent_phone"],
            "relationship": data["agent_relationship"], "power_of_attorney": data["agent_power_of_attorney"],
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["join_group"].queryset = GroupComplaint.objects.filter(
            status=GroupComplaint.Status.OPEN
        ).select_related("business")

    def consumer_data(self):
        data = self.cleaned_data
        return {
            "name": data["consumer_name"],
            "phone": data["consumer_phone"],
            "id_number": data["consumer_id_number"],
            "address": data["consumer_address"],
        }


class CaseChangeForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Recorded in the case history."),
    )

    class Meta:
        model = Case
        fields = ["channel", *COMPLAINT_FIELDS, "report_text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        business = self.fields.get("business")
        if business is not None and self.instance.business_id is not None:
            # the case's business is already read with the case: the widget need not read it again
            widget = getattr(business.widget, "widget", business.widget)  # inside the admin's related wrapper
            widget.known = {str(self.instance.business_id): self.instance.business}

    def clean(self):
        cleaned = super().clean()
        if (
            self.has_changed()
            and set(self.changed_data) - {"change_reason"}
            and not cleaned.get("change_reason")
        ):
            self.add_error("change_reason", _("Say why you change the case."))
        return cleaned


# The record of the handling and the outcome: written by the actions, shown read-only.
HANDLING_FIELDS = [
    "transferred_at",
    "reply_summary",
    "replied_at",
    "agreement_terms",
    "money_recovered",
    "performance_due_on",
    "performance_manner",
    "performed_on",
    "performance_confirmed_by",
    "money_paid",
    "termination_ground",
    "advised_channel",
    "termination_explanation",
    "withdrawal_reason",
    "outcome_on",
    "closing_note",
    "closed_at",
]


# A search lists its best matches a page of 20 at a time (like a search engine); the lists, 50 (list_per_page).
SEARCH_PER_PAGE = 20


class CaseChangeList(ChangeList):
    def __init__(self, request, model, list_display, list_display_links, list_filter, date_hierarchy,
                 search_fields, list_select_related, list_per_page, *args, **kwargs):
        if request.GET.get(SEARCH_VAR, "").strip():
            list_per_page = SEARCH_PER_PAGE
        super().__init__(request, model, list_display, list_display_links, list_filter, date_hierarchy,
                         search_fields, list_select_related, list_per_page, *args, **kwargs)
        # Each row's link carries the list's filters back from the case page, as Django's would; appended here
        # once for all rows, because Django resolves every row's URL again to add them (50 resolves a page).
        self.row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self.row_filters}" if self.row_filters else url


@admin.register(Case)
class CaseAdmin(QuickActionCheckbox, SafeAutocompleteMixin, ReassignMixin, ReadableHistoryAdmin):
    # Fits 1,280 px beside the filters: the deadline is in the state's badge (cases.selectors.case_deadline).
    list_display = [
        "display_number",
        "state_badge",
        "consumer_display",
        "business",
        "product",
        "mediator_display",
        "received_on",
    ]
    # No filter lists the distinct values of the table, no date hierarchy (its DISTINCT over every case); each
    # filter and the default order have their index (cases.models.Case.Meta.indexes).
    list_filter = [
        WorkFilter,
        "state",
        MediatorFilter,
        BusinessAutocompleteFilter,
        "nature",
        "category",
        "channel",
        mediation.MediationLimitFilter,
    ]
    search_fields = ["number"]  # the search itself is cases.search (get_search_results)
    search_help_text = _(
        "Case number, WS tracking number, consumer's name, any 4 or more digits of the phone, ID number, "
        "business, goods, or words of the facts."
    )
    list_select_related = ["consumer", "business", "mediator__staff_profile"]
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    autocomplete_fields = ["business"]  # the mediator: a select of the staff (forms.mediator_choices says why)
    inlines = [
        EvidenceInline,
        CaseNoteInline,
        CasePauseInline,
        mediation.TransferSheetInline,
        mediation.BusinessReplyInline,
        mediation.SheetMessageInline,
        mediation.AppraisalRequestInline,
        rules.MediationExtensionInline,
        mediation.RemedyLineInline,
        DocumentInline,
        deliveries.DeliveryInline,
        mediation.EscalationInline,
        mediation.FollowUpInline,
        reminders.CaseReminderInline,
        reminders.CaseNotificationInline,
    ]
    change_form_template = "admin/cases/case/change_form.html"
    actions = ["claim_cases", "reassign_cases"]
    readonly_fields = [
        "state",
        "number",
        "consumer_summary",
        "received_at",
        "source_reference",
        "acceptance_due_on",
        "filed_on",
        "due_on",
        "answer_due_on",
        "deadlines_provisional",
        "pause_kind",
        "paused_on",
        "mediation_due_on",
        "deadline_rules",
        "law_for_mediator",
        "agent_summary",
        "report_summary",
        *LADDER_FIELDS,
        "decided_on",
        "rejection_grounds_display",
        "rejection_explanation",
        *HANDLING_FIELDS,
        "audit_trail",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = CaseChangeForm if obj is not None else CaseRegisterForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    _("Consumer"),
                    {"fields": ["consumer_name", "consumer_phone", "consumer_id_number", "consumer_address"]},
                ),
                (_("Agent (委托代理人)"), {"classes": ["collapse"], "fields": AGENT_FIELDS}),
                (_("Complaint"), {"fields": CaseRegisterForm.Meta.fields}),
                (_("Group complaint"), {"fields": ["join_group"]}),
            ]
        return [
            (
                _("Status"),
                {
                    "fields": [
                        "state",
                        "number",
                        "received_at",
                        "source_reference",
                        "acceptance_due_on",
                        "filed_on",
                        "due_on",
                        "answer_due_on",
                        "mediation_due_on",
                        "deadlines_provisional",
                        "pause_kind",
                        "paused_on",
                        "deadline_rules",
                    ]
                },
            ),
            (
                _("Reminders and urging"),
                {
                    "fields": [
                        "next_reminder_on",
                        "answer_reminder_stage",
                        "answer_reminder_stage_on",
                        "reminder_stage",
                        "reminder_stage_on",
                        "supervisor_queue_since",
                        "escalation_candidate_since",
                        "mediation_limit_reached_on",
                    ]
                },
            ),
            (_("Consumer"), {"fields": ["consumer_summary", "agent_summary", "report_summary"]}),
            (_("What the law gives"), {"fields": ["law_for_mediator"]}),
            (_("Complaint"), {"fields": self._complaint_fields(request, obj)}),
            (
                _("Screening"),
                {
                    "classes": ["collapse"],
                    "fields": [
                        "decided_on",
                        "rejection_grounds_display",
                        "rejection_explanation",
                                    ],
                },
            ),
            (
                _("Handling and outcome"),
                {"fields": HANDLING_FIELDS},
            ),
            (_("History"), {"classes": ["collapse"], "fields": ["audit_trail"]}),
        ]

    def _mediator_fixed(self, request, obj):
        return not obj.is_open or (not request.user.has_perm("cases.reassign_case") and obj.mediator_id)

    def _complaint_fields(self, request, obj):
        """A finished case is read only: no reason to give; a mediator this user may not change is named."""
        fields = [
            "mediator_display" if name == "mediator" and self._mediator_fixed(request, obj) else name
            for name in CaseChangeForm.Meta.fields
        ]
        return fields + (["change_reason"] if obj.is_open else [])

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = list(self.readonly_fields)
        if not obj.is_open:
            fields += [name for name in CaseChangeForm.Meta.fields if name != "mediator"]
        if self._mediator_fixed(request, obj):
            fields.append("mediator_display")
        return fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # Inlines that only show records are left out while the case has none: one EXISTS query for them all
    # instead of one query each (the case page's query budget, backoffice/tests/test_case_page_queries.py).
    ALWAYS_SHOWN = (EvidenceInline, CaseNoteInline)

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is None:
            return instances
        if request.method == "POST":  # the formsets the page was rendered with
            return [i for i in instances if self._posted(request, i, obj)]
        present = self._records_present(obj, instances, request.user)
        request.case_records_present = present  # the inlines' querysets read it (EscalationInline)
        return [i for i in instances if isinstance(i, self.ALWAYS_SHOWN) or present.get(self._key(i), True)]

    @staticmethod
    def _key(inline):
        return f"has_{inline.model._meta.model_name}"

    # Besides the inlines, the same query says whether the case is in a group and has rejection grounds, so the
    # page asks for those only when there are some (records_present on the case).
    EXTRA_PRESENT = {
        "has_groupmember": lambda: Exists(GroupMember.objects.filter(case=OuterRef("pk"), left_on__isnull=True)),
        "has_caserejectionground": lambda: Exists(
            Case.rejection_grounds.through.objects.filter(case=OuterRef("pk"))
        ),
        **mediation.ESCALATION_RECORDS_PRESENT,
    }

    def _records_present(self, obj, instances, user):
        checks = {key: make() for key, make in self.EXTRA_PRESENT.items()} | fact_checks(user)
        if obj.is_open:  # the duplicate warning: its list is read only when there is one
            checks["has_duplicates"] = Exists(duplicates_of(obj))
        for inline in instances:
            if isinstance(inline, self.ALWAYS_SHOWN):
                continue
            fk = getattr(inline, "fk_name", None) or next(
                (f.name for f in inline.model._meta.get_fields()
                 if getattr(f, "related_model", None) is Case and (f.many_to_one or f.one_to_one)
                 and f.concrete), None
            )
            if fk:
                checks[self._key(inline)] = Exists(inline.model._default_manager.filter(**{fk: OuterRef("pk")}))
        obj.records_present = Case.objects.filter(pk=obj.pk).values(**checks).first() or {}
        remember_facts(obj, user, obj.records_present)  # the actions offered read them (backoffice.actions)
        return obj.records_present

    @staticmethod
    def _posted(request, inline, obj):
        formset = inline.get_formset(request, obj)
        prefix = formset.get_default_prefix()
        return any(key.startswith(f"{prefix}-") and key.endswith("TOTAL_FORMS") for key in request.POST)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mediator":
            kwargs["queryset"] = mediator_choices()
            kwargs["form_class"] = UserChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # cases are records: they are closed, never deleted

    def has_claim_permission(self, request):
        return request.user.has_perm("cases.mediate_case")

    @admin.action(description=_("Claim (become the mediator in charge)"), permissions=["claim"])
    def claim_cases(self, request, queryset):
        claimed, refused = 0, []
        for case_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                services.case_claim(case_id=case_id, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                refused.extend(getattr(exc, "messages", [str(exc)]))
            else:
                claimed += 1
        if claimed:
            messages.success(request, _("%(count)s cases claimed.") % {"count": claimed})
        for message in refused:
            messages.warning(request, message)

    # --- display ------------------------------------------------------------------------------

    @admin.display(description=_("case"), ordering="number")
    def display_number(self, obj):
        return obj.number or _("#%(pk)s (not filed)") % {"pk": obj.pk}

    @admin.display(description=_("state and deadline"), ordering="state")
    def state_badge(self, obj):
        return deadline_badge(obj, case_deadline(obj, self._today), next_step(obj, self._today))

    mediator_display = person("mediator", _("mediator in charge"))

    @admin.display(description=_("rules of the due dates"))
    def deadline_rules(self, obj):
        return rules.deadline_rules_html(obj)

    @admin.display(description=_("agent (委托代理人)"))
    def agent_summary(self, obj):
        agent = getattr(obj, "agent", None)
        if agent is None:
            return "—"
        return format_html(
            "{} ({})<br>{}: {}<br>{}: {}<br>{}: {}",
            agent.name, agent.relationship or "—", _("ID number"), agent.masked_id_number, _("phone"),
            agent.phone or "—", _("power of attorney (授权委托书)"),
            format_html('<a href="{}">{}</a>', agent.power_of_attorney.url, _("download"))
            if agent.power_of_attorney else "—",
        )

    @admin.display(description=_("report (举报)"))
    def report_summary(self, obj):
        if not obj.report_text:
            return "—"
        referred = (
            _("referred to %(to)s on %(day)s") % {"to": obj.report_referred_to, "day": obj.report_referred_on}
            if obj.report_referred_on else _("not referred yet")
        )
        return format_html("{}<br><em>{}</em>", obj.report_text, referred)

    @admin.display(description=_("for the mediator"))
    def law_for_mediator(self, obj):
        return rules.law_for_mediator_html(obj)

    @admin.display(description=_("consumer"))
    def consumer_display(self, obj):
        text = f"{obj.consumer.name} {obj.consumer.masked_phone}"
        if getattr(obj, "duplicate_of", None):
            return format_html(
                '{} <a class="case-badge case-due-warning case-duplicate" href="{}">{}</a>', text,
                reverse("admin:cases_case_change", args=[obj.duplicate_of]), _("another case"),
            )
        return text

    @admin.display(description=_("received on"), ordering="received_at")
    def received_on(self, obj):
        return timezone.localtime(obj.received_at).date()

    @property
    def _today(self):
        return timezone.localdate()

    @admin.display(description=_("consumer"))
    def consumer_summary(self, obj):
        c = obj.consumer
        return format_html(
            "{}<br>{}: {}<br>{}: {}<br>{}: {}",
            c.name,
            _("phone"),
            c.phone,
            _("ID number"),
            c.masked_id_number or "—",
            _("address"),
            c.address or "—",
        )

    @admin.display(description=_("rejection grounds"))
    def rejection_grounds_display(self, obj):
        if not getattr(obj, "records_present", {}).get("has_caserejectionground", True):
            return "—"
        return "；".join(str(g) for g in obj.rejection_grounds.all()) or "—"

    @admin.display(description=_("audit trail"))
    def audit_trail(self, obj):
        """Read when the section is opened (backoffice/static/backoffice/audit_trail.js, audit_trail_view): the
        trail reads every history table of the case, which the case page itself need not wait for."""
        return format_html(
            '<div class="audit-trail-holder" data-audit-trail-url="{}" data-audit-trail-error="{}">'
            '<p class="audit-trail-status">{} <a href="{}">{}</a></p></div>',
            reverse("admin:cases_case_trail", args=[obj.pk]),
            _("The audit trail could not be loaded; the history page shows it."),
            _("Loading the audit trail…"),
            reverse("admin:cases_case_history", args=[obj.pk]),
            _("Open the history page"),
        )

    def audit_trail_view(self, request, object_id):
        if not str(object_id).isdigit():
            raise Http404
        case = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/cases/case/audit_trail.html", {"actions": case_audit_actions(case)}
        )

    # --- writes through services ------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            case = services.case_register(
                actor=request.user,
                consumer=form.consumer_data(),
                agent=form.agent_data(),
                business=form.cleaned_data["business"],
                reason=services.record_text(_("Registered by staff")),
                **{
                    k: v
                    for k, v in form.cleaned_data.items()
                    if k in CaseRegisterForm.Meta.fields and k != "business"
                },
            )
            if form.cleaned_data.get("join_group"):
                group_services.group_member_add(
                    group_id=form.cleaned_data["join_group"].pk, case_id=case.pk, actor=request.user,
                    via=GroupMember.Via.INTAKE,
                )
            obj.pk = case.pk
            obj._state.adding = False
            return
        services.case_update(
            case=obj,
            actor=request.user,
            reason=form.cleaned_data.get("change_reason", ""),
            changed=[f for f in form.changed_data if f != "change_reason"],
        )

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            if isinstance(item, Evidence):
                services.evidence_save(item=item, actor=request.user)
            elif isinstance(item, CaseNote) and item.pk is None:
                services.case_add_note(case_id=item.case_id, actor=request.user, body=item.body)
        formset.save_m2m()

    # --- actions -------------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/act/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name=f"{info[0]}_{info[1]}_act",
            ),
            path(
                "<path:object_id>/trail/",
                self.admin_site.admin_view(self.audit_trail_view),
                name=f"{info[0]}_{info[1]}_trail",
            ),
        ] + super().get_urls()

    def response_add(self, request, obj, post_url_continue=None):
        """At intake: say at once when the same consumer already has a case against this business."""
        self._warn_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _warn_duplicates(self, request, case):
        others = list(possible_duplicates(case))
        if others:
            links = format_html_join(
                "；", '<a href="{}">{}</a>',
                ((reverse("admin:cases_case_change", args=[o.pk]), o) for o in others),
            )
            messages.warning(
                request,
                format_html(
                    "{} {}", _("The same consumer (phone or ID number) has another open or recent case against "
                               "this business:"), links,
                ),
            )

    def get_queryset(self, request):
        # The case page and the list read the consumer, the business and the mediator: one query for all four.
        queryset = super().get_queryset(request).select_related("consumer", "business", "mediator__staff_profile")
        if request.resolver_match and request.resolver_match.url_name == "cases_case_change":
            # the case page also reads its agent, rules and transfer sheet (one-to-ones): in the same query
            queryset = queryset.select_related("agent", "rule_set", "transfer_sheet")
        if request.resolver_match and request.resolver_match.url_name == "cases_case_changelist":
            if request.GET.get("work") == "screening" or request.GET.get("state__exact") == "submitted":
                queryset = queryset.annotate(duplicate_of=duplicate_exists())  # the screening queue only
        return queryset

    # --- search ----------------------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """cases.search: each kind of term answered by its index; the best matches first unless a column was
        chosen to sort by; never duplicates."""
        if not search_term.strip():
            return queryset, False
        if ORDER_VAR in request.GET:
            return search_cases(queryset, search_term, user=request.user), False
        def counted(count):
            request.case_search_count = count  # the paginator's count (get_paginator), capped as it caps it

        return search_cases_ordered(queryset, search_term, user=request.user, counted=counted), False

    def get_ordering(self, request):
        """The queues by due date list the most urgent first (on the open-case due-date index)."""
        if request.GET.get("work") in DUE_QUEUES:
            return ["due_on", "pk"]
        return super().get_ordering(request)

    def get_changelist(self, request, **kwargs):
        return CaseChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        if request.GET.get("q", "").strip():
            paginator.CAP = SEARCH_RANK_LIMIT  # a search is for finding, not for counting
            if hasattr(request, "case_search_count"):  # counted already by the search, on its indexes
                paginator.count = request.case_search_count
        return paginator


    @property
    def media(self):
        return (
            super().media
            + BusinessAutocompleteFilter.media(self.admin_site)
            + forms.Media(js=["backoffice/audit_trail.js"])
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            today = timezone.localdate()
            context["case_actions"] = available_actions(obj, request.user)
            context["case_deadline"] = case_deadline(obj, today)
            context["case_next_step"] = next_step(obj, today) if obj.is_open else ""
            duplicates = obj.is_open and getattr(obj, "records_present", {}).get("has_duplicates", True)
            context["case_duplicates"] = list(possible_duplicates(obj)) if duplicates else []
            in_group = getattr(obj, "records_present", {}).get("has_groupmember", True)
            context["group_membership"] = group_selectors.member_of(obj) if in_group else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def action_view(self, request, object_id, action):
        if not str(object_id).isdigit():
            raise Http404
        case = get_object_or_404(Case.objects.select_related("consumer", "business"), pk=object_id)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        spec = ACTIONS_BY_NAME.get(action)
        change_url = reverse("admin:cases_case_change", args=[case.pk])
        if spec is None or not spec.available_to(case, request.user):
            messages.error(request, _("This action is not available for this case (now)."))
            return redirect(change_url)
        if request.method == "POST":
            form = spec.get_form(case, request.user, request.POST, request.FILES)
        else:
            form = spec.get_form(case, request.user)
        if request.method == "POST" and form.is_valid():
            try:
                spec.service(case_id=case.pk, actor=request.user, **form.service_kwargs())
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("You are not allowed to do this on this case."))
                return redirect(change_url)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "original": case,
            "action": spec,
            "form": form,
            "title": f"{spec.label} — {case}",
            "missing": case.missing_material() if action == "accept" else [],
            "evidence": case.evidence.select_related("uploaded_by__staff_profile").order_by("uploaded_at"),
        }
        return TemplateResponse(request, "admin/cases/case/action_form.html", context)


class ConsumerMaskedIdForm(forms.ModelForm):
    """The consumer's page for staff who may not read ID numbers: the number recorded is shown masked, a new one
    can be typed in its place (leaving the box empty keeps it)."""

    class Meta:
        model = Consumer
        fields = ["name", "phone", "id_number", "address", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["id_number"]
        recorded = self.instance.masked_id_number if self.instance.pk else ""
        self.initial["id_number"] = ""
        field.widget.attrs["autocomplete"] = "off"
        if recorded:
            field.help_text = _("Recorded: %(masked)s. Type a new number to replace it; leave empty to keep it.") % {
                "masked": recorded
            }

    def clean_id_number(self):
        typed = self.cleaned_data.get("id_number", "").strip()
        return typed or (self.instance.id_number if self.instance.pk else "")


@admin.register(Consumer)
class ConsumerAdmin(ReadableHistoryAdmin):
    """ID numbers are shown in full only to staff whose role needs them (cases.view_consumer_id_number:
    supervisors); everyone else sees them masked, here and in the consumer's history."""

    list_display = ["name", "masked_phone_display", "created_at"]
    search_fields = ["name", "^phone"]

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj):
        return obj.masked_phone

    @staticmethod
    def reads_id_numbers(request) -> bool:
        return request.user.has_perm("cases.view_consumer_id_number")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.reads_id_numbers(request):
            kwargs["form"] = ConsumerMaskedIdForm
        return super().get_form(request, obj, change=change, **kwargs)

    def history_actions(self, request, obj):
        actions = super().history_actions(request, obj)
        if not self.reads_id_numbers(request):
            label = str(Consumer._meta.get_field("id_number").verbose_name)
            for action in actions:
                for entry in action.entries:
                    for change in entry.changes:
                        if change.field == label:
                            change.old = mask_id_number(str(change.old)) if change.old is not None else None
                            change.new = mask_id_number(str(change.new or ""))
        return actions

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self.reads_id_numbers(request):
            raise PermissionDenied  # a past version's form would show the number in full
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        if self.reads_id_numbers(request):
            return
        label = str(Consumer._meta.get_field("id_number").verbose_name)
        for record in historical_records:
            for change in getattr(record, "history_delta_changes", None) or []:
                if str(change.get("field")) == label:
                    change["old"] = mask_id_number(str(change.get("old") or ""))
                    change["new"] = mask_id_number(str(change.get("new") or ""))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Business)
class BusinessAdmin(ReadableHistoryAdmin):
    list_display = ["name", "credit_code", "region", "contact_person", "phone", "email"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "credit_code"]
    filter_horizontal = ["members"]

    inlines = [mediation.BusinessEscalationInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":  # the picker offers business users only, by name
            kwargs["queryset"] = business_user_choices()
            kwargs["form_class"] = PeopleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        """Who may answer a business's sheets in the portal is a supervisor's choice only (a mediator adding
        themselves would read any business's cases); the change is recorded in the business's history."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("cases.manage_business_members"):
            readonly.append("members")
        return readonly

    def save_related(self, request, form, formsets, change):
        if "members" in form.changed_data:
            if not request.user.has_perm("cases.manage_business_members"):
                raise PermissionDenied
            form.instance._change_reason = str(_("Portal users changed"))
        super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadableHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False  # businesses keep their region (PROTECT)


class GroundAdmin(ReadableHistoryAdmin):
    list_display = ["code", "label_zh", "label_en", "source", "advised_channel", "is_active", "sort_order"]
    list_filter = ["source", "is_active", "advised_channel"]
    list_editable = ["is_active"]
    search_fields = ["code", "label_zh", "label_en"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: used grounds stay readable on old cases


admin.site.register(RejectionGround, GroundAdmin)
admin.site.register(TerminationGround, GroundAdmin)
