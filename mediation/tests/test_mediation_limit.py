"""Cases that reach the mediation limit (45 working days from filing, pauses not counted) without agreement are
flagged for termination: one date (Case.mediation_due_on), one flag (mediation_limit_reached_on, set by the sweep)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.models import Case, TerminationGround
from cases.services import case_start_mediation
from mediation.selectors import cases_past_mediation_limit
from mediation.services.appraisal import appraisal_conclude, appraisal_request
from reminders import selectors as overdue
from reminders.services import deadlines_sweep
from tests.factories import AppraisalBodyFactory

pytestmark = pytest.mark.django_db
FILED = date(2026, 3, 2)
DAY = timedelta(days=1)


def _on(time_machine, day):
    time_machine.move_to(timezone.make_aware(datetime.combine(day, time(10))), tick=False)


def _sweep(time_machine, day):
    _on(time_machine, day)
    deadlines_sweep(today=day, dispatch=False)


def _case_list(day):
    return set(cases_past_mediation_limit().values_list("pk", flat=True))


def _overdue_view(day):
    shown = overdue.filter_overdue(overdue.overdue_cases(today=day), "mediation_limit", today=day)
    return set(shown.values_list("pk", flat=True))


def test_the_limit_counts_from_filing_not_from_the_start_of_mediation(make_case, mediator, time_machine):
    _on(time_machine, FILED)
    case = make_case("accepted")
    limit = deadlines.mediation_due(FILED).on
    assert case.mediation_due_on == limit
    _on(time_machine, FILED + 20 * DAY)
    case_start_mediation(case_id=case.pk, actor=mediator, reason="")
    assert Case.objects.get(pk=case.pk).mediation_due_on == limit


def _appraisal(case, mediator, time_machine, start, end):

    _on(time_machine, start)
    appraisal_request(case_id=case.pk, actor=mediator, body=AppraisalBodyFactory(), items="送检")
    _on(time_machine, end)
    appraisal_conclude(case_id=case.pk, actor=mediator, conclusion="合格", responsible_party="neither",
                       fee_borne_by="consumer")


def test_flagged_cases_and_the_pause_moves_the_limit(make_case, mediator, time_machine):
    _on(time_machine, FILED)
    plain = make_case("mediating")
    resolved = make_case("resolved")
    paused_before = make_case("mediating")
    _appraisal(paused_before, mediator, time_machine, date(2026, 3, 4), date(2026, 3, 14))
    limit = deadlines.mediation_due(FILED).on
    later = deadlines.mediation_due(FILED, [(date(2026, 3, 4), date(2026, 3, 14))]).on
    assert Case.objects.get(pk=paused_before.pk).mediation_due_on == later > limit
    _sweep(time_machine, limit)
    assert _case_list(limit) == set()  # on its last day the period has not run out
    _sweep(time_machine, limit + DAY)
    assert _case_list(limit + DAY) == {plain.pk}
    assert Case.objects.get(pk=plain.pk).mediation_limit_reached_on == limit
    _sweep(time_machine, later + DAY)
    assert _case_list(later + DAY) == {plain.pk, paused_before.pk}
    assert resolved.pk not in _case_list(later + DAY)


def test_the_case_list_filter_and_the_overdue_view_flag_the_same_cases(make_case, mediator, time_machine):
    """Seam: both screens read the one flag; walk the days and compare them every day."""
    _on(time_machine, FILED)
    cases = [make_case("mediating"), make_case("accepted"), make_case("transferred"), make_case("mediating")]
    appraised = cases[3]
    _on(time_machine, FILED + 10 * DAY)
    make_case("mediating")  # filed later: flagged later
    limit = deadlines.mediation_due(FILED).on
    seen = set()
    day = limit - 2 * DAY
    while day <= limit + 25 * DAY:
        if day == limit + 3 * DAY:  # an appraisal after the flag: the clock pauses, the flag goes
            _on(time_machine, day)
            appraisal_request(case_id=appraised.pk, actor=mediator,
                              body=AppraisalBodyFactory(),
                              items="送检")
        _sweep(time_machine, day)
        assert _case_list(day) == _overdue_view(day), day
        seen |= _case_list(day)
        day += DAY
    assert {c.pk for c in cases} <= seen


def test_the_case_list_filter_and_the_terminate_suggestion(client, make_case, mediator, time_machine):
    _on(time_machine, FILED)
    case = make_case("mediating")
    fresh_day = deadlines.mediation_due(FILED).on + DAY
    _on(time_machine, fresh_day)
    fresh = make_case("mediating", product="新投诉的电视机")
    _sweep(time_machine, fresh_day)
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_changelist"), {"mediation_limit": "reached"}).content.decode()
    assert case.number in page and fresh.number not in page
    form = client.get(reverse("admin:cases_case_act", args=[case.pk, "terminate"])).context["form"]
    assert form.fields["ground"].initial == TerminationGround.objects.get(code="T13").pk
    form = client.get(reverse("admin:cases_case_act", args=[fresh.pk, "terminate"])).context["form"]
    assert form.fields["ground"].initial is None
