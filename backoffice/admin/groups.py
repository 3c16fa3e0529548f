"""Group complaints (共同投诉) in the staff admin: the list, the group's page with its members and the actions on it
(each calls one groups.services function), the evidence bundle, and the supervisors' hot spots and clusters view."""

import inspect
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from cases.models import Case
from core.admin import ReadOnlyHistoryAdmin, WrittenByServices
from groups import bundle, selectors, services
from groups.models import GroupComplaint, GroupMember, HotspotAlert, LawsuitSupport, MemberConsent

from .. import group_forms as forms


@dataclass(frozen=True)
class GroupAction:
    name: str
    label: str
    form: type
    service: object
    style: str = ""
    open_only: bool = True
    when: object = None  # a further condition on the group, e.g. the lead case's state

    def offered(self, group) -> bool:
        return (group.is_open or not self.open_only) and (self.when is None or self.when(group))


def _lead_in(*states):
    return lambda group: group.lead_case_id is not None and group.lead_case.state in states


ACTIONS = [
    GroupAction("merge", _("Merge a case into the group"), forms.MergeForm, services.group_member_add),
    GroupAction("admit", _("Accept a member's complaint"), forms.MemberForm, services.group_member_admit,
                when=lambda g: g.members.filter(left_on__isnull=True, case__state="submitted").exists()),
    GroupAction("split", _("Split a member out"), forms.SplitForm, services.group_member_remove, "danger"),
    GroupAction("lead", _("Change the lead case"), forms.MemberForm, services.group_lead_change),
    GroupAction("representatives", _("Representatives"), forms.RepresentativesForm,
                services.group_representatives_set),
    GroupAction("consent", _("Record a written consent"), forms.ConsentForm, services.member_consent_record),
    GroupAction("transfer", _("Transfer to the business (one sheet)"), forms.ConfirmForm, services.group_transfer,
                when=_lead_in("accepted")),
    GroupAction("demand_change", _("Change the demand"), forms.DemandChangeForm, services.group_demand_change),
    GroupAction("demand_withdraw", _("Withdraw the demand"), forms.DemandWithdrawForm,
                services.group_demand_withdraw, "danger"),
    GroupAction("offer", _("Put a settlement to a member"), forms.OfferForm, services.member_offer_propose),
    GroupAction("outcome", _("Record a member's answer to the settlement"), forms.OutcomeForm,
                services.member_outcome_record),
    GroupAction("settle", _("Carry out the settlement"), forms.ConfirmForm, services.group_settle),
    GroupAction("lawsuit", _("Support a lawsuit / refer"), forms.LawsuitForm, services.lawsuit_support_record,
                open_only=False),
]
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


def _call(service, *, group, actor, kwargs):
    params = inspect.signature(service).parameters
    if "group_id" in params:
        kwargs = {"group_id": group.pk, **kwargs}
    return service(actor=actor, **kwargs)


def _messages(exc):
    return getattr(exc, "messages", None) or [str(exc)]


class GroupMemberInline(WrittenByServices, admin.TabularInline):
    model = GroupMember
    fields = ["case_link", "consumer", "state", "amount_paid", "via", "joined_on", "left_on", "is_representative",
              "consents", "outcome_display"]
    readonly_fields = fields
    verbose_name_plural = _("members")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("case__consumer", "outcome_by_representative__case__consumer")
            .prefetch_related("consents").order_by("left_on", "joined_on", "pk")
        )

    @admin.display(description=_("case"))
    def case_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]),
                           obj.case.number or f"WS{obj.case_id}")

    @admin.display(description=_("consumer"))
    def consumer(self, obj):
        return f"{obj.case.consumer.name} {obj.case.consumer.phone}"

    @admin.display(description=_("state"))
    def state(self, obj):
        pause = f" · {obj.case.get_pause_kind_display()}" if obj.case.pause_kind else ""
        return f"{obj.case.get_state_display()}{pause}"

    @admin.display(description=_("amount paid (yuan)"))
    def amount_paid(self, obj):
        return obj.case.amount_paid

    @admin.display(description=_("consents"))
    def consents(self, obj):
        latest = {}
        for consent in sorted(obj.consents.all(), key=lambda c: (c.recorded_at, c.pk)):
            latest[consent.act] = consent
        if not latest:
            return "—"
        return format_html_join(
            mark_safe("<br>"), '<span title="{}">{} {}</span>',
            ((f"{c.get_via_display()} · {timezone.localtime(c.recorded_at):%Y-%m-%d}", "✓" if c.given else "✗",
              c.get_act_display()) for c in latest.values()),
        )

    @admin.display(description=_("outcome"))
    def outcome_display(self, obj):
        if not obj.outcome:
            if obj.offer_remedy:
                offered = _("offered")
                return f"{offered}：{obj.get_offer_remedy_display()} {obj.offer_amount if obj.offer_amount is not None else ''}"
            return "—"
        text = obj.get_outcome_display()
        if obj.outcome == GroupMember.Outcome.ACCEPTED:
            text += f"：{obj.get_outcome_remedy_display()} {obj.outcome_amount if obj.outcome_amount is not None else ''}"
        if obj.outcome_by_representative_id:
            by = _("by representative")
            text += f"（{by} {obj.outcome_by_representative.case.consumer.name}）"
        return text


class LawsuitSupportInline(WrittenByServices, admin.TabularInline):
    model = LawsuitSupport
    fields = ["kind", "addressee", "decided_on", "reasons", "recorded_by_name"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by__staff_profile")

    @admin.display(description=_("recorded by"))
    def recorded_by_name(self, obj):
        return display_name(obj.recorded_by)


@admin.register(GroupComplaint)
class GroupComplaintAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "title", "business", "status", "member_count", "total_paid", "lead_case", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["number", "title", "business__name"]
    list_select_related = ["business", "lead_case"]
    autocomplete_fields = ["business"]
    inlines = [GroupMemberInline, LawsuitSupportInline]
    change_form_template = "admin/groups/groupcomplaint/change_form.html"
    change_list_template = "admin/groups/groupcomplaint/change_list.html"
    fields = ["number", "title", "business", "category", "nature", "dispute", "status", "lead_case", "settled_on",
              "created_by_name", "created_at"]
    add_fields = ["business", "title", "category", "nature", "dispute"]

    def get_queryset(self, request):
        active = Q(members__left_on__isnull=True)
        return super().get_queryset(request).annotate(
            n_members=Count("members", filter=active), paid=Sum("members__case__amount_paid", filter=active)
        )

    @admin.display(description=_("created by"))
    def created_by_name(self, obj):
        return display_name(obj.created_by)

    @admin.display(description=_("members"), ordering="n_members")
    def member_count(self, obj):
        return obj.n_members

    @admin.display(description=_("amount paid (yuan)"), ordering="paid")
    def total_paid(self, obj):
        return obj.paid

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return False  # written by the services: the actions on the page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        group = services.group_create(
            actor=request.user, business=obj.business, title=obj.title, dispute=obj.dispute,
            category=obj.category, nature=obj.nature,
        )
        obj.pk = group.pk
        obj._state.adding = False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.user.has_perm("cases.mediate_case"):
            context["group_actions"] = [a for a in ACTIONS if a.offered(obj)]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("hotspots/", view(self.hotspots_view), name="groups_hotspots"),
            path("hotspots/propose/", view(self.propose_view), name="groups_propose"),
            path("<int:pk>/act/<str:action>/", view(self.action_view), name="groups_groupcomplaint_act"),
            path("<int:pk>/bundle.<str:fmt>", view(self.bundle_view), name="groups_groupcomplaint_bundle"),
            path("case/<int:case_id>/bundle.<str:fmt>", view(self.case_bundle_view), name="groups_case_bundle"),
            path("case/<int:case_id>/lawsuit/", view(self.case_lawsuit_view), name="groups_case_lawsuit"),
        ] + super().get_urls()

    # --- actions ----------------------------------------------------------------------------------------

    def action_view(self, request, pk, action):
        group = get_object_or_404(GroupComplaint.objects.select_related("business"), pk=pk)
        spec = ACTIONS_BY_NAME.get(action)
        back = reverse("admin:groups_groupcomplaint_change", args=[group.pk])
        if not request.user.has_perm("cases.mediate_case"):
            raise PermissionDenied
        if spec is None or not spec.offered(group):
            messages.error(request, _("This action is not available for this group complaint (now)."))
            return redirect(back)
        form = spec.form(request.POST or None, request.FILES or None, group=group)
        if request.method == "POST" and form.is_valid():
            try:
                result = _call(spec.service, group=group, actor=request.user, kwargs=form.service_kwargs())
            except (ValidationError, PermissionDenied) as exc:
                for message in _messages(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
                if isinstance(result, tuple) and len(result) == 2 and result[1]:
                    messages.warning(request, _("Not bound (no consent on record): %(names)s.") % {
                        "names": "、".join(m.case.consumer.name for m in result[1])})
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": group, "form": form, "action": spec,
            "title": f"{spec.label} — {group}", "back": back,
        }
        return TemplateResponse(request, "admin/groups/groupcomplaint/action_form.html", context)

    def case_lawsuit_view(self, request, case_id):
        case = get_object_or_404(Case, pk=case_id)
        back = reverse("admin:cases_case_change", args=[case.pk])
        if not request.user.has_perm("cases.mediate_case"):
            raise PermissionDenied
        form = forms.LawsuitForm(request.POST or None, group=None)
        if request.method == "POST" and form.is_valid():
            try:
                services.lawsuit_support_record(actor=request.user, case_id=case.pk, **form.service_kwargs())
            except (ValidationError, PermissionDenied) as exc:
                for message in _messages(exc):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS_BY_NAME["lawsuit"].label})
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "original": case, "form": form, "action": ACTIONS_BY_NAME["lawsuit"],
            "title": f"{ACTIONS_BY_NAME['lawsuit'].label} — {case}", "back": back,
        }
        return TemplateResponse(request, "admin/groups/groupcomplaint/action_form.html", context)

    # --- the evidence bundle ---------------------------------------------------------------------------

    def bundle_view(self, request, pk, fmt):
        group = get_object_or_404(GroupComplaint, pk=pk)
        if not self.has_view_permission(request, group) or not request.user.has_perm("cases.view_case"):
            raise PermissionDenied
        return _bundle_response(fmt, group.number, group=group)

    def case_bundle_view(self, request, case_id, fmt):
        case = get_object_or_404(Case, pk=case_id)
        if not request.user.has_perm("cases.view_case"):
            raise PermissionDenied
        return _bundle_response(fmt, case.number or f"WS{case.pk}", case=case)

    # --- hot spots and clusters (supervisors) ------------------------------------------------------------

    def _check_hotspots(self, request):
        if not request.user.has_perm("groups.view_hotspots"):
            raise PermissionDenied

    def hotspots_view(self, request):
        self._check_hotspots(request)
        try:
            days = max(1, min(365, int(request.GET.get("days", 30))))
        except ValueError:
            days = 30
        end = timezone.localdate()
        clusters = selectors.similar_clusters(since=end - timedelta(days=90))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Complaint hot spots and clusters"),
            "days": days, "end": end, "start": end - timedelta(days=days - 1),
            "hotspots": selectors.hotspots(end=end, days=days),
            "clusters": clusters,
            "threshold": settings.GROUP_SIMILARITY_THRESHOLD,
            "alert_threshold": settings.GROUP_HOTSPOT_THRESHOLD, "alert_days": settings.GROUP_HOTSPOT_DAYS,
            "alerts": HotspotAlert.objects.select_related("business")[:20],
            "can_propose": request.user.has_perm("cases.mediate_case"),
        }
        return TemplateResponse(request, "admin/groups/hotspots.html", context)

    def propose_view(self, request):
        """"Propose a group": a group complaint opened from a cluster's complaints (the ones ticked)."""
        self._check_hotspots(request)
        if not request.user.has_perm("cases.mediate_case"):
            raise PermissionDenied
        ids = request.POST.getlist("cases") or request.GET.getlist("cases")
        cases = Case.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]).select_related("business", "consumer")
        first = cases.order_by("received_at").first()
        if first is None:
            messages.error(request, _("Choose the complaints to group."))
            return redirect("admin:groups_hotspots")
        initial = {"title": f"{first.business.name} {first.product}", "dispute": first.facts,
                   "cases": [c.pk for c in cases]}
        form = forms.GroupCreateForm(request.POST if "title" in request.POST else None, cases=cases, initial=initial)
        if form.is_valid():
            chosen = form.cleaned_data["cases"]
            if len({c.business_id for c in chosen}) != 1:
                form.add_error(None, _("A group complaint is against one business."))
            else:
                try:
                    group = services.group_create(
                        actor=request.user, business=first.business, title=form.cleaned_data["title"],
                        dispute=form.cleaned_data["dispute"], category=first.category, nature=first.nature,
                        case_ids=[c.pk for c in sorted(chosen, key=lambda c: c.received_at)],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    for message in _messages(exc):
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Group complaint %(number)s opened.") % {"number": group.number})
                    return redirect("admin:groups_groupcomplaint_change", group.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts, "form": form, "title": _("Propose a group complaint"),
            "back": reverse("admin:groups_hotspots"),
        }
        return TemplateResponse(request, "admin/groups/groupcomplaint/action_form.html", context)


def _bundle_response(fmt, name, **scope):
    if fmt == "pdf":
        response = HttpResponse(bundle.bundle_pdf(**scope), content_type="application/pdf")
    elif fmt == "zip":
        response = HttpResponse(bundle.bundle_zip(**scope), content_type="application/zip")
    else:
        from django.http import Http404

        raise Http404
    response["Content-Disposition"] = f'attachment; filename="bundle-{name}.{fmt}"'
    return response


@admin.register(HotspotAlert)
class HotspotAlertAdmin(WrittenByServices, admin.ModelAdmin):
    list_display = ["business", "window_start", "window_end", "complaints", "created_at"]
    list_select_related = ["business"]

    def has_module_permission(self, request):
        return request.user.has_perm("groups.view_hotspots")


@admin.register(MemberConsent)
class MemberConsentAdmin(WrittenByServices, ReadOnlyHistoryAdmin):
    list_display = ["member", "act", "given", "via", "recorded_by_name", "recorded_at"]
    list_select_related = ["member__case__consumer", "recorded_by__staff_profile"]

    @admin.display(description=_("recorded by"))
    def recorded_by_name(self, obj):
        return display_name(obj.recorded_by)
    list_filter = ["act", "via", "given"]
