"""Set-based writes of a batch of rows, one statement each, on PostgreSQL and SQLite (no domain logic).

The ORM has no guarded multi-row UPDATE with per-row values, and no INSERT ... ON CONFLICT DO NOTHING that says
which rows went in; periodic sweeps need both (the UPDATE is their claim, RETURNING tells which rows are new).

PostgreSQL gets one array per column (unnest), sent as a binary bound parameter: the statement's text does not
grow with the batch, and nothing is escaped or quoted on the way (Django's psycopg cursors bind on the client,
which escapes every element of every array in Python and costs more than the database's own work). The statement
still goes through Django's error translation and query log. SQLite gets a VALUES list, chunked below its limit
on bound parameters.
"""

import time

from django.db import connection

SQLITE_MAX_PARAMS = 30000  # SQLite >= 3.32 allows 32766

# Types PostgreSQL takes as they come from Python (datetimes must be aware); other fields, such as JSON, go
# through get_db_prep_save.
_AS_IS = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DateTimeField",
    "ForeignKey",
    "IntegerField", "OneToOneField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
    "TextField",
}


def update_guarded(model, *, set_fields, guard_fields, rows) -> list:
    """For each row (pk, *new values of set_fields, *expected values of guard_fields), update the record if every
    guard field still holds its expected value (NULL-safe); return the pks updated."""
    if not rows:
        return []
    meta = model._meta
    sets = [meta.get_field(name) for name in set_fields]
    guards = [meta.get_field(name) for name in guard_fields]
    fields = [meta.pk, *sets, *guards]
    table, pk = _q(meta.db_table), _q(meta.pk.column)
    if connection.vendor == "postgresql":
        names = [f"c{i}" for i in range(len(fields))]
        assign = ", ".join(f"{_q(f.column)} = v.{names[1 + i]}" for i, f in enumerate(sets))
        check = " AND ".join(
            f"t.{_q(f.column)} IS NOT DISTINCT FROM v.{names[1 + len(sets) + i]}" for i, f in enumerate(guards)
        )
        sql = (
            f"UPDATE {table} AS t SET {assign} FROM {_unnest(fields, names)} "
            f"WHERE t.{pk} = v.c0 AND {check} RETURNING t.{pk}"
        )
        return [row[0] for row in _execute_pg(sql, _columns(fields, rows))]
    assign = ", ".join(f"{_q(f.column)} = v.column{i + 2}" for i, f in enumerate(sets))
    check = " AND ".join(f"{table}.{_q(f.column)} IS v.column{len(sets) + 2 + i}" for i, f in enumerate(guards))
    updated = []
    for chunk in _chunks(rows, len(fields)):
        sql = (
            f"UPDATE {table} SET {assign} FROM (VALUES {_placeholders(chunk, fields)}) AS v "
            f"WHERE {table}.{pk} = v.column1 AND {check} RETURNING {table}.{pk}"
        )
        updated += [row[0] for row in _execute_sqlite(sql, _flat(fields, chunk))]
    return updated


def insert_ignoring_conflicts(model, *, fields, rows, conflict_fields, returning) -> list[tuple]:
    """INSERT the rows (values of `fields`), skipping those that clash on the unique `conflict_fields`; return
    the `returning` columns of the rows that went in."""
    if not rows:
        return []
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    table = _q(meta.db_table)
    into = ", ".join(_q(f.column) for f in columns)
    conflict = ", ".join(_q(meta.get_field(name).column) for name in conflict_fields)
    back = ", ".join(_q(meta.get_field(name).column) for name in returning)
    tail = f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {back}"
    if connection.vendor == "postgresql":
        select, params, arrays = _constants_apart(columns, _columns(columns, rows))
        names = [f"c{i}" for i, _values in arrays]
        sql = (
            f"INSERT INTO {table} ({into}) SELECT {', '.join(select)} "
            f"FROM {_unnest([columns[i] for i, _values in arrays], names)} {tail}"
        )
        return _execute_pg(sql, [*params, *(values for _i, values in arrays)])
    inserted = []
    for chunk in _chunks(rows, len(columns)):
        sql = f"INSERT INTO {table} ({into}) VALUES {_placeholders(chunk, columns)} {tail}"
        inserted += _execute_sqlite(sql, _flat(columns, chunk))
    return inserted


# --- PostgreSQL ------------------------------------------------------------------------------------------


def _unnest(fields, names):
    arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in fields)  # a foreign key's type is its target's
    return f"unnest({arrays}) AS v({', '.join(names)})"


def _constants_apart(fields, columns):
    """A column with one value in every row is bound once, not as an array (less to send, nothing to unnest);
    returns the SELECT list, its parameters, and the (index, values) of the columns left to unnest."""
    select, params, arrays = [], [], []
    for i, (field, values) in enumerate(zip(fields, columns, strict=True)):
        first = values[0]
        if len(values) > 1 and all(value == first for value in values) and (arrays or i < len(fields) - 1):
            select.append(f"%b::{field.db_type(connection)}")
            params.append(first)
        else:
            select.append(f"v.c{i}")
            arrays.append((i, values))
    return select, params, arrays


def _columns(fields, rows):
    columns = []
    for i, field in enumerate(fields):
        values = [row[i] for row in rows]
        if field.get_internal_type() not in _AS_IS:
            values = [field.get_db_prep_save(value, connection) for value in values]
        columns.append(values)
    return columns


def _execute_pg(sql, params):
    """Run on a psycopg cursor with server-side binding (binary arrays), logged like Django's own queries."""
    import psycopg

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


# --- SQLite ----------------------------------------------------------------------------------------------


def _chunks(rows, width):
    size = max(1, SQLITE_MAX_PARAMS // width)
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _placeholders(rows, fields):
    return ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))


def _flat(fields, rows):
    return [field.get_db_prep_save(value, connection) for row in rows for field, value in zip(fields, row, strict=True)]


def _execute_sqlite(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _q(name):
    return connection.ops.quote_name(name)
