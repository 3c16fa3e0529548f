"""Gave the cases that existed then their place on the reminder ladders (cases.ladder), so the sweep saw them.

Superseded by 0010_deadlines_one_truth, which reschedules every open case on today's two-track ladder; running the
current ladder code here, against the fields of this point in history, would fail.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_reminder_ladder")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
