"""The public list of businesses that ignored or refused transfer sheets or were exposed: counts and dates, and no
consumer's personal data."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Consumer
from mediation.models import Escalation
from mediation.selectors import public_business_list
from mediation.services.escalation import escalation_decide, escalation_propose, escalation_publication_record

pytestmark = pytest.mark.django_db
URL = reverse("mediation_public:businesses")


def _expose(case, mediator, supervisor, title="某企业拒不处理投诉"):
    escalation = escalation_propose(case_id=case.pk, actor=mediator, kind="publicity", reasons="拒不答复")
    escalation_decide(case_id=case.pk, escalation_id=escalation.pk, actor=supervisor, approve=True)
    escalation_publication_record(
        case_id=case.pk, escalation_id=escalation.pk, actor=mediator, outlet="示范日报",
        published_on=timezone.localdate(), title=title, summary="多次拒不答复消协转办单",
    )


def test_the_public_list_has_no_consumer_personal_data(client, django_user_model):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    mediator = django_user_model.objects.get(username="tiaojie")
    supervisor = django_user_model.objects.get(username="zhuguan")
    terminated = Case.objects.filter(state="terminated").first()
    _expose(terminated, mediator, supervisor)
    page = client.get(URL).content.decode()
    listed = public_business_list()
    assert listed  # the demo data has overdue and unanswered transfer sheets
    for row in listed:
        assert row.business.name in page
    assert "某企业拒不处理投诉" in page and "示范日报" in page
    consumers = list(Consumer.objects.all())
    assert len(consumers) >= 16
    for consumer in consumers:
        for value in (consumer.name, consumer.phone, consumer.id_number):
            if value:
                assert value not in page, value
    for case in Case.objects.exclude(number=None):
        assert case.number not in page  # case numbers could be traced back to a consumer too


def test_who_is_listed_and_the_counts(make_case, mediator, supervisor, time_machine):
    from tests.factories import BusinessFactory

    silent, answering, exposed, withdrawn_early = BusinessFactory.create_batch(4)
    today = timezone.localdate()
    ignored = make_case("transferred", business=silent)  # due date passes without an answer
    refused = make_case("mediating", business=silent)  # taken to mediation without an answer
    make_case("replied", business=answering)  # answered: not listed
    make_case("withdrawn", business=withdrawn_early)  # withdrawn before filing: not listed
    exposed_case = make_case("replied", business=exposed)
    _expose(exposed_case, mediator, supervisor)
    rows = {row.business.pk: row for row in public_business_list(today + timedelta(days=30))}
    assert set(rows) == {silent.pk, exposed.pk}
    assert rows[silent.pk].unanswered_count == 2
    assert rows[silent.pk].first_unanswered == timezone.localdate(ignored.transferred_at)
    assert rows[silent.pk].last_unanswered == timezone.localdate(refused.transferred_at)
    assert (rows[exposed.pk].unanswered_count, rows[exposed.pk].publicity_count) == (0, 1)
    # Before the due date only the case taken to mediation without an answer counts.
    assert {r.business.pk: r.unanswered_count for r in public_business_list(today)} == {silent.pk: 1, exposed.pk: 0}


def test_a_refused_proposal_does_not_list_the_business(make_case, mediator, supervisor):
    case = make_case("replied")
    escalation = escalation_propose(case_id=case.pk, actor=mediator, kind="publicity", reasons="x")
    escalation_decide(case_id=case.pk, escalation_id=escalation.pk, actor=supervisor, approve=False, note="不必")
    assert Escalation.objects.get().status == "refused"
    assert public_business_list() == []


def test_the_public_page_costs_the_same_with_more_businesses(client, make_case):
    from tests.factories import BusinessFactory

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    make_case("mediating", business=BusinessFactory())
    small = queries()
    consumer = Consumer.objects.create(name="某某", phone="13811112222")
    now = timezone.now()
    Case.objects.bulk_create([
        Case(consumer=consumer, business=b, channel="online", nature="quality", category="food", product="p",
             facts="f", demand_type="refund", demand="d", state="transferred", transferred_at=now,
             due_on=timezone.localdate() - timedelta(days=1))
        for b in BusinessFactory.create_batch(40)
    ])
    assert queries() == small
    assert len(public_business_list()) == 41


def test_the_public_page_needs_no_login_and_only_answers_get(client):
    assert client.get(URL).status_code == 200
    assert client.post(URL).status_code == 405
