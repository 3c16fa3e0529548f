"""Give the cases that exist already their place on the reminder ladders (cases.ladder), so the sweep sees them."""

from django.db import migrations
from django.utils import timezone

from cases import ladder
from cases.choices import OPEN_STATES


def schedule(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    today = timezone.localdate()
    batch = []
    for case in Case.objects.filter(state__in=OPEN_STATES).iterator(chunk_size=2000):
        ladder.reschedule(case, today)
        batch.append(case)
        if len(batch) == 2000:
            Case.objects.bulk_update(batch, ladder.FIELDS)
            batch = []
    Case.objects.bulk_update(batch, ladder.FIELDS)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_reminder_ladder")]
    operations = [migrations.RunPython(schedule, migrations.RunPython.noop)]
