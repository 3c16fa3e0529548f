from django.db import migrations

from cases.roles import grant

STAFF = ["reminders.view_casereminder", "reminders.view_urgingnotice"]


def reminder_roles(apps, schema_editor):
    grant(apps, {"mediator": STAFF, "supervisor": [*STAFF, "reminders.view_overduecase"]})


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("cases", "0004_calendar_roles")]
    operations = [migrations.RunPython(reminder_roles, migrations.RunPython.noop)]
