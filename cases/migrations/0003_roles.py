"""Create the role groups (mediator, supervisor, business) with their permissions, and the system user."""

from django.db import migrations

from cases.roles import grant

MEDIATOR = [
    "cases.view_case", "cases.add_case", "cases.change_case",
    "cases.screen_case", "cases.transfer_case", "cases.mediate_case", "cases.withdraw_case", "cases.close_case",
    "cases.view_consumer", "cases.add_consumer", "cases.change_consumer",
    "cases.view_business", "cases.add_business", "cases.change_business",
    "cases.view_evidence", "cases.add_evidence", "cases.change_evidence",
    "cases.view_casenote", "cases.add_casenote",
    "cases.view_rejectionground", "cases.view_terminationground", "cases.view_casepause",
]
SUPERVISOR = MEDIATOR + [
    "cases.reassign_case",
    "cases.add_rejectionground", "cases.change_rejectionground",
    "cases.add_terminationground", "cases.change_terminationground",
]


def create_roles(apps, schema_editor):
    grant(apps, {"mediator": MEDIATOR, "supervisor": SUPERVISOR, "business": []})
    User = apps.get_model("auth", "User")
    User.objects.get_or_create(username="system", defaults={"is_active": False, "first_name": "系统", "password": "!"})


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_seed_grounds"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
