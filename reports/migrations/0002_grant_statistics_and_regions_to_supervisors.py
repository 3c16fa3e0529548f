from django.db import migrations

from cases.roles import grant


def roles(apps, schema_editor):
    grant(apps, {
        "mediator": ["cases.view_region"],
        "supervisor": ["cases.view_region", "cases.add_region", "cases.change_region", "reports.view_statistics"],
    })


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_statistics"), ("cases", "0005_region_and_mediation_indexes")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
