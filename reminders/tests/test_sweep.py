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
    due = case.due_on

    taken = sweep_daily(case, travel, sweep, 40)

    assert taken == {due - 3 * DAY: [1], due: [1], due + DAY: [1], due + 6 * DAY: [1], due + 16 * DAY: [1]}
    assert kinds(case) == [
        (R.BUSINESS_REMINDER, due - 3 * DAY),
        (R.DUE_TODAY, due),
        (R.FIRST_URGE, due + DAY),
        (R.SECOND_URGE, due + 6 * DAY),
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
        "reminders/due_today",
        "reminders/first_urge",
        "reminders/second_urge",
        "reminders/escalation_candidate",
    ]
    assert "CB-2026-000001" in to_mediator[1].body
    assert Notification.objects.filter(recipient_user=supervisor, template="reminders/escalation_candidate").count() == 1
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    case.refresh_from_db()
    assert (case.supervisor_queue_since, case.escalation_candidate_since) == (due + 6 * DAY, due + 16 * DAY)
    assert case.next_reminder_on is None


def test_a_long_overdue_case_is_urged_first_then_again_five_days_later(travel, sweep, make_case):
    case = make_case("transferred")
    start = case.due_on + 30 * DAY  # e.g. the day the system went live
    for n in range(16):
        travel(start + n * DAY)
        sweep()
    steps = CaseReminder.objects.filter(case=case).order_by("pk")
    assert [(s.kind, timezone.localdate(s.taken_at), s.scheduled_on) for s in steps] == [
        (R.FIRST_URGE, start, case.due_on + DAY),  # due then, taken late: none of the ladder is skipped
        (R.SECOND_URGE, start + 5 * DAY, start + 5 * DAY),
        (R.ESCALATION_CANDIDATE, start + 15 * DAY, start + 15 * DAY),
    ]
    assert list(UrgingNotice.objects.order_by("number").values_list("round", "issued_on")) == [
        (1, start),
        (2, start + 5 * DAY),
    ]


def test_steps_and_notices_are_the_system_users_and_about_the_case(travel, sweep, make_case):
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    system = get_system_user()
    step = CaseReminder.objects.get(case=case)
    assert step.taken_by == system and step.case_state == "transferred"
    assert step.urging_notice.issued_by == system
    assert {n.about for n in Notification.objects.filter(template__startswith="reminders/")} == {case}


def test_the_urging_notice_is_numbered_frozen_and_addressed_to_the_business(travel, sweep, make_case, business):
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    assert notice.business_name == business.name and notice.sent_to == business.email
    assert notice.document.text.startswith(f"{business.name}：")
    assert case.number in notice.document.text and "2026年3月17日" in notice.document.text and "第二次" not in notice.document.text

    business.name = "改名后的商场"
    business.save()
    travel(case.due_on + 6 * DAY)
    sweep()
    assert UrgingNotice.objects.get(pk=notice.pk).document.text.startswith("示范电器商场")  # frozen as issued
    second = UrgingNotice.objects.exclude(pk=notice.pk).get()
    assert second.document.text.startswith("改名后的商场：") and "第二次催办" in second.document.text


def test_a_business_without_email_gets_no_mail_and_the_mediator_is_told(travel, sweep, make_case, business, mediator):
    business.email = ""
    business.save()
    case = make_case("transferred")
    travel(case.due_on - 3 * DAY)
    sweep()
    travel(case.due_on + DAY)
    sweep()

    assert not Notification.objects.filter(channel=EMAIL).exists()
    assert UrgingNotice.objects.get().sent_to == ""
    bodies = list(Notification.objects.filter(recipient_user=mediator).order_by("pk").values_list("template", "body"))
    assert [t for t, _ in bodies] == ["reminders/business_unreachable", "reminders/first_urge"]
    assert "请打印后寄送" in bodies[1][1]


def test_once_the_business_answered_it_is_not_urged_but_the_case_still_is(travel, sweep, make_case, mediator):
    case = make_case("transferred")
    sweep_daily(case, travel, sweep, 14)  # up to the day before the due date
    transitions.record_reply(case_id=case.pk, actor=mediator, summary="同意更换，但需等待到货")

    sweep_daily(case, travel, sweep, 25, start=14)

    assert [k for k, _ in kinds(case)] == [R.BUSINESS_REMINDER, R.DUE_TODAY, R.FIRST_URGE, R.SECOND_URGE]
    assert not UrgingNotice.objects.exists()
    assert Notification.objects.filter(channel=EMAIL, template__startswith="reminders/").count() == 1  # before the reply


def test_an_appraisal_stops_the_ladder_and_the_extended_deadline_gets_a_new_one(travel, sweep, make_case, mediator):
    case = make_case("mediating")
    for days in (1, 6):  # first urge, second urge: in the supervisors' queue
        travel(case.due_on + days * DAY)
        sweep()
    case.refresh_from_db()
    assert case.supervisor_queue_since == case.due_on + 6 * DAY
    first_due = case.due_on

    transitions.request_appraisal(case_id=case.pk, actor=mediator, reason="送检压缩机")
    assert Case.objects.get(pk=case.pk).next_reminder_on is None
    travel(first_due + 30 * DAY)
    assert sweep().steps == 0
    transitions.appraisal_done(case_id=case.pk, actor=mediator, reason="鉴定结论：压缩机故障")

    case.refresh_from_db()
    assert case.due_on >= first_due + 22 * DAY
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
    assert Notification.objects.get().recipient_user == supervisor


def test_waiting_for_material_stops_the_acceptance_ladder(travel, sweep, make_case, mediator):
    case = make_case("submitted")
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    travel(case.acceptance_due_on + 5 * DAY)
    assert sweep().steps == 0
    services.case_supplement_received(case_id=case.pk, actor=mediator)
    case.refresh_from_db()
    assert case.next_reminder_on == case.acceptance_due_on - 2 * DAY  # moved by the paused days


def test_the_mediation_limit_is_flagged_and_the_mediator_told(travel, sweep, make_case, mediator):
    case = make_case("mediating")
    assert case.mediation_due_on is not None
    travel(case.mediation_due_on - DAY)
    sweep()
    assert Case.objects.get(pk=case.pk).mediation_limit_reached_on is None
    travel(case.mediation_due_on)
    sweep()
    case.refresh_from_db()
    assert case.mediation_limit_reached_on == case.mediation_due_on
    notice = Notification.objects.get(template="reminders/mediation_limit")
    assert notice.recipient_user == mediator and case.number in notice.body


def test_a_step_recorded_already_is_not_taken_again(travel, sweep, make_case):
    """The unique constraint is the last guard: even if a case's ladder fields were rolled back (e.g. a stale
    save), the step and its notices do not happen twice."""
    case = make_case("transferred")
    travel(case.due_on + DAY)
    sweep()
    Case.objects.filter(pk=case.pk).update(reminder_stage="", reminder_stage_due_on=None, next_reminder_on=case.due_on)

    result = sweep()

    assert (result.claimed, result.steps, result.notifications) == (1, 0, 0)
    assert CaseReminder.objects.count() == 1 and UrgingNotice.objects.count() == 1
    assert Case.objects.get(pk=case.pk).next_reminder_on == case.due_on + 6 * DAY


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
    travel(cases[0].due_on + DAY)

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
        travel(cases[0].due_on + DAY)
        with CaptureQueriesContext(connection) as queries:
            assert deadlines_sweep(batch_size=100, dispatch=False).steps == count
        Case.objects.update(next_reminder_on=None)  # out of the next measurement
        return len(queries)

    statements(1)  # first use: the notice counter row is created, content types are cached
    assert statements(2) == statements(20)


def test_management_command_runs_the_sweep(travel, make_case):
    case = make_case("transferred")
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
    travel(case.due_on + DAY)
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
