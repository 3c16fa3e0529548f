"""Cases that reach the mediation limit (45 working days from filing, pauses not counted) without agreement are
flagged for termination."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.models import Case, TerminationGround
from mediation.selectors import cases_past_mediation_limit, mediation_limit_cutoff, mediation_limit_reached
from mediation.services.appraisal import appraisal_conclude, appraisal_request

pytestmark = pytest.mark.django_db
FILED = date(2026, 3, 2)


def _on(time_machine, day):
    time_machine.move_to(timezone.make_aware(datetime.combine(day, time(10))), tick=False)


def test_the_cutoff_matches_the_mediation_due_date():
    limit = deadlines.mediation_due(FILED)  # 45 working days after 2 March 2026
    day_after = date.fromordinal(limit.toordinal() + 1)
    assert mediation_limit_cutoff(day_after) > FILED  # limit passed: filed before the cutoff
    assert not mediation_limit_cutoff(limit) > FILED  # on the last day it has not run out yet


def test_flagged_cases_and_the_pause_moves_the_limit(make_case, mediator, time_machine, settings):
    from tests.factories import AppraisalBodyFactory

    _on(time_machine, FILED)
    plain = make_case("mediating")
    resolved = make_case("resolved")
    paused_before = make_case("mediating")
    _on(time_machine, date(2026, 3, 4))
    appraisal_request(case_id=paused_before.pk, actor=mediator, body=AppraisalBodyFactory(), items="送检")
    _on(time_machine, date(2026, 3, 14))  # ten days of appraisal
    appraisal_conclude(case_id=paused_before.pk, actor=mediator, conclusion="合格", responsible_party="neither",
                       fee_borne_by="consumer")
    limit = deadlines.mediation_due(FILED)
    _on(time_machine, date.fromordinal(limit.toordinal() + 1))
    flagged = set(cases_past_mediation_limit().values_list("pk", flat=True))
    assert flagged == {plain.pk}
    assert not mediation_limit_reached(Case.objects.get(pk=resolved.pk))
    later = deadlines.extend_for_pause(limit, 10)
    _on(time_machine, date.fromordinal(later.toordinal() + 1))
    assert set(cases_past_mediation_limit().values_list("pk", flat=True)) == {plain.pk, paused_before.pk}


def test_the_case_list_filter_and_the_terminate_suggestion(client, make_case, mediator, time_machine):
    _on(time_machine, FILED)
    case = make_case("mediating")
    fresh_day = date.fromordinal(deadlines.mediation_due(FILED).toordinal() + 1)
    _on(time_machine, fresh_day)
    fresh = make_case("mediating", product="新投诉的电视机")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_changelist"), {"mediation_limit": "reached"}).content.decode()
    assert case.number in page and fresh.number not in page
    form = client.get(reverse("admin:cases_case_act", args=[case.pk, "terminate"])).context["form"]
    assert form.fields["ground"].initial == TerminationGround.objects.get(code="T03").pk
    form = client.get(reverse("admin:cases_case_act", args=[fresh.pk, "terminate"])).context["form"]
    assert form.fields["ground"].initial is None
