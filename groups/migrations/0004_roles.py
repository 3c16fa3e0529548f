from django.db import migrations

from cases.roles import grant

VIEW = ["groups.view_groupcomplaint", "groups.view_groupmember", "groups.view_memberconsent",
        "groups.view_lawsuitsupport", "groups.view_hotspotalert"]


def roles(apps, schema_editor):
    grant(apps, {
        "mediator": [*VIEW, "groups.add_groupcomplaint"],
        "supervisor": [*VIEW, "groups.add_groupcomplaint", "groups.view_hotspots"],
    })


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_hotspot_permission"), ("cases", "0003_roles")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
