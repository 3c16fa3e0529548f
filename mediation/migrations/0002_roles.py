from django.db import migrations

from cases.roles import grant


def roles(apps, schema_editor):
    grant(apps, {"mediator": ["mediation.view_followup"], "supervisor": ["mediation.view_followup"]})


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial"), ("cases", "0004_calendar_roles")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
