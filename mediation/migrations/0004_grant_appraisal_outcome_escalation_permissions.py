from django.db import migrations

from cases.roles import grant

VIEW = [
    "mediation.view_appraisalbody", "mediation.add_appraisalbody", "mediation.view_appraisalrequest",
    "mediation.view_remedyline", "mediation.view_casedocument", "mediation.view_escalation",
    "mediation.view_governmentreport", "mediation.view_publication",
]


def roles(apps, schema_editor):
    grant(apps, {
        "mediator": VIEW,
        "supervisor": [*VIEW, "mediation.change_appraisalbody", "mediation.approve_escalation"],
    })


class Migration(migrations.Migration):
    dependencies = [("mediation", "0003_appraisal_outcomes_escalation")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
