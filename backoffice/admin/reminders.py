"""Admin: reminder steps, urging notices and notifications on the case page; urging notices with their PDF;
the supervisors' overdue view (OverdueCaseAdmin)."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from core.admin import QuickActionCheckbox, WrittenByServices
from notifications.models import Notification
from reminders import selectors
from reminders.models import CaseReminder, OverdueCase, UrgingNotice

from .base import CaseLinkMixin, ReassignMixin, person
from .filters import BusinessAutocompleteFilter, MediatorFilter


def _notice_links(notice):
    return format_html(
        '<a href="{}">{}</a> (<a href="{}">PDF</a>)',
        reverse("admin:reminders_urgingnotice_change", args=[notice.pk]),
        notice.number,
        reverse("admin:cases_document_pdf", args=[notice.document_id]),
    )


class CaseReminderInline(WrittenByServices, admin.TabularInline):
    """The ladder steps the sweep took for the case, with the urging notices they issued."""

    model = CaseReminder
    fields = ["kind", "deadline", "scheduled_on", "taken_at", "taken_by_name", "case_state", "notice"]
    readonly_fields = fields
    verbose_name_plural = _("reminders and urging (催办)")
    taken_by_name = person("taken_by", _("taken by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("taken_by__staff_profile", "urging_notice")

    @admin.display(description=_("urging notice"))
    def notice(self, obj):
        notice = getattr(obj, "urging_notice", None)
        return _notice_links(notice) if notice else "—"


class CaseNotificationInline(WrittenByServices, GenericTabularInline):
    """Every notice sent about the case, on any channel, with its delivery status. Whoever may see the case sees
    them here; the outbox as a whole (notifications' own admin) stays with those allowed to view it."""

    model = Notification
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields
    ordering = ["-pk"]
    verbose_name_plural = _("notifications about this case")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient_user__staff_profile")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("cases.view_case")

    @admin.display(description=_("recipient"))
    def recipient(self, obj):
        return obj.to_address or display_name(obj.recipient_user) or "—"




@admin.register(UrgingNotice)
class UrgingNoticeAdmin(WrittenByServices, CaseLinkMixin, admin.ModelAdmin):
    """Urging notices as issued; nothing here changes one. The PDF is laid out from the frozen text."""

    list_display = [
        "number", "case_link", "business_name", "round", "deadline", "answer_by", "issued_on", "sent_to", "pdf",
    ]
    list_filter = ["round", "issued_on"]
    search_fields = ["=number", "=case__number", "business_name"]
    list_select_related = ["case", "document"]
    show_full_result_count = False
    date_hierarchy = "issued_on"
    fields = [
        "number", "case_link", "round", "business_name", "sent_to", "deadline", "answer_by", "issued_on",
        "issued_by_name",
        "pdf", "text",
    ]
    readonly_fields = fields
    issued_by_name = person("issued_by", _("issued by"))


    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_document_pdf", args=[obj.document_id]), _("Download")
        )

    @admin.display(description=_("text as issued"))
    def text(self, obj):
        return obj.document.text


# --- the supervisors' overdue view ---------------------------------------------------------------------


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due soon")),
            ("queue", _("In the supervisors' queue")),
            ("escalation", _("Escalation candidates")),
            ("mediation_limit", _("Mediation time limit reached")),
        ]

    def queryset(self, request, queryset):
        return selectors.filter_overdue(queryset, self.value(), today=timezone.localdate())


@admin.register(OverdueCase)
class OverdueCaseAdmin(QuickActionCheckbox, ReassignMixin, WrittenByServices, admin.ModelAdmin):
    """Open cases that are overdue or due within CASE_REMIND_BUSINESS_DAYS_BEFORE days, most overdue first,
    with their urging history, summaries by mediator and by business (with each business's timeliness), and
    bulk reassignment. A fixed number of queries whatever the caseload."""

    list_display = [
        "case_link", "days_overdue", "due_on", "state", "mediator_name", "business_link", "ladder", "urging_history",
    ]
    list_display_links = None
    list_filter = [
        DeadlineFilter,
        "state",
        MediatorFilter,  # the staff who mediate, and the business by autocomplete: never DISTINCT over the cases
        BusinessAutocompleteFilter,
    ]
    search_fields = ["=number", "business__name"]
    list_select_related = ["mediator__staff_profile", "business"]
    ordering = ["due_on", "id"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["reassign_cases"]
    change_list_template = "admin/reminders/overduecase/change_list.html"

    def get_queryset(self, request):
        notices = UrgingNotice.objects.only("pk", "number", "round", "issued_on", "case_id", "document_id").order_by("issued_on")
        steps = CaseReminder.objects.only("pk", "kind", "taken_at", "case_id").order_by("taken_at")
        return selectors.overdue_cases(today=timezone.localdate(), queryset=super().get_queryset(request)).prefetch_related(
            Prefetch("urging_notices", queryset=notices), Prefetch("reminders", queryset=steps)
        )

    @property
    def media(self):
        return super().media + BusinessAutocompleteFilter.media(self.admin_site)

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        extra_context = {
            **(extra_context or {}),
            "by_mediator": selectors.overdue_by_mediator(today=today),
            "by_business": selectors.overdue_by_business(today=today),
            "today": today,
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("case"), ordering="number")
    def case_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.pk]), obj)

    @admin.display(description=_("days overdue"), ordering="due_on")
    def days_overdue(self, obj):
        days = (timezone.localdate() - obj.due_on).days
        if days > 0:
            return format_html('<strong class="case-overdue">{}</strong>', days)
        return format_html('<span title="{}">{}</span>', _("due in %(days)s days") % {"days": -days}, days)

    mediator_name = person("mediator", _("mediator in charge"))

    @admin.display(description=_("business"), ordering="business__name")
    def business_link(self, obj):
        if obj.business is None:
            return "—"
        url = reverse("admin:reminders_overduecase_changelist") + f"?business__id__exact={obj.business_id}"
        return format_html('<a href="{}">{}</a>', url, obj.business.name)

    @admin.display(description=_("reminder stage"), ordering="reminder_stage")
    def ladder(self, obj):
        flags = []
        if obj.supervisor_queue_since:
            flags.append(_("supervisors' queue since %(day)s") % {"day": obj.supervisor_queue_since})
        if obj.escalation_candidate_since:
            flags.append(_("escalation candidate since %(day)s") % {"day": obj.escalation_candidate_since})
        if obj.mediation_limit_reached_on:
            flags.append(_("mediation limit reached %(day)s") % {"day": obj.mediation_limit_reached_on})
        return format_html(
            "{}{}",
            obj.get_reminder_stage_display() or "—",
            format_html_join("", "<br><em>{}</em>", ((f,) for f in flags)),
        )

    @admin.display(description=_("urging history"))
    def urging_history(self, obj):
        notices = obj.urging_notices.all()
        steps = obj.reminders.all()
        if not notices and not steps:
            return "—"
        return format_html(
            "{}{}",
            format_html_join(mark_safe("<br>"), "{} {}", ((n.issued_on, _notice_links(n)) for n in notices)),
            format_html(
                "<br><small>{}</small>",
                "；".join(f"{timezone.localtime(s.taken_at):%m-%d} {s.get_kind_display()}" for s in steps),
            )
            if steps
            else "",
        )
