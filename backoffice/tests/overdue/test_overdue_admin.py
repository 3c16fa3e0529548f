"""The supervisors' overdue view, the urging notices' admin and PDF, and what the case page shows."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, Consumer, Document
from cases.users import get_system_user
from reminders.models import CaseReminder, UrgingNotice
from reminders.tests.conftest import FILED
from tests.factories import BusinessFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
OVERDUE_URL = reverse("admin:reminders_overduecase_changelist")



@pytest.fixture
def late_and_soon(travel, sweep, make_case, business):
    """On 2026-03-19: one case 2 days overdue (urged once), one due tomorrow, one due later, one closed."""
    late = make_case("transferred")
    travel(FILED + 3 * DAY)
    soon = make_case("transferred", business=BusinessFactory())
    travel(FILED + 8 * DAY)
    later = make_case("transferred")
    travel(FILED)
    done = make_case("closed")
    travel(late.due_on + 2 * DAY)
    sweep()
    return late, soon, later, done


def listed(response):
    return [case.pk for case in response.context["cl"].result_list]


def test_lists_overdue_and_soon_due_cases_most_overdue_first_with_their_urging(client, supervisor, late_and_soon):
    late, soon, later, done = late_and_soon
    client.force_login(supervisor)

    response = client.get(OVERDUE_URL)

    assert response.status_code == 200
    assert listed(response) == [late.pk, soon.pk]
    page = response.content.decode()
    notice = UrgingNotice.objects.get(case=late)
    assert notice.number in page
    assert reverse("admin:cases_document_pdf", args=[notice.document_id]) in page
    assert reverse("admin:cases_case_change", args=[late.pk]) in page


@pytest.mark.parametrize(
    ("bucket", "expected"), [("overdue", "late"), ("soon", "soon"), ("queue", None), ("escalation", None)]
)
def test_deadline_filter(client, supervisor, late_and_soon, bucket, expected):
    late, soon, *_ = late_and_soon
    client.force_login(supervisor)
    response = client.get(OVERDUE_URL, {"deadline": bucket})
    assert listed(response) == ([] if expected is None else [{"late": late, "soon": soon}[expected].pk])


def test_filter_by_mediator_and_business(client, supervisor, other_mediator, late_and_soon):
    late, soon, *_ = late_and_soon
    Case.objects.filter(pk=soon.pk).update(mediator=other_mediator)
    client.force_login(supervisor)
    assert listed(client.get(OVERDUE_URL, {"mediator__id__exact": other_mediator.pk})) == [soon.pk]
    assert listed(client.get(OVERDUE_URL, {"business__id__exact": late.business_id})) == [late.pk]


def test_summaries_by_mediator_and_by_business_with_timeliness(
    client, supervisor, mediator, travel, make_case, late_and_soon
):
    late, soon, *_ = late_and_soon
    client.force_login(supervisor)

    response = client.get(OVERDUE_URL)

    [by_mediator] = response.context["by_mediator"]
    assert (by_mediator["mediator_id"], by_mediator["overdue"], by_mediator["soon"]) == (mediator.pk, 1, 1)
    assert by_mediator["max_days_overdue"] == 2
    rows = {row["business_id"]: row for row in response.context["by_business"]}
    # late's business: `late`, `done` (it went to mediation unanswered) and `later` (transferred Mar 10, its
    # sheet's answer date Mar 17; the handling deadline Mar 25 does not matter here) are past their answer
    # date without an answer: 0 of 3 in time.
    assert (rows[late.business_id]["answered_in_time"], rows[late.business_id]["sheets"]) == (0, 3)
    assert "0% (0/3)" in response.content.decode()
    assert rows[soon.business_id]["overdue"] == 0 and rows[soon.business_id]["soon"] == 1


def test_only_supervisors_see_it(client, mediator, supervisor, business_user, late_and_soon):
    client.force_login(mediator)
    assert client.get(OVERDUE_URL).status_code == 403
    client.force_login(business_user)
    assert client.get(OVERDUE_URL).status_code == 302  # not staff: to the login page
    client.force_login(supervisor)
    assert OVERDUE_URL in client.get(reverse("admin:index")).content.decode()


def test_bulk_reassignment_from_the_view(client, supervisor, other_mediator, late_and_soon):
    late, soon, *_ = late_and_soon
    client.force_login(supervisor)
    data = {"action": "reassign_cases", "_selected_action": [late.pk, soon.pk]}

    confirm = client.post(OVERDUE_URL, data)
    assert confirm.status_code == 200 and late.number in confirm.content.decode()
    done = client.post(
        OVERDUE_URL, {**data, "apply": "1", "mediator": other_mediator.pk, "reason": "原承办人休假"}
    )

    assert done.status_code == 302
    assert set(Case.objects.filter(pk__in=[late.pk, soon.pk]).values_list("mediator", flat=True)) == {
        other_mediator.pk
    }
    record = Case.objects.get(pk=late.pk).history.latest()
    assert record.history_user == supervisor and "原承办人休假" in record.history_change_reason


def bulk_overdue(count, business, mediator, start=0):
    """`count` transferred cases overdue by 1..30 days, every other one urged, straight into the database."""
    today = timezone.localdate()
    consumers = Consumer.objects.bulk_create(
        [Consumer(name=f"消费者{i}", phone=f"1390000{i:04d}") for i in range(start, start + count)]
    )
    cases = Case.objects.bulk_create(
        [
            Case(
                consumer=c, business=business, mediator=mediator, channel="online", nature="quality",
                category="food", product="商品", facts="事实", demand_type="refund", demand="退款",
                state="transferred", number=f"TS-2026-{start + i + 1:06d}", filed_on=today - 40 * DAY,
                due_on=today - (1 + i % 30) * DAY, transferred_at=timezone.now(),
            )
            for i, c in enumerate(consumers)
        ]
    )
    system = get_system_user()
    steps = CaseReminder.objects.bulk_create(
        [
            CaseReminder(case=c, kind="first_urge", deadline=c.due_on, scheduled_on=c.due_on + DAY,
                         case_state="transferred", taken_by=system)
            for c in cases[::2]
        ]
    )
    documents = Document.objects.bulk_create(
        [
            Document(case=s.case, kind="urging", number=f"CB-2026-{start + i + 1:06d}", title="催办通知书", text="……",
                     issued_by=system, issued_on=today)
            for i, s in enumerate(steps)
        ]
    )
    UrgingNotice.objects.bulk_create(
        [
            UrgingNotice(number=d.number, document=d, case=s.case, reminder=s, round=1,
                         business_name=business.name, deadline=s.deadline, issued_on=today, issued_by=system)
            for s, d in zip(steps, documents, strict=True)
        ]
    )


def test_costs_the_same_number_of_queries_at_10_and_1000_cases(client, supervisor, mediator):
    businesses = [BusinessFactory() for _ in range(3)]
    client.force_login(supervisor)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(OVERDUE_URL)
        assert response.status_code == 200
        return len(ctx), response

    bulk_overdue(10, businesses[0], mediator)
    small, _ = queries()
    bulk_overdue(495, businesses[1], mediator, start=10)
    bulk_overdue(495, businesses[2], mediator, start=505)
    large, response = queries()

    assert len(response.context["cl"].result_list) == 50
    assert large == small, (small, large)


def test_the_case_page_shows_reminders_notifications_and_the_audit_entry(
    client, mediator, travel, sweep, make_case, business
):
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    client.force_login(mediator)

    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert notice.number in page
    assert reverse("admin:cases_document_pdf", args=[notice.document_id]) in page
    assert business.email in page  # the urging notice emailed to the business, with its delivery status
    assert "案件已逾期" in page  # the in-app alert to the mediator
    assert "系统" in page  # the sweep's step in the audit trail, by the system user


def test_urging_notice_pdf_is_printable_with_chinese_text(client, mediator, travel, sweep, make_case, business):
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    client.force_login(mediator)

    assert client.get(reverse("admin:reminders_urgingnotice_changelist")).status_code == 200
    assert notice.number in client.get(reverse("admin:reminders_urgingnotice_change", args=[notice.pk])).content.decode()
    response = client.get(reverse("admin:cases_document_pdf", args=[notice.document_id]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{notice.number}.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    for expected in ("催办通知书", notice.number, business.name, case.number):
        assert expected in text


def test_urging_notices_cannot_be_edited_or_seen_by_outsiders(client, mediator, business_user, travel, sweep, make_case):
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    pdf = reverse("admin:cases_document_pdf", args=[notice.document_id])

    client.force_login(business_user)
    assert client.get(pdf).status_code == 302  # not staff
    staff_without_permission = UserFactory(is_staff=True)
    client.force_login(staff_without_permission)
    assert client.get(pdf).status_code == 403
    client.force_login(mediator)
    change = reverse("admin:reminders_urgingnotice_change", args=[notice.pk])
    client.post(change, {"text": "改过的内容"})
    assert UrgingNotice.objects.get().document.text == notice.document.text
    assert client.get(reverse("admin:reminders_urgingnotice_add")).status_code == 403


def test_roles_hold_the_view_permissions():
    mediator = Group.objects.get(name="mediator").permissions.values_list("codename", flat=True)
    supervisor = Group.objects.get(name="supervisor").permissions.values_list("codename", flat=True)
    assert {"view_casereminder", "view_urgingnotice"} <= set(mediator)
    assert "view_notification" not in mediator  # the case page shows a case's notices; the outbox is not theirs
    assert "view_overduecase" in supervisor and "view_overduecase" not in mediator


def test_the_urging_history_lists_both_notices_one_per_line(client, supervisor, travel, sweep, make_case):
    case = make_case("transferred")
    sheet = case.transfer_sheet
    day = sheet.answer_by
    while UrgingNotice.objects.filter(case=case).count() < 2:
        day += DAY
        travel(day)
        sweep()
    client.force_login(supervisor)
    page = client.get(OVERDUE_URL).content.decode()
    first, second = UrgingNotice.objects.filter(case=case).order_by("number")
    assert first.number in page and second.number in page
    assert "&lt;br&gt;" not in page  # the separator is markup, not text
