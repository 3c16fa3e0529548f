"""PostgreSQL: the full-text vector of the search words stored (a generated column) instead of computed from the
words for every row a search ranks or rechecks; the GIN index moves onto it (cases.search.TSVECTOR)."""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS case_search_words_idx",
    "ALTER TABLE cases_case ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_words)) STORED",
    "CREATE INDEX IF NOT EXISTS case_search_vector_idx ON cases_case USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS case_search_vector_idx",
    "ALTER TABLE cases_case DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX IF NOT EXISTS case_search_words_idx ON cases_case "
    "USING gin (to_tsvector('simple'::regconfig, search_words))",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_search_and_workbench_indexes")]

    operations = [migrations.RunPython(forward, backward)]
