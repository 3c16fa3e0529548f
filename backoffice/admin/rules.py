"""The rules the association follows (rule sets, admin-editable by supervisors and frozen once a case was accepted
under one), and what the case page shows of them: each due date with its rule and article, the extensions by
consent."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import deadlines, return_rules
from cases.choices import PUNITIVE_REMEDIES, DayUnit, PeriodKind
from cases.claims import statutory_punitive
from cases.models import RULE_PERIOD_FIELDS, MediationExtension, RuleSet
from core.admin import ReadOnlyHistoryAdmin, WrittenByServices


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "region", "effective_from", "effective_to", "is_active", "mediation_summary"]
    list_filter = ["is_active", "region"]
    list_select_related = ["region"]
    search_fields = ["name", "law", "code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "law", "law_date", "region", "effective_from", "effective_to", "is_active"]}),
        (_("Acceptance decision"), {"fields": ["acceptance_days", "acceptance_unit", "acceptance_article"]}),
        (
            _("Handling deadline"),
            {"fields": ["handling_days", "handling_unit", "handling_excludes_appraisal", "handling_article"]},
        ),
        (_("Business's answer"), {"fields": ["answer_days", "answer_unit", "answer_article"]}),
        (
            _("Mediation time limit"),
            {
                "fields": [
                    "mediation_days", "mediation_unit", "mediation_excludes_appraisal", "mediation_article",
                    "extension_days", "extension_article",
                ]
            },
        ),
        (None, {"fields": ["notes"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A case accepted under these rules keeps them: its periods and start date are frozen (RuleSet.save).
        if obj is not None and obj.in_use:
            return [*RULE_PERIOD_FIELDS, "code", "effective_from"]
        return []

    @admin.display(description=_("Mediation time limit"))
    def mediation_summary(self, obj):
        text = _period_text(obj, PeriodKind.MEDIATION)
        return f"{text} +{obj.extension_days}" if obj.extension_days else text

    def has_delete_permission(self, request, obj=None):
        return False  # a rule set is a record of what the association followed: end it (effective to) instead


class MediationExtensionInline(WrittenByServices, admin.TabularInline):
    model = MediationExtension
    fields = [
        "days", "article", "consumer_consent_on", "consumer_consent_method", "business_consent_on",
        "business_consent_method", "note", "recorded_by", "recorded_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


PERIOD_LABELS = {
    "acceptance_due_on": _("acceptance decision due"),
    "due_on": _("handling due"),
    "answer_due_on": _("business's answer due"),
    "mediation_due_on": _("mediation time limit"),
}


def deadline_rules_html(case):
    """The case's due dates, each with the rule and article it was counted by, under the rule set's name."""
    try:
        rules = deadlines.rules_for(case)
    except deadlines.NoRuleSetError as exc:
        return exc.messages[0]
    cited = deadlines.citations(case)
    rows = [
        (PERIOD_LABELS[field], formats.localize(getattr(case, field)), _period_text(rules, kind), cited[field])
        for field, kind in deadlines.FIELD_PERIODS.items()
        if getattr(case, field) is not None
    ]
    table = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
    )
    return format_html(
        '<p class="case-rules">{}: <strong>{}</strong> ({})</p>'
        '<table class="case-rule-table"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("Rule set") if case.filed_on else _("Rule set in force on receipt"), rules.name, rules.law_date,
        _("period"), _("due"), _("length"), _("rule and article"), table,
    )


def _period_text(rules, kind):
    period = rules.period(kind)
    text = f"{period.days} {DayUnit(period.unit).label}"
    if kind in (PeriodKind.HANDLING, PeriodKind.MEDIATION) and period.excludes_appraisal:
        text += "，" + str(_("appraisal time excluded"))
    return text


def law_for_mediator_html(case):
    """What the law gives on this complaint, for the mediator (not advice): the statutory punitive damages of the
    demand, computed from the price paid, and the return/exchange/repair rules of the goods' category, counted from
    the purchase date."""
    parts = []
    statutory = statutory_punitive(case.demand_type, price=case.amount_paid)
    if statutory is not None:
        parts.append(format_html(
            '<p class="law-punitive">{}: <strong>{} 元</strong> ({}; {}) — {}</p>',
            _("Statutory punitive damages on the price paid"), statutory.amount, statutory.rule, statutory.article,
            _("what the law gives where its conditions are met, not advice"),
        ))
    elif case.demand_type in PUNITIVE_REMEDIES:
        parts.append(format_html("<p>{}</p>", _("Enter the amount paid to compute the statutory punitive damages.")))
    rows = return_rules.rules_for_case(case, timezone.localdate())
    if rows:
        body = format_html_join("", "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>", (
            (
                row["rule"].rule_zh,
                format_html("<br><small>{}: {}</small>", _("Exceptions"), row["rule"].exceptions_zh)
                if row["rule"].exceptions_zh else "",
                _("remote sales only") if row["rule"].remote_sales_only else _("all sales"),
                format_html("{} {}", row["rule"].days or "—", row["status"]) if row["rule"].days else "—",
                row["rule"].article,
                "" if row["rule"].checked else format_html(" <small>({})</small>", _("article number not checked")),
            )
            for row in rows
        ))
        parts.append(format_html(
            '<table class="law-returns"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody></table><p><small>{}</small></p>",
            _("rule"), _("applies to"), _("days from purchase"), _("source"), body,
            _("Counted from the date of purchase; the law counts from receipt of the goods where that is later."),
        ))
    return format_html_join("", "{}", ((p,) for p in parts)) if parts else "—"
