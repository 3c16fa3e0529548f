"""Supervisors manage the accounts: they create mediator and business accounts and invite them (cases.users)."""

from django.db import migrations

from cases.roles import grant


def grant_account_management(apps, schema_editor):
    grant(apps, {"supervisor": ["accounts.manage_accounts"]})


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_evidence_preview"), ("accounts", "0002_manage_accounts_permission")]
    operations = [migrations.RunPython(grant_account_management, migrations.RunPython.noop)]
