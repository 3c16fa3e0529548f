"""The statistics page for supervisors (/admin/reports/statistics/) and its exports; permission
reports.view_statistics (supervisors)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.admin import WrittenByServices
from groups.selectors import member_figures

from . import exports
from .charts import Series, bar_chart, line_chart
from .forms import CaseListForm, PeriodForm
from .models import Statistics
from .selectors import BASIS_LABELS, BREAKDOWNS, FIGURES, case_list, report_tables, statistics

TOP_BUSINESSES = 20


@admin.register(Statistics)
class StatisticsAdmin(WrittenByServices, admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.has_perm("reports.view_statistics")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("reports.view_statistics")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="reports_statistics_changelist"),
            path("table.<str:fmt>", view(self.table_export), name="reports_statistics_table"),
            path("cases.<str:fmt>", view(self.cases_export), name="reports_statistics_cases"),
        ]

    def _check(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied

    def changelist_view(self, request, extra_context=None):
        self._check(request)
        form = PeriodForm(request.GET or None)
        period = form.period()
        stats = statistics(period, top=TOP_BUSINESSES)
        months = [row["month"].strftime("%Y-%m") for row in stats.trend]
        counts_chart = bar_chart(
            _("Cases per month"),
            months,
            [
                Series(str(_("Received")), [row["received"] for row in stats.trend]),
                Series(str(_("Accepted (filed)")), [row["accepted"] for row in stats.trend]),
                Series(str(_("Resolved")), [row["resolved"] for row in stats.trend]),
                Series(str(_("Mediation terminated")), [row["terminated"] for row in stats.trend]),
            ],
        )
        money_chart = line_chart(
            _("Money recovered per month (yuan, by filing month)"),
            months,
            [Series(str(_("Money recovered (yuan)")), [row["money_recovered"] for row in stats.trend])],
        )
        query = request.GET.urlencode()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Statistics"),
            "form": form,
            "stats": stats,
            "summary": stats.summary,
            "figures": [(f, BASIS_LABELS[f.basis], stats.summary[f.key]) for f in FIGURES],
            "breakdowns": [
                (BREAKDOWNS[name][0], getattr(stats, f"by_{name}"), name) for name in BREAKDOWNS
            ],
            "report_tables": report_tables(stats),
            "top_businesses": TOP_BUSINESSES,
            "counts_chart": counts_chart,
            "money_chart": money_chart,
            "query": query,
            # Group complaints (共同投诉): consumers counted as well as cases, over the cases received.
            "members": member_figures(period.cases().filter(period.received), consumers=stats.summary["received"]),
        }
        return TemplateResponse(request, "reports/statistics.html", context)

    def table_export(self, request, fmt):
        self._check(request)
        period = PeriodForm(request.GET or None).period()
        stats = statistics(period)
        name = f"statistics-{period.start}-{period.end}.{fmt}"
        if fmt == "csv":
            return exports.table_csv(stats, name)
        if fmt == "xlsx":
            return exports.table_xlsx(stats, name)
        raise Http404

    def cases_export(self, request, fmt):
        self._check(request)
        period = PeriodForm(request.GET or None).period()
        chosen = CaseListForm(request.GET)
        figure = chosen.cleaned_data["figure"] if chosen.is_valid() else ""
        rows = case_list(period, figure or None)
        name = f"cases-{figure or 'all'}-{period.start}-{period.end}.{fmt}"
        if fmt == "csv":
            return exports.cases_csv(rows, name)
        if fmt == "xlsx":
            return exports.cases_xlsx(rows, name)
        raise Http404
