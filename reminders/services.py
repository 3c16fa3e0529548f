"""The deadline sweep: every reminder step that is due (cases.ladder) is taken exactly once, in batches.

`deadlines_sweep` works batch by batch, each batch one transaction:
1. Select up to `batch_size` due cases through case_next_reminder_idx, in (next_reminder_on, id) order after the
   previous batch (keyset), with FOR UPDATE SKIP LOCKED on PostgreSQL so a concurrent sweep takes other cases.
2. Plan each case (cases.ladder.plan with taking=True): the steps due now and the case's ladder fields after them.
3. Claim: one guarded UPDATE writes the new ladder fields of every case whose inputs to the plan still hold the
   values it was made from, RETURNING which; a case someone changed meanwhile is left alone (its new owner
   planned it again).
4. Record the claimed steps: one INSERT ... ON CONFLICT (case, kind, deadline) DO NOTHING RETURNING the new ones.
   The unique constraint is the last guard: a step that exists already is not taken again, whatever happened.
5. Issue the urging notices of new urging steps whose case waits for the business's answer: a block of numbers
   from one counter update, the first notices that second ones cite (one query), the frozen text, one INSERT.
6. Put the notices of the new steps in the outbox (notifications_enqueue_bulk), in the same transaction: once the
   batch commits nothing can be lost, and if the worker dies before sending, the outbox's dispatcher sends the
   pending rows later, once.
After the last batch one dispatch of the outbox is requested. Statements per batch are fixed, whatever its size
(the working calendar is read once per sweep, calendar_snapshot); memory holds one batch.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation

from cases import ladder
from cases.choices import ReminderStep
from cases.documents import DocumentRow, document_rows_issue, without_closing
from cases.models import Case, Delivery, DocumentKind
from cases.numbering import next_numbers
from cases.users import SUPERVISOR_GROUP, get_system_user
from core import bulk
from core.dates import cn_date
from notifications.models import Notification
from notifications.services import Notice, notifications_enqueue_bulk, notifications_request_dispatch
from workcalendar.services import calendar_snapshot

from .models import CaseReminder, UrgingNotice

logger = logging.getLogger(__name__)

R = ReminderStep
EMAIL = Notification.Channel.EMAIL
IN_APP = Notification.Channel.IN_APP
NOTICE_PREFIX = DocumentKind.URGING_NOTICE.prefix

# What the sweep reads of a due case: the plan's inputs and what the notices say.
ROW_FIELDS = [
    "id",
    *ladder.INPUTS,
    "number",
    "product",
    "received_at",
    "transferred_at",
    "business_id",
    "business__name",
    "business__email",
    "mediator_id",
    "transfer_sheet__number",
    "deadlines_provisional",
]
STEP_FIELDS = ["case", "kind", "deadline", "scheduled_on", "case_state", "taken_at", "taken_by"]
NOTICE_FIELDS = [
    "number", "case", "reminder", "round", "business_name", "sent_to", "deadline", "answer_by", "document",
    "issued_on", "issued_by",
]


class IssuedNotice(NamedTuple):
    """An urging notice as the sweep issues it (the first values of NOTICE_FIELDS)."""

    number: str
    case_id: int
    reminder_id: int
    round: int
    business_name: str
    sent_to: str
    deadline: date
    answer_by: date
    text: str
    case_number: str


@dataclass
class SweepResult:
    cases: int = 0  # due cases planned
    claimed: int = 0  # of which this sweep claimed (the rest: someone else did)
    steps: int = 0  # steps recorded
    urging_notices: int = 0
    notifications: int = 0
    batches: int = 0

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def deadlines_sweep(*, batch_size: int = 1000, today: date | None = None, dispatch: bool = True) -> SweepResult:
    """Take every reminder step due on `today` (default: today); safe to run concurrently and repeatedly."""
    sweep = _Sweep(today or timezone.localdate())
    result = SweepResult()
    after = None
    with calendar_snapshot():  # the second urging notice's day and the new answer dates read the calendar
        while True:
            with transaction.atomic():
                rows = _due_batch(sweep.today, after, batch_size)
                if rows:
                    result.add(sweep.take(rows))
            if len(rows) < batch_size:
                break
            after = (rows[-1].next_reminder_on, rows[-1].id)
    if dispatch and result.notifications:
        transaction.on_commit(notifications_request_dispatch)
    logger.log(logging.INFO if result.cases else logging.DEBUG, "Deadline sweep for %s: %s", sweep.today, result)
    return result


def _due_batch(today, after, size):
    return list(_due_queryset(today, after, size))


def _due_queryset(today, after, size):
    """The next `size` due cases after the (next_reminder_on, id) pair `after`, locked, in index order."""
    due = Case.objects.filter(next_reminder_on__lte=today)
    if after is not None:
        at, pk = after
        # One range plus an exclusion (not an OR), so the scan starts at `at` in case_next_reminder_idx.
        due = due.filter(next_reminder_on__gte=at).exclude(next_reminder_on=at, id__lte=pk)
    return (
        due.order_by("next_reminder_on", "id")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list(*ROW_FIELDS, named=True)[:size]
    )


class _Sweep:
    """What stays the same for a whole sweep: the day, the system user, the offsets, who the supervisors are."""

    def __init__(self, today):
        self.today = today
        self.system_id = get_system_user().pk
        self.days = ladder.offsets()
        self.supervisor_ids = list(
            get_user_model()
            .objects.filter(groups__name=SUPERVISOR_GROUP, is_active=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()
        )
        self.notice_template = get_template("reminders/urging_notice.txt")
        self.notice_pieces = {}

    def take(self, rows) -> SweepResult:
        result = SweepResult(cases=len(rows), batches=1)
        plans = {row.id: ladder.plan(row, self.today, taking=True, days=self.days) for row in rows}
        claimed = set(self._claim(rows, plans))
        result.claimed = len(claimed)
        now = timezone.now()
        step_rows = [
            (row.id, step.kind, step.deadline, step.on, row.state, now, self.system_id)
            for row in rows
            if row.id in claimed
            for step in plans[row.id].take
        ]
        new = bulk.insert_ignoring_conflicts(
            CaseReminder,
            fields=STEP_FIELDS,
            rows=step_rows,
            conflict_fields=["case", "kind", "deadline"],
            returning=["id", "case", "kind"],
        )
        result.steps = len(new)
        steps = {(case_id, kind): pk for pk, case_id, kind in new}
        taken = [  # in the batch's order, so the notices' numbers follow it
            (row, step, steps[row.id, step.kind])
            for row in rows
            if row.id in claimed
            for step in plans[row.id].take
            if (row.id, step.kind) in steps
        ]
        notices = self._issue_urging_notices(taken)
        result.urging_notices = len(notices)
        result.notifications = notifications_enqueue_bulk(
            (n for row, step, _pk in taken for n in self._notices(row, step, notices.get(row.id))),
            dispatch=False,
        )
        return result

    def _claim(self, rows, plans):
        """The guarded UPDATE: new ladder fields where every input of the plan is unchanged."""
        return bulk.update_guarded(
            Case,
            set_fields=ladder.FIELDS,
            guard_fields=ladder.INPUTS,
            rows=[
                (row.id, *plans[row.id].values().values(), *(getattr(row, name) for name in ladder.INPUTS))
                for row in rows
            ],
        )

    # --- urging notices -----------------------------------------------------------------------------------

    def _issue_urging_notices(self, taken) -> dict[int, "IssuedNotice"]:
        urging = [
            (row, step, pk)
            for row, step, pk in taken
            if step.kind in ladder.URGING_STEPS and ladder.awaits_business(row)
        ]
        if not urging:
            return {}
        numbers = next_numbers(prefix=NOTICE_PREFIX, year=self.today.year, count=len(urging))
        firsts = self._first_notices([row.id for row, step, _pk in urging if step.kind == R.SECOND_URGE])
        with translation.override("zh-hans"):  # a document of the association, always in Chinese
            notices = [
                self._urging_notice(row, step, pk, number, firsts.get((row.id, step.deadline)))
                for (row, step, pk), number in zip(urging, numbers, strict=True)
            ]
        sheets = {row.id: row.transfer_sheet__number for row, _step, _pk in urging}
        documents = document_rows_issue(
            kind=DocumentKind.URGING_NOTICE,
            rows=[self._urging_document(notice, sheets[notice.case_id]) for notice in notices],
            actor_id=self.system_id,
            issued_at=timezone.now(),
        )
        bulk.insert_ignoring_conflicts(
            UrgingNotice,
            fields=NOTICE_FIELDS,
            rows=[(*notice[:8], documents[notice.number], self.today, self.system_id) for notice in notices],
            conflict_fields=["reminder"],  # never: the step was new
            returning=["id"],
        )
        # Their delivery (送达) in the portal, where the business reads them: one statement for the batch.
        now = timezone.now()
        bulk.insert_ignoring_conflicts(
            Delivery,
            fields=["case", "document", "step", "party", "method", "address", "recipient", "status",
                    "failure_reported", "created_at"],
            rows=[
                (notice.case_id, documents[notice.number], f"urging:{notice.number}", Delivery.Party.BUSINESS,
                 Delivery.Method.PORTAL, "", notice.business_name, Delivery.Status.SENT, False, now)
                for notice in notices
            ],
            conflict_fields=["case", "step", "party", "method"],
            returning=["id"],
        )
        return {notice.case_id: notice for notice in notices}

    @staticmethod
    def _first_notices(case_ids):
        """The first urging notices that second ones cite: {(case id, answer date): (number, issued on)}."""
        if not case_ids:
            return {}
        rows = UrgingNotice.objects.filter(case_id__in=case_ids, round=1).values_list(
            "case_id", "deadline", "number", "issued_on"
        )
        return {(case_id, deadline): (number, issued_on) for case_id, deadline, number, issued_on in rows}

    def _notice_text(self, round_, context):
        """The template rendered once per round and provisional mark with a marker for every value, then joined
        per notice (the engine's output for these str and int values, at a fraction of the cost)."""
        key = (round_, context["provisional"])
        if key not in self.notice_pieces:
            marked = self.notice_template.render({name: f"\x01{name}\x02" for name in context} | {
                "round": round_, "provisional": context["provisional"]})
            self.notice_pieces[key] = re.split("\x01|\x02", marked)  # text, name, text, name, …, text
        pieces = self.notice_pieces[key]
        out = pieces[:]
        for i in range(1, len(pieces), 2):
            out[i] = str(context[pieces[i]])
        return "".join(out)

    def _urging_document(self, notice, sheet_number):
        """The notice's document: its table cites the transfer sheet it urges (number and answer date); the
        closing lines of the text (the association, the date) are the document's seal block."""
        with translation.override("zh-hans"):
            fields = [
                ("案件编号", notice.case_number),
                ("转办单编号", sheet_number or "—"),
                ("被催办单位", notice.business_name),
                ("原答复期限", cn_date(notice.deadline)),
                ("新答复期限", cn_date(notice.answer_by)),
                ("催办次数", f"第{notice.round}次"),
            ]
        return DocumentRow(
            case_id=notice.case_id,
            number=notice.number,
            text=without_closing(notice.text, date=cn_date(self.today)),
            fields=fields,
        )

    def _urging_notice(self, row, step, reminder_id, number, first):
        """The notice's text: the transfer sheet's number and answer date (the step's deadline is the case's
        answer_due_on, which the sheet's answer_by copies), the days overdue counted from it, and a new answer date
        (deadlines.urged_answer_due); a second notice cites the first."""
        round_ = 1 if step.kind == R.FIRST_URGE else 2
        answer = self.days.urged_answer_due(self.today)
        text = self._notice_text(
            round_,
            {
                "number": number,
                "round": round_,
                "business": row.business__name,
                "case": row.number,
                "product": row.product,
                "sheet": row.transfer_sheet__number or "",
                "transferred_on": cn_date(timezone.localdate(row.transferred_at)) if row.transferred_at else "",
                "deadline": cn_date(step.deadline),
                "days_overdue": (self.today - step.deadline).days,
                "answer_days": settings.CASE_URGE_ANSWER_DAYS,
                "answer_by": cn_date(answer.on),
                "provisional": answer.provisional,
                "first_number": first[0] if first else "",
                "first_issued_on": cn_date(first[1]) if first else "",
                "issued_on": cn_date(self.today),
                "association": settings.ASSOCIATION_NAME,
                "phone": settings.ASSOCIATION_PHONE,
            }
        )
        return IssuedNotice(
            number, row.id, reminder_id, round_, row.business__name or "", row.business__email or "",
            step.deadline, answer.on, text.strip(), row.number or f"#{row.id}",
        )

    # --- notifications -----------------------------------------------------------------------------------

    def _notices(self, row, step, notice):
        """The outbox rows for one new step: who hears of it, on which channel, with which template."""
        context = self._context(row, step)
        kind = step.kind
        if kind == R.BUSINESS_REMINDER:
            if row.business__email:
                yield self._notice(row, step, EMAIL, "reminders/business_reminder", context, to=row.business__email)
            else:
                yield from self._to_staff(row, step, "reminders/business_unreachable", context)
            return
        if notice is not None:
            context.update(notice=notice.number, emailed=notice.sent_to)
            if notice.sent_to:
                yield self._notice(
                    row, step, EMAIL, "reminders/urging_notice", {**context, "round": notice.round, "text": notice.text},
                    to=notice.sent_to,
                )
        yield from self._to_staff(row, step, f"reminders/{kind}", context)
        if kind == R.ESCALATION_CANDIDATE:
            for user_id in self.supervisor_ids:
                if user_id != row.mediator_id:
                    yield self._notice(row, step, IN_APP, "reminders/escalation_candidate", context, user=user_id)

    def _to_staff(self, row, step, template, context):
        """To the mediator in charge; with none assigned, to every supervisor."""
        for user_id in [row.mediator_id] if row.mediator_id else self.supervisor_ids:
            yield self._notice(row, step, IN_APP, template, context, user=user_id)

    def _notice(self, row, step, channel, template, context, *, to="", user=None):
        recipient = f"user:{user}" if user else "business"
        return Notice(
            channel=channel,
            template=template,
            context=context,
            recipient_user_id=user,
            to_address=to,
            about=(Case, row.id),
            dedupe_key=f"reminder:{row.id}:{step.kind}:{step.deadline.isoformat()}:{recipient}",
        )

    def _context(self, row, step):
        return {
            "case": row.number or f"#{row.id}",
            "product": row.product,
            "business": row.business__name or "",
            "deadline": step.deadline.isoformat(),
            "days_left": (step.deadline - self.today).days,
            "days_overdue": (self.today - step.deadline).days,
            "received_on": timezone.localdate(row.received_at).isoformat(),
            "association": settings.ASSOCIATION_NAME,
            "phone": settings.ASSOCIATION_PHONE,
        }
