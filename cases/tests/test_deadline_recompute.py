"""Stored due dates follow the calendar: a 2027 answer date on the statutory fallback is never 元旦 and is marked
provisional; entering the year's calendar (override rows) or `recompute_deadlines` counts the open cases again."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cases.models import Case
from cases.users import get_system_user
from mediation.services.transfers import case_transfer
from workcalendar.models import CalendarOverride
from workcalendar.services import CalendarNotCoveredWarning

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore", category=CalendarNotCoveredWarning)]
TZ = ZoneInfo("Asia/Shanghai")


def _on(time_machine, day):
    time_machine.move_to(datetime.combine(day, time(10), tzinfo=TZ), tick=False)


@pytest.fixture
def sheet_over_new_year(make_case, mediator, time_machine):
    """Filed Thu 24 Dec 2026 (handling due Fri 8 Jan 2027), transferred Fri 25 Dec: +7 = Fri 1 Jan 2027."""
    _on(time_machine, date(2026, 12, 24))
    case = make_case("accepted")
    _on(time_machine, date(2026, 12, 25))
    case_transfer(case_id=case.pk, actor=mediator)
    return Case.objects.get(pk=case.pk)


def test_an_answer_date_on_new_year_2027_never_happens_and_is_marked_provisional(sheet_over_new_year):
    case = sheet_over_new_year
    sheet = case.transfer_sheet
    assert sheet.answer_by == case.answer_due_on == date(2027, 1, 4)  # 元旦 (statutory), Sat, Sun -> Mon 4 Jan
    assert case.deadlines_provisional is True and sheet.answer_provisional
    fields = dict(tuple(pair) for pair in sheet.document.fields)
    assert fields["答复期限"].startswith("2027年1月4日前（暂定")


def test_entering_the_years_calendar_recomputes_open_cases_as_the_system_user(
    sheet_over_new_year, django_capture_on_commit_callbacks
):
    case = sheet_over_new_year
    assert case.due_on == date(2027, 1, 8)
    with django_capture_on_commit_callbacks(execute=True):
        # The 2027 notice, as entered by a supervisor: (here) Fri 8 Jan made a rest day.
        CalendarOverride.objects.create(date=date(2027, 1, 8), kind=CalendarOverride.Kind.HOLIDAY, name="测试")
    case.refresh_from_db()
    assert case.due_on == date(2027, 1, 11)
    assert case.deadlines_provisional is False  # the year's calendar is entered now
    assert case.answer_due_on == date(2027, 1, 4)  # told to the business on its sheet: kept
    last = case.history.order_by("history_date", "history_id").last()
    assert last.history_user == get_system_user() and last.history_change_reason == "日历更新：期限重新计算"


def test_recompute_deadlines_command(sheet_over_new_year):
    case = sheet_over_new_year
    Case.objects.filter(pk=case.pk).update(due_on=date(2027, 1, 20))  # e.g. computed by an older package
    out = StringIO()
    call_command("recompute_deadlines", stdout=out)
    assert "1 open case(s)" in out.getvalue()
    assert Case.objects.get(pk=case.pk).due_on == date(2027, 1, 8)
    call_command("recompute_deadlines", stdout=out)
    assert "0 open case(s)" in out.getvalue()
