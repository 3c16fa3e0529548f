"""pg_trgm on PostgreSQL: groups.selectors takes each complaint's trigrams from show_trgm() (pg_trgm's similarity
measure). SQLite extracts the same trigrams in Python, so nothing is done there."""

from django.db import migrations


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
