"""Set-based writes of a batch of rows in one statement each, on PostgreSQL and SQLite.

The ORM has no guarded multi-row UPDATE with per-row values and no INSERT ... ON CONFLICT DO NOTHING that says
which rows went in, and the sweep needs both: the UPDATE is the claim (it touches a row only if the values it was
planned from still hold) and the INSERT's RETURNING tells which steps are new. PostgreSQL takes one typed array
per column (unnest), so a statement's text does not grow with the batch; SQLite takes a VALUES list, chunked below
its limit on bound parameters.
"""

from django.db import connection

SQLITE_MAX_PARAMS = 30000  # SQLite >= 3.32 allows 32766


def update_guarded(model, *, set_fields, guard_fields, rows) -> list[int]:
    """For each row (pk, *new values of set_fields, *expected values of guard_fields), update the record if every
    guard field still holds the expected value (NULL-safe); return the pks updated."""
    if not rows:
        return []
    meta = model._meta
    sets = [meta.get_field(name) for name in set_fields]
    guards = [meta.get_field(name) for name in guard_fields]
    fields = [meta.pk, *sets, *guards]
    rows = [_prep(fields, row) for row in rows]
    table, pk = _q(meta.db_table), _q(meta.pk.column)
    if connection.vendor == "postgresql":
        names = [f"c{i}" for i in range(len(fields))]
        assign = ", ".join(f"{_q(f.column)} = v.{names[i + 1]}" for i, f in enumerate(sets))
        check = " AND ".join(
            f"t.{_q(f.column)} IS NOT DISTINCT FROM v.{names[1 + len(sets) + i]}" for i, f in enumerate(guards)
        )
        sql = (
            f"UPDATE {table} AS t SET {assign} FROM {_unnest(fields, names)} "
            f"WHERE t.{pk} = v.c0 AND {check} RETURNING t.{pk}"
        )
        return _fetch(sql, _columns(fields, rows))
    assign = ", ".join(f"{_q(f.column)} = v.column{i + 2}" for i, f in enumerate(sets))
    check = " AND ".join(f"{table}.{_q(f.column)} IS v.column{len(sets) + 2 + i}" for i, f in enumerate(guards))
    updated = []
    for chunk in _chunks(rows, len(fields)):
        values = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(chunk))
        sql = (
            f"UPDATE {table} SET {assign} FROM (VALUES {values}) AS v "
            f"WHERE {table}.{pk} = v.column1 AND {check} RETURNING {table}.{pk}"
        )
        updated += _fetch(sql, [value for row in chunk for value in row])
    return updated


def insert_ignoring_conflicts(model, *, fields, rows, conflict_fields, returning) -> list[tuple]:
    """INSERT the rows (values of `fields`), skipping those that clash on the unique `conflict_fields`; return
    the `returning` columns of the rows that went in."""
    if not rows:
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    rows = [_prep(columns, row) for row in rows]
    table = _q(meta.db_table)
    into = ", ".join(_q(f.column) for f in columns)
    conflict = ", ".join(_q(meta.get_field(name).column) for name in conflict_fields)
    back = ", ".join(_q(meta.get_field(name).column) for name in returning)
    if connection.vendor == "postgresql":
        names = [f"c{i}" for i in range(len(columns))]
        sql = (
            f"INSERT INTO {table} ({into}) SELECT * FROM {_unnest(columns, names)} "
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {back}"
        )
        return _fetch_rows(sql, _columns(columns, rows))
    inserted = []
    for chunk in _chunks(rows, len(columns)):
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        sql = f"INSERT INTO {table} ({into}) VALUES {values} ON CONFLICT ({conflict}) DO NOTHING RETURNING {back}"
        inserted += _fetch_rows(sql, [value for row in chunk for value in row])
    return inserted


def _prep(fields, row):
    return [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]


def _unnest(fields, names):
    arrays = ", ".join(f"%s::{_array_type(f)}" for f in fields)
    return f"unnest({arrays}) AS v({', '.join(names)})"


def _array_type(field):
    return f"{field.db_type(connection)}[]"  # a foreign key's db_type is its target's column type


def _columns(fields, rows):
    return [[row[i] for row in rows] for i in range(len(fields))]


def _chunks(rows, width):
    size = max(1, SQLITE_MAX_PARAMS // width)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _q(name):
    return connection.ops.quote_name(name)


def _fetch(sql, params):
    return [row[0] for row in _fetch_rows(sql, params)]


def _fetch_rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
