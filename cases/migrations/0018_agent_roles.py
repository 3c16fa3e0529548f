from django.db import migrations

from cases.roles import grant


def agent_roles(apps, schema_editor):
    grant(apps, {"mediator": ["cases.view_agent"], "supervisor": ["cases.view_agent"]})


class Migration(migrations.Migration):
    dependencies = [("cases", "0017_agent_and_report")]
    operations = [migrations.RunPython(agent_roles, migrations.RunPython.noop)]
