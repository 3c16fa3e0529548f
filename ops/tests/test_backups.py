"""Backup → restore into a fresh database → the same row counts and stored-file checksums (CI runs it on PG)."""

import io
import json

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from psycopg import sql

from cases.models import Document
from ops.backups import backup_create, backup_verify, sha256


def _admin(database):
    return psycopg.connect(
        dbname="postgres", user=database["USER"] or None, password=database["PASSWORD"] or None,
        host=database["HOST"] or None, port=database["PORT"] or None, autocommit=True,
    )


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards; yields its URL."""
    database = settings.DATABASES["default"]
    name = f"{database['NAME']}_restore"
    with _admin(database) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    yield f"postgres://{auth}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    with _admin(database) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restore_round_trip(make_case, tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    make_case("transferred")
    make_case("resolved")
    documents = list(Document.objects.exclude(pdf=""))
    assert len(documents) >= 2, "the cases issued their documents with stored PDFs"
    originals = {d.pdf.name: sha256(tmp_path / "media" / d.pdf.name) for d in documents}

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "Backed up" in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["cases_case"] == 2 and manifest["missing_files"] == []

    out = io.StringIO()
    call_command("restore", str(tmp_path / "backup"), database_url=fresh_database,
                 media_root=str(tmp_path / "restored"), stdout=out)
    assert "Restored and verified" in out.getvalue()

    # The check, done here by hand too: the same rows in every table, the same bytes in every document.
    with psycopg.connect(fresh_database) as conn:
        for table, count in manifest["tables"].items():
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            assert conn.execute(query).fetchone()[0] == count, table
        names = [row[0] for row in conn.execute("SELECT pdf FROM cases_document WHERE pdf <> ''")]
    assert {n: sha256(tmp_path / "restored" / n) for n in names} == originals

    # ...and the check can fail: a changed file and a lost row are both reported.
    (tmp_path / "restored" / names[0]).write_bytes(b"%PDF-1.4 tampered")
    with psycopg.connect(fresh_database, autocommit=True) as conn:
        conn.execute("DELETE FROM cases_historicalcase WHERE history_id = (SELECT min(history_id) FROM cases_historicalcase)")
    check = backup_verify(tmp_path / "backup", database_url=fresh_database, media_root=tmp_path / "restored")
    assert f"file {names[0]}: checksum differs" in check.problems
    assert any(p.startswith("table cases_historicalcase:") for p in check.problems)
    with pytest.raises(CommandError, match="differs from the backup"):
        call_command("restore", str(tmp_path / "backup"), database_url=fresh_database,
                     media_root=str(tmp_path / "restored"), verify_only=True, stderr=io.StringIO())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings, fresh_database):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    backup_create(tmp_path / "backup")
    call_command("restore", str(tmp_path / "backup"), database_url=fresh_database,
                 media_root=str(tmp_path / "restored"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"), database_url=fresh_database,
                     media_root=str(tmp_path / "restored"), stdout=io.StringIO())


def test_backup_needs_postgresql(tmp_path):
    with pytest.raises(ValueError, match="PostgreSQL"):
        backup_create(tmp_path / "backup", database={"ENGINE": "django.db.backends.sqlite3", "NAME": "x"})
