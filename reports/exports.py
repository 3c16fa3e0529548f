"""Exports of the statistics: the figures table, and the list of cases behind them, as CSV or Excel (.xlsx).

CSV is UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly; both formats stream the case
list row by row from a server-side cursor, so a year of cases does not sit in memory.
"""

import csv
from datetime import date, datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from cases.choices import CaseState, Category, Nature
from core.text import spreadsheet_cell

from .selectors import BASIS_LABELS, BREAKDOWNS, CASE_LIST_COLUMNS, FIGURES, Statistics, report_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576  # a worksheet's limit, header included
FIGURE_COLUMNS = [
    "received", "rejected", "accepted", "resolved", "terminated", "withdrawn", "open", "timely", "late",
    "followed_up", "money_recovered", "punitive_count", "punitive_amount", "resolution_rate", "timely_rate", "follow_up_rate", "satisfaction",
]


def _figure_headers():
    labels = {f.key: str(f.label) for f in FIGURES}
    labels.update(
        money_recovered=_("Money recovered (yuan)"), resolution_rate=_("Resolution rate (%)"),
        punitive_count=_("Punitive damages (cases)"), punitive_amount=_("Punitive damages (yuan)"),
        timely_rate=_("Timely-handling rate (%)"), follow_up_rate=_("Follow-up rate (%)"),
        satisfaction=_("Average satisfaction"),
    )
    return [labels[key] for key in FIGURE_COLUMNS]


def table_sections(stats: Statistics) -> list[tuple[str, list[list]]]:
    """The figures as titled sections of rows (the first row of each is its header)."""
    period = stats.period
    region = str(period.region) if period.region else _("all regions")
    summary = [[_("Figure"), _("Value"), _("Counted by")]]
    basis = {f.key: str(BASIS_LABELS[f.basis]) for f in FIGURES}
    for key, header in zip(FIGURE_COLUMNS, _figure_headers(), strict=True):
        summary.append([header, _cell(stats.summary[key]), basis.get(key, str(BASIS_LABELS["filed"]))])
    sections = [
        (_("Period %(start)s to %(end)s, %(region)s") % {"start": period.start, "end": period.end, "region": region},
         summary),
        (_("Rejected by ground"), [[_("Code"), _("Ground"), _("Cases")]] + [
            [row["ground__code"], row["ground__label_zh"], row["count"]] for row in stats.rejected_by_ground
        ]),
    ]
    for dimension in BREAKDOWNS:
        rows = getattr(stats, f"by_{dimension}")
        sections.append((
            _("By %(dimension)s") % {"dimension": BREAKDOWNS[dimension][0]},
            [[str(BREAKDOWNS[dimension][0]), *_figure_headers()]]
            + [[row["label"], *(_cell(row[key]) for key in FIGURE_COLUMNS)] for row in rows],
        ))
    tables = report_tables(stats)
    headers = [_("Count"), _("Share (%)")]
    sections.append((
        _("Complaints by nature (as in the 中消协 reports)"),
        [[_("Nature of complaint"), *headers]]
        + [[row["label"], row["count"], _cell(row["share"])] for row in tables["nature"].rows]
        + [[_("Total"), tables["nature"].total, ""]],
    ))
    for key, title in (("goods", _("Goods categories")), ("services", _("Service categories"))):
        table = tables[key]
        sections.append((
            title,
            [[title, *headers]]
            + [[row["label"], row["count"], _cell(row["share"])] for row in table.rows]
            + [[_("Total (share of all complaints)"), table.total, _cell(table.share)]],
        ))
    sections.append((
        _("Monthly trend"),
        [[_("Month"), _("Received"), _("Accepted (filed)"), _("Resolved"), _("Mediation terminated"),
          _("Money recovered (yuan)")]]
        + [[row["month"].strftime("%Y-%m"), row["received"], row["accepted"], row["resolved"], row["terminated"],
            _cell(row["money_recovered"])] for row in stats.trend],
    ))
    return sections


def _cell(value):
    if value is None:
        return ""
    return value


def table_csv(stats: Statistics, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for title, rows in table_sections(stats):
        writer.writerow([spreadsheet_cell(title)])
        writer.writerows([[spreadsheet_cell(v) for v in row] for row in rows])
        writer.writerow([])
    return response


def table_xlsx(stats: Statistics, filename: str) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")[:31]
    for title, rows in table_sections(stats):
        sheet.append([_excel(title)])
        for row in rows:
            sheet.append([_excel(v) for v in row])
        sheet.append([])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


# --- case lists ------------------------------------------------------------------------------------------------


def _case_rows(values_qs):
    states, natures, categories = dict(CaseState.choices), dict(Nature.choices), dict(Category.choices)
    for row in values_qs.iterator(chunk_size=2000):
        (number, received_at, filed_on, state, nature, category, business, region, mediator, due_on, outcome_on,
         money, ground, channel, satisfaction) = row
        yield [
            number or "", timezone.localtime(received_at).strftime("%Y-%m-%d %H:%M"), filed_on or "",
            str(states.get(state, state)), str(natures.get(nature, nature)), str(categories.get(category, category)),
            business or "", region or "", mediator or "", due_on or "", outcome_on or "",
            money if money is not None else "", ground or "", channel or "", satisfaction or "",
        ]


class _Echo:
    def write(self, value):
        return value


def cases_csv(values_qs, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow([str(c) for c in CASE_LIST_COLUMNS])
        for row in _case_rows(values_qs):
            yield writer.writerow([spreadsheet_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def cases_xlsx(values_qs, filename: str) -> HttpResponse:
    """Excel holds at most 1,048,575 data rows per sheet; a larger list is cut there (use CSV for it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Cases")[:31])
    sheet.append([str(c) for c in CASE_LIST_COLUMNS])
    for count, row in enumerate(_case_rows(values_qs), start=2):
        if count > EXCEL_MAX_ROWS:
            break
        sheet.append([_excel(v) for v in row])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response


def _excel(value):
    """openpyxl writes dates and numbers natively; text is made plain, without control characters (which
    openpyxl refuses) and never a formula (core.text.spreadsheet_cell)."""
    if isinstance(value, (int, float, date, datetime)) or value is None:
        return value
    if hasattr(value, "as_tuple"):  # Decimal
        return value
    return spreadsheet_cell(str(value))
