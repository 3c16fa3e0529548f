"""A business's timeliness: transfer sheets answered by their answer date (reminders.selectors)."""

from datetime import date, datetime, timedelta

import pytest

from cases.models import Case
from reminders.selectors import business_timeliness, overdue_cases

from .conftest import TZ

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 1)


def sheet(make_case, *, due, replied=None, **overrides):
    case = make_case("transferred", **overrides)
    Case.objects.filter(pk=case.pk).update(answer_due_on=due, due_on=due, replied_at=replied)
    return case


def test_answered_by_the_due_date_in_local_time(make_case, business):
    due = date(2026, 3, 20)
    sheet(make_case, due=due, replied=datetime(2026, 3, 20, 23, 30, tzinfo=TZ))  # the last evening: in time
    sheet(make_case, due=due, replied=datetime(2026, 3, 20, 16, 30, tzinfo=TZ) + timedelta(hours=8))  # 00:30 next day
    sheet(make_case, due=due)  # never answered, past due: late
    sheet(make_case, due=TODAY + timedelta(days=3))  # still within its time: not counted yet
    sheet(make_case, due=TODAY + timedelta(days=3), replied=datetime(2026, 3, 30, 9, tzinfo=TZ))  # early: in time

    figures = business_timeliness(today=TODAY)

    assert figures == {business.pk: {"sheets": 4, "answered_in_time": 2, "timeliness": 0.5}}


def test_only_the_businesses_asked_for_and_only_transferred_cases(make_case, business):
    from tests.factories import BusinessFactory

    other = BusinessFactory()
    sheet(make_case, due=date(2026, 3, 20), business=other)
    make_case("accepted")  # never transferred
    assert list(business_timeliness(today=TODAY, business_ids=[other.pk])) == [other.pk]
    assert business.pk not in business_timeliness(today=TODAY)


def test_overdue_cases_leave_out_paused_and_finished_ones(make_case):
    due = date(2026, 3, 20)
    running = sheet(make_case, due=due)
    replied = make_case("replied")  # answered, but the handling deadline is still the association's
    later = make_case("transferred")
    Case.objects.filter(pk__in=[replied.pk, later.pk]).update(due_on=due)
    Case.objects.filter(pk=later.pk).update(due_on=TODAY + timedelta(days=4))  # beyond the "soon" window
    for state in ("appraisal", "resolved"):
        Case.objects.filter(pk=make_case(state).pk).update(due_on=due)

    assert sorted(overdue_cases(today=TODAY).values_list("pk", flat=True)) == [running.pk, replied.pk]
