"""Backups of PostgreSQL and the stored files, and their restore with a check (manage.py backup / restore).

A backup is a folder:
- `database.dump`: pg_dump's custom format, taken in an exported snapshot;
- `media.tar.gz`: MEDIA_ROOT (evidence, documents, seals, appraisal conclusions);
- `manifest.json`: the row count of every table and the SHA-256 of every stored file the database refers to,
  both read in the same snapshot as the dump, so they describe exactly what the dump holds.

`restore` loads the dump into an empty database (pg_restore), unpacks the files into a media folder, then
checks the restored copy against the manifest: every table's row count, and every file the restored database
refers to present with its checksum. Any difference fails the restore.
"""

import hashlib
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"


@dataclass
class Verification:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _conninfo(database: dict) -> dict:
    return {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
    }


def conninfo_from_url(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "dbname": unquote(parts.path.lstrip("/")),
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "host": parts.hostname,
        "port": str(parts.port) if parts.port else None,
    }


def _pg_env(info: dict) -> dict:
    env = dict(os.environ)
    for key, name in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")):
        if info.get(key):
            env[name] = info[key]
    env["PGDATABASE"] = info["dbname"]
    return env


def _connect(info: dict, **kwargs):
    return psycopg.connect(**{k: v for k, v in info.items() if v is not None}, **kwargs)


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of the installed models (history tables included)."""
    columns = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                columns.append((model._meta.db_table, f.column))
    return sorted(set(columns))


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor, tables) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _referenced_files(cursor, existing_tables) -> set[str]:
    names = set()
    for table, column in file_columns():
        if table not in existing_tables:
            continue
        query = psycopg.sql.SQL("SELECT DISTINCT {c} FROM {t} WHERE {c} <> ''").format(
            c=psycopg.sql.Identifier(column), t=psycopg.sql.Identifier(table)
        )
        cursor.execute(query)
        names.update(row[0] for row in cursor.fetchall())
    return names


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(out: Path, *, database: dict | None = None, media_root: str | None = None) -> dict:
    """Write a backup of the database (default: the configured one) and MEDIA_ROOT into the folder `out`."""
    database = database or settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError("backups need PostgreSQL (pg_dump); set DATABASE_URL")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    out.mkdir(parents=True, exist_ok=True)
    info = _conninfo(database)
    # One REPEATABLE READ transaction exports its snapshot: pg_dump dumps exactly what the counts count.
    with _connect(info) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
             f"--file={out / DUMP}"],
            env=_pg_env(info), check=True, capture_output=True, text=True,
        )
        with conn.cursor() as cursor:
            tables = _tables(cursor)
            counts = _counts(cursor, tables)
            referenced = _referenced_files(cursor, set(tables))
        conn.rollback()
    files, missing = {}, []
    for name in sorted(referenced):
        path = media_root / name
        if path.is_file():
            files[name] = sha256(path)
        else:
            missing.append(name)
    with tarfile.open(out / MEDIA, "w:gz") as tar:
        if media_root.is_dir():
            tar.add(media_root, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": info["dbname"],
        "tables": counts,
        "files": files,
        "missing_files": missing,  # referenced by a row but absent at backup time: reported, not invented
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True))
    return manifest


def backup_restore(folder: Path, *, database_url: str, media_root: Path, allow_nonempty: bool = False):
    """Load the backup in `folder` into the (empty) database at `database_url` and the files into
    `media_root`, then verify the copy. Returns the Verification."""
    info = conninfo_from_url(database_url)
    with _connect(info) as conn, conn.cursor() as cursor:
        if _tables(cursor) and not allow_nonempty:
            raise ValueError(f"the database {info['dbname']!r} is not empty; restore into a fresh one")
    result = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={info['dbname']}",
         str(folder / DUMP)],
        env=_pg_env(info), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_restore failed: {result.stderr.strip()[:2000]}")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA, "r:gz") as tar:
        tar.extractall(media_root, filter="data")  # the data filter refuses absolute paths and links outside
    return backup_verify(folder, database_url=database_url, media_root=media_root)


def backup_verify(folder: Path, *, database_url: str, media_root: Path) -> Verification:
    manifest = json.loads((folder / MANIFEST).read_text())
    check = Verification()
    info = conninfo_from_url(database_url)
    with _connect(info) as conn, conn.cursor() as cursor:
        tables = _tables(cursor)
        counts = _counts(cursor, tables)
        referenced = _referenced_files(cursor, set(tables))
    for table, expected in manifest["tables"].items():
        got = counts.get(table)
        if got != expected:
            check.problems.append(f"table {table}: {got} rows restored, {expected} backed up")
    for table in set(counts) - set(manifest["tables"]):
        check.problems.append(f"table {table}: restored but not in the backup")
    check.tables, check.rows = len(counts), sum(counts.values())
    for name in sorted(referenced - set(manifest["missing_files"])):
        expected = manifest["files"].get(name)
        path = media_root / name
        if expected is None:
            check.problems.append(f"file {name}: referenced by the restored database, not in the manifest")
        elif not path.is_file():
            check.problems.append(f"file {name}: missing after restore")
        elif sha256(path) != expected:
            check.problems.append(f"file {name}: checksum differs")
        else:
            check.files += 1
    return check
