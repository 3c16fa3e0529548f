"""Existing cases under the one-truth deadlines (cases.deadlines):

- every case with a transfer sheet gets the business's answer date the sheet gave (answer_due_on = answer_by), so
  the ladder, the public list and the business timeliness figures read what the business was told;
- open cases get their due dates counted again from their start with all their pauses (the mediation limit from
  filing, no longer from the start of mediation), and their place on the two-track ladder: the association's
  steps keep their place (first/second urging notice become "handling overdue"/"supervisors' queue"); the
  business's ladder starts on the answer date (a step already taken for the same date is not taken again:
  reminders.CaseReminder is unique per case, kind and deadline).
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases import deadlines, ladder
from cases.choices import OPEN_STATES

RENAMED = {"first_urge": "handling_overdue", "second_urge": "supervisor_queue", "business_reminder": ""}
BUSINESS_STEPS = {"business_reminder", "first_urge", "second_urge"}


def forwards(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    TransferSheet = apps.get_model("mediation", "TransferSheet")
    answer_by = TransferSheet.objects.filter(case=OuterRef("pk")).values("answer_by")[:1]
    Case.objects.filter(transfer_sheet__isnull=False).update(answer_due_on=Subquery(answer_by))

    today = timezone.localdate()
    fields = [*deadlines.FIELDS, *ladder.FIELDS]
    batch = []
    for case in Case.objects.filter(state__in=OPEN_STATES).prefetch_related("pauses").iterator(chunk_size=500):
        for name, value in deadlines.case_due_dates(case, deadlines.pauses_of(case)).items():
            setattr(case, name, value)
        old = case.reminder_stage
        if old in BUSINESS_STEPS and case.reminder_stage_due_on == case.answer_due_on:
            case.answer_reminder_stage = old
            case.answer_reminder_stage_due_on = case.reminder_stage_due_on
            case.answer_reminder_stage_on = case.reminder_stage_on
        if old in RENAMED:
            case.reminder_stage = RENAMED[old]
            if not case.reminder_stage:
                case.reminder_stage_due_on = case.reminder_stage_on = None
        ladder.reschedule(case, today)
        batch.append(case)
        if len(batch) == 500:
            Case.objects.bulk_update(batch, fields)
            batch = []
    Case.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_deadlines_one_truth"),
        ("mediation", "0006_transfer_sheet_roles"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
