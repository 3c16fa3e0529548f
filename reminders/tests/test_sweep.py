"""The deadline sweep through the real services, with the clock moved day by day."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services, transitions
from cases.choices import ReminderStep as R
from cases.models import Case
from cases.users import get_system_user
from notifications.models import Notification
from reminders import tasks
from reminders.models import CaseReminder, UrgingNotice
from reminders.services import _due_batch, _due_queryset, _Sweep, deadlines_sweep

from .conftest import FILED, urging_mail

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
IN_APP, EMAIL = Notification.Channel.IN_APP, Notification.Channel.EMAIL



def sweep_daily(case, travel, sweep, days, *, runs=2, start=0):
    """Run the sweep `runs` times on each of `days` days from the filing date (+ `start` days); return the steps
    taken per day."""
    taken = {}
    for n in range(start, days):
        day = case.filed_on + n * DAY
        for run in range(runs):
            travel(day, 8 + run)
            if (result := sweep()).steps:
                taken.setdefault(day, []).append(result.steps)
    return taken


def kinds(case):
    return list(CaseReminder.objects.filter(case=case).order_by("pk").values_list("kind", "scheduled_on"))


def test_each_step_of_the_ladder_happens_once_on_its_day(
    travel, sweep, make_case, mediator, supervisor, business, mailoutbox
):
    case = make_case("transferred")
    due, answer = case.due_on, case.answer_due_on  # Tue Mar 17; the sheet's Mon Mar 9
    assert answer == case.transfer_sheet.answer_by < due

    taken = sweep_daily(case, travel, sweep, 40)

    # The business's ladder on its answer date; the first notice's new answer date is Fri Mar 13, so the second
    # goes five days after the first. The association's ladder on the handling deadline.
    assert taken == {
        answer - 3 * DAY: [1], answer + DAY: [1], answer + 6 * DAY: [1],
        due: [1], due + DAY: [1], due + 6 * DAY: [1], due + 16 * DAY: [1],
    }
    assert kinds(case) == [
        (R.BUSINESS_REMINDER, answer - 3 * DAY),
        (R.FIRST_URGE, answer + DAY),
        (R.SECOND_URGE, answer + 6 * DAY),
        (R.DUE_TODAY, due),
        (R.HANDLING_OVERDUE, due + DAY),
        (R.SUPERVISOR_QUEUE, due + 6 * DAY),
        (R.ESCALATION_CANDIDATE, due + 16 * DAY),
    ]
    assert [(n.number, n.round) for n in UrgingNotice.objects.order_by("number")] == [
        ("CB-2026-000001", 1),
        ("CB-2026-000002", 2),
    ]
    sheet_mail, *mail = mailoutbox
    assert case.transfer_sheet.number in sheet_mail.subject
    assert [m.to for m in mail] == [[business.email]] * 3
    assert "CB-2026-000001" in mail[1].subject and "催办通知书" in mail[1].subject
    assert "已逾期1日" in mail[1].body
    to_mediator = Notification.objects.filter(channel=IN_APP, recipient_user=mediator).order_by("pk")
    assert [n.template for n in to_mediator] == [
        "reminders/first_urge",
        "reminders/second_urge",
        "reminders/due_today",
        "reminders/handling_overdue",
        "reminders/supervisor_queue",
        "reminders/escalation_candidate",
    ]
    assert "CB-2026-000001" in to_mediator[0].body
    assert Notification.objects.filter(recipient_user=supervisor, template="reminders/escalation_candidate").count() == 1
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    case.refresh_from_db()
    assert (case.supervisor_queue_since, case.escalation_candidate_since) == (due + 6 * DAY, due + 16 * DAY)
    assert case.next_reminder_on == case.mediation_due_on + DAY  # only the mediation limit is ahead


def test_a_long_overdue_case_is_urged_first_then_again_five_days_later(travel, sweep, make_case):
    case = make_case("transferred")
    start = case.due_on + 30 * DAY  # e.g. the day the system went live
    for n in range(16):
        travel(start + n * DAY)
        sweep()
    steps = CaseReminder.objects.filter(case=case).order_by("pk")
    assert [(s.kind, timezone.localdate(s.taken_at), s.scheduled_on) for s in steps] == [
        # due then, taken late: none of the overdue steps is skipped
        (R.HANDLING_OVERDUE, start, case.due_on + DAY),
        (R.FIRST_URGE, start, case.answer_due_on + DAY),
        (R.SUPERVISOR_QUEUE, start + 5 * DAY, start + 5 * DAY),
        (R.SECOND_URGE, start + 5 * DAY, start + 5 * DAY),
        (R.ESCALATION_CANDIDATE, start + 15 * DAY, start + 15 * DAY),
    ]
    assert list(UrgingNotice.objects.order_by("number").values_list("round", "issued_on")) == [
        (1, start),
        (2, start + 5 * DAY),
    ]


def test_steps_and_notices_are_the_system_users_and_about_the_case(travel, sweep, make_case):
    case = make_case("transferred")
    travel(case.answer_due_on + DAY)
    sweep()
    system = get_system_user()
    step = CaseReminder.objects.get(case=case)
    assert step.taken_by == system and step.case_state == "transferred"
    assert step.urging_notice.issued_by == system
    assert {n.about for n in Notification.objects.filter(template__startswith="reminders/")} == {case}


def test_the_urging_notice_is_numbered_frozen_and_addressed_to_the_business(travel, sweep, make_case, business):
    case = make_case("transferred")
    sheet = case.transfer_sheet
    travel(sheet.answer_by + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    assert notice.business_name == business.name and notice.sent_to == business.email
    assert notice.document.text.startswith(f"{business.name}：")
    assert case.number in notice.document.text and "第二次" not in notice.document.text
    assert "要求贵单位于2026年3月9日前" in notice.document.text and "已逾期1日" in notice.document.text
    # The new answer date: Tue Mar 10 + 3 = Fri Mar 13.
    assert notice.answer_by == sheet.answer_by + 4 * DAY and "请贵单位于2026年3月13日前" in notice.document.text

    business.name = "改名后的商场"
    business.save()
    travel(sheet.answer_by + 6 * DAY)
    sweep()
    assert UrgingNotice.objects.get(pk=notice.pk).document.text.startswith("示范电器商场")  # frozen as issued
    second = UrgingNotice.objects.exclude(pk=notice.pk).get()
    assert second.document.text.startswith("改名后的商场：") and "第二次催办" in second.document.text
    assert f"于2026年3月10日向贵单位发出催办通知书（编号：{notice.number}）" in second.document.text
    assert second.deadline == sheet.answer_by and "已逾期6日" in second.document.text


def test_the_urging_notice_quotes_the_transfer_sheet(travel, sweep, make_case):
    """Seam: the notice's deadline is the sheet's answer_by, it cites the sheet's number, counts the days from it."""
    case = make_case("transferred")
    sheet = case.transfer_sheet
    assert sheet.answer_by != case.due_on  # two deadlines that must not be confused
    travel(sheet.answer_by + 3 * DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    assert notice.deadline == sheet.answer_by
    assert sheet.number in notice.document.text
    assert f"于{sheet.answer_by.year}年{sheet.answer_by.month}月{sheet.answer_by.day}日前将处理结果答复" in notice.document.text
    assert "已逾期3日" in notice.document.text


def test_the_business_is_reminded_before_its_answer_date(travel, sweep, make_case, business, mailoutbox):
    """Seam: the reminder to the business comes before the date its sheet gave, and quotes that date."""
    case = make_case("transferred")
    sheet = case.transfer_sheet
    sweep_daily(case, travel, sweep, 10)
    reminder = CaseReminder.objects.get(case=case, kind=R.BUSINESS_REMINDER)
    assert reminder.deadline == sheet.answer_by and timezone.localdate(reminder.taken_at) < sheet.answer_by
    email = Notification.objects.get(template="reminders/business_reminder")
    assert sheet.answer_by.isoformat() in email.body and email.to_address == business.email


def test_a_business_without_email_gets_no_mail_and_the_mediator_is_told(travel, sweep, make_case, business, mediator):
    business.email = ""
    business.save()
    case = make_case("transferred")
    travel(case.answer_due_on - 3 * DAY)
    sweep()
    travel(case.answer_due_on + DAY)
    sweep()

    assert not Notification.objects.filter(channel=EMAIL).exists()
    assert UrgingNotice.objects.get().sent_to == ""
    bodies = list(Notification.objects.filter(recipient_user=mediator).order_by("pk").values_list("template", "body"))
    assert [t for t, _ in bodies] == ["reminders/business_unreachable", "reminders/first_urge"]
    assert "请打印后寄送" in bodies[1][1]


def test_once_the_business_answered_it_is_not_urged_but_the_case_still_is(travel, sweep, make_case, mediator):
    case = make_case("transferred")
    sweep_daily(case, travel, sweep, 8)  # up to the day before the answer date (Mon Mar 9)
    transitions.record_reply(case_id=case.pk, actor=mediator, summary="同意更换，但需等待到货")

    sweep_daily(case, travel, sweep, 25, start=8)

    assert [k for k, _ in kinds(case)] == [R.BUSINESS_REMINDER, R.DUE_TODAY, R.HANDLING_OVERDUE, R.SUPERVISOR_QUEUE]
    assert not UrgingNotice.objects.exists()
    assert Notification.objects.filter(channel=EMAIL, template__startswith="reminders/").count() == 1  # before the reply


def test_an_appraisal_stops_the_ladder_and_the_extended_deadline_gets_a_new_one(travel, sweep, make_case, mediator):
    case = make_case("mediating")
    first_due = case.due_on
    travel(first_due - 5 * DAY)  # Thu Mar 12: ten days counted
    sweep()
    transitions.request_appraisal(case_id=case.pk, actor=mediator, reason="送检压缩机")
    assert Case.objects.get(pk=case.pk).next_reminder_on is None
    travel(first_due + 20 * DAY)  # Mon Apr 6
    assert sweep().steps == 0
    transitions.appraisal_done(case_id=case.pk, actor=mediator, reason="鉴定结论：压缩机故障")

    case.refresh_from_db()
    # Mar 13 - Apr 6 not counted; Apr 7-11 = days 11-15, Sat Apr 11 -> Mon Apr 13.
    assert case.due_on == first_due.replace(month=4, day=13)
    assert (case.reminder_stage, case.supervisor_queue_since) == ("", None)  # a new deadline, a new ladder
    assert case.next_reminder_on == case.due_on
    travel(case.due_on)
    sweep()
    assert kinds(case)[-1] == (R.DUE_TODAY, case.due_on)
    assert CaseReminder.objects.get(case=case, kind=R.DUE_TODAY).deadline == case.due_on


def test_acceptance_decisions_are_reminded_to_the_mediator(travel, sweep, make_case, mediator):
    case = make_case("submitted")
    due = case.acceptance_due_on
    travel(due - 2 * DAY)
    sweep()
    travel(due + DAY)
    sweep()
    assert [k for k, _ in kinds(case)] == [R.ACCEPTANCE_SOON, R.ACCEPTANCE_OVERDUE]
    assert list(Notification.objects.filter(recipient_user=mediator).values_list("template", flat=True)) == [
        "reminders/acceptance_soon",
        "reminders/acceptance_overdue",
    ]

    services.case_accept(case_id=case.pk, actor=mediator)
    case.refresh_from_db()
    assert (case.reminder_stage, case.next_reminder_on) == ("", case.due_on)


def test_without_a_mediator_the_supervisors_are_reminded(travel, sweep, make_case, supervisor):
    case = make_case("submitted", mediator=None)
    travel(case.acceptance_due_on + DAY)
    sweep()
    assert Notification.objects.exclude(template="cases/consumer_notice").get().recipient_user == supervisor


def test_waiting_for_material_stops_the_acceptance_ladder(travel, sweep, make_case, mediator):
    case = make_case("submitted")
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    travel(case.acceptance_due_on + 5 * DAY)
    assert sweep().steps == 0
    services.case_supplement_received(case_id=case.pk, actor=mediator)
    moved = Case.objects.get(pk=case.pk)
    assert moved.acceptance_due_on > case.acceptance_due_on  # the paused working days are not counted
    assert moved.next_reminder_on == moved.acceptance_due_on - 2 * DAY


def test_the_mediation_limit_is_flagged_and_the_mediator_told(travel, sweep, make_case, mediator):
    case = make_case("mediating")
    assert case.mediation_due_on is not None
    travel(case.mediation_due_on)
    sweep()
    assert Case.objects.get(pk=case.pk).mediation_limit_reached_on is None  # its last day
    travel(case.mediation_due_on + DAY)
    sweep()
    case.refresh_from_db()
    assert case.mediation_limit_reached_on == case.mediation_due_on
    notice = Notification.objects.get(template="reminders/mediation_limit")
    assert notice.recipient_user == mediator and case.number in notice.body


def test_a_step_recorded_already_is_not_taken_again(travel, sweep, make_case):
    """The unique constraint is the last guard: even if a case's ladder fields were rolled back (e.g. a stale
    save), the step and its notices do not happen twice."""
    case = make_case("transferred")
    answer = case.answer_due_on
    travel(answer + DAY)
    sweep()
    Case.objects.filter(pk=case.pk).update(
        answer_reminder_stage="", answer_reminder_stage_due_on=None, next_reminder_on=answer
    )

    result = sweep()

    assert (result.claimed, result.steps, result.notifications) == (1, 0, 0)
    assert CaseReminder.objects.count() == 1 and UrgingNotice.objects.count() == 1
    assert Case.objects.get(pk=case.pk).next_reminder_on == answer + 6 * DAY


def test_a_case_changed_since_it_was_read_is_not_claimed(travel, make_case, mediator):
    """The claim is a guarded UPDATE: a plan made from values that no longer hold takes nothing."""
    case = make_case("transferred")
    travel(case.due_on + DAY)
    stale = _due_batch(case.due_on + DAY, None, 10)
    transitions.record_reply(case_id=case.pk, actor=mediator, summary="已答复")

    result = _Sweep(case.due_on + DAY).take(stale)

    assert (result.cases, result.claimed, result.steps) == (1, 0, 0)
    assert not UrgingNotice.objects.exists()


def make_due_cases(make_case, count):
    return [make_case("transferred") for _ in range(count)]


def test_the_sweep_works_in_batches_of_fixed_cost(travel, make_case, django_capture_on_commit_callbacks):
    cases = make_due_cases(make_case, 7)
    travel(cases[0].answer_due_on + DAY)

    with CaptureQueriesContext(connection) as queries:
        result = deadlines_sweep(batch_size=3)

    assert (result.batches, result.steps, result.urging_notices) == (3, 7, 7)
    selects = [q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"] and q["sql"].startswith("SELECT")]
    assert len(selects) == 3 and all("LIMIT 3" in sql for sql in selects)
    numbers = sorted(UrgingNotice.objects.values_list("number", flat=True))
    assert numbers == [f"CB-2026-{n:06d}" for n in range(1, 8)]


def test_a_batch_costs_the_same_number_of_statements_at_any_size(travel, make_case):
    def statements(count):
        cases = make_due_cases(make_case, count)
        travel(cases[0].answer_due_on + DAY)
        with CaptureQueriesContext(connection) as queries:
            assert deadlines_sweep(batch_size=100, dispatch=False).steps == count
        Case.objects.update(next_reminder_on=None)  # out of the next measurement
        return len(queries)

    statements(1)  # first use: the notice counter row is created, content types are cached
    assert statements(2) == statements(20)


def test_management_command_runs_the_sweep(travel, make_case):
    case = make_case("accepted")
    travel(case.due_on)
    out = StringIO()
    call_command("sweep_deadlines", "--batch-size", "5", stdout=out)
    assert "1 step(s) taken for 1 case(s)" in out.getvalue()
    assert CaseReminder.objects.get().kind == R.DUE_TODAY


def test_beat_runs_the_task_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-deadlines"]
    assert entry["task"] == tasks.sweep_deadlines.name
    assert entry["schedule"] <= 600


def test_the_task_runs_the_sweep(travel, make_case, django_capture_on_commit_callbacks, mailoutbox):
    case = make_case("transferred")
    travel(case.answer_due_on + DAY)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_deadlines.delay()
    assert CaseReminder.objects.get().kind == R.FIRST_URGE
    assert len(urging_mail(mailoutbox)) == 1


def _plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        else:
            # Tiny tables: ask whether the index can serve the query, rows in its order (the planner would rather
            # sort a handful of rows; at scale it walks the index, see benchmarks/sweep.py).
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("after", [None, (FILED, 10)])
def test_the_sweep_finds_due_cases_through_its_partial_index(after):
    from django.db import transaction

    with transaction.atomic():
        sql, params = _due_queryset(FILED, after, 500).query.sql_with_params()
        plan = _plan(sql, params)
    assert "case_next_reminder_idx" in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # rows come in index order
