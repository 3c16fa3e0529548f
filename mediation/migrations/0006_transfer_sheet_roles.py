from django.db import migrations

from cases.roles import grant

VIEW = [
    "mediation.view_transfersheet",
    "mediation.view_transfersheetdispatch",
    "mediation.view_businessreply",
    "mediation.view_sheetmessage",
    "mediation.view_consumerresponse",
]


def transfer_sheet_roles(apps, schema_editor):
    grant(apps, {"mediator": VIEW, "supervisor": VIEW})


class Migration(migrations.Migration):
    dependencies = [("mediation", "0005_transfer_sheets_replies_messages")]
    operations = [migrations.RunPython(transfer_sheet_roles, migrations.RunPython.noop)]
