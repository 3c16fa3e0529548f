"""Smoke and query-count tests of mediation's admin pages (register, queue, documents) and of regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Document, Region
from mediation.models import AppraisalBody, Escalation
from mediation.services.escalation import escalation_propose
from mediation.services.outcomes import outcome_resolve
from tests.factories import AppraisalBodyFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _fill(make_case, mediator, n):
    for _ in range(n):
        case = make_case("mediating")
        outcome_resolve(case_id=case.pk, actor=mediator, remedies=[{"kind": "refund", "amount": 1}])
        escalation_propose(case_id=case.pk, actor=mediator, kind="report", reasons="多次投诉")
        AppraisalBodyFactory()


@pytest.mark.parametrize(
    "model", [AppraisalBody, Escalation, Document, Region], ids=lambda m: m._meta.model_name
)
def test_changelists_and_change_pages(client, supervisor, make_case, mediator, model):
    client.force_login(supervisor)
    Region.objects.create(name="东城区", code="R1")
    _fill(make_case, mediator, 2)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    small = _queries(client, changelist)
    _fill(make_case, mediator, 8)
    assert _queries(client, changelist) == small
    obj = model.objects.first()
    assert _queries(client, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


def test_case_page_costs_the_same_with_more_mediation_records(client, supervisor, make_case, mediator):
    from django.utils import timezone

    from mediation.services.escalation import (
        escalation_decide,
        escalation_publication_record,
        escalation_report_record,
    )
    from mediation.services.follow_up import follow_up_record

    case = make_case("mediating")
    outcome_resolve(case_id=case.pk, actor=mediator, remedies=[{"kind": "refund", "amount": 1}])
    follow_up_record(case_id=case.pk, channel="phone", satisfaction=4, actor=mediator)

    def add_records(n):
        for kind in ("report", "publicity"):
            escalation = escalation_propose(case_id=case.pk, actor=mediator, kind=kind, reasons="多次投诉")
            escalation_decide(case_id=case.pk, escalation_id=escalation.pk, actor=supervisor, approve=True)
            for i in range(n):
                if kind == "report":
                    escalation_report_record(case_id=case.pk, escalation_id=escalation.pk, actor=mediator,
                                             department=f"部门{i}", reported_on=timezone.localdate())
                else:
                    escalation_publication_record(case_id=case.pk, escalation_id=escalation.pk, actor=mediator,
                                                  outlet=f"媒体{i}", published_on=timezone.localdate(), title="t",
                                                  summary="s")

    url = reverse("admin:cases_case_change", args=[case.pk])
    client.force_login(supervisor)
    add_records(1)
    _queries(client, url)  # warm the content-type cache
    small = _queries(client, url)
    add_records(4)
    add_records(4)
    assert _queries(client, url) == small


def test_mediators_cannot_approve_or_edit_the_register(client, mediator):
    client.force_login(mediator)
    body = AppraisalBodyFactory()
    assert client.get(reverse("admin:mediation_appraisalbody_add")).status_code == 200
    response = client.post(reverse("admin:mediation_appraisalbody_change", args=[body.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert not mediator.has_perm("mediation.approve_escalation")
