from django.db import migrations

from cases.roles import grant


def calendar_roles(apps, schema_editor):
    grant(apps, {
        "mediator": ["workcalendar.view_calendaroverride"],
        "supervisor": [
            "workcalendar.view_calendaroverride", "workcalendar.add_calendaroverride",
            "workcalendar.change_calendaroverride", "workcalendar.delete_calendaroverride",
        ],
    })


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_roles"), ("workcalendar", "0001_initial")]
    operations = [migrations.RunPython(calendar_roles, migrations.RunPython.noop)]
