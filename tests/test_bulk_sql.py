"""core.bulk: the guarded multi-row UPDATE and the INSERT ... ON CONFLICT DO NOTHING RETURNING, on SQLite and
PostgreSQL alike."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Sequence
from core import bulk

pytestmark = pytest.mark.django_db


def test_insert_skips_conflicts_and_returns_what_went_in():
    Sequence.objects.create(prefix="AA", year=2026, last=5)
    rows = [("AA", 2026, 1), ("BB", 2026, 2), ("BB", 2027, 3)]

    inserted = bulk.insert_ignoring_conflicts(
        Sequence, fields=["prefix", "year", "last"], rows=rows, conflict_fields=["prefix", "year"],
        returning=["prefix", "year"],
    )

    assert sorted(inserted) == [("BB", 2026), ("BB", 2027)]
    assert Sequence.objects.get(prefix="AA").last == 5  # the clash left the row alone
    assert bulk.insert_ignoring_conflicts(Sequence, fields=["prefix"], rows=[], conflict_fields=["prefix"],
                                          returning=["id"]) == []


def test_insert_with_a_column_the_same_in_every_row():
    rows = [("C1", 2026, 0), ("C2", 2026, 0), ("C3", 2026, 0)]
    inserted = bulk.insert_ignoring_conflicts(
        Sequence, fields=["prefix", "year", "last"], rows=rows, conflict_fields=["prefix", "year"], returning=["id"]
    )
    assert len(inserted) == 3
    assert sorted(Sequence.objects.values_list("prefix", "year", "last")) == sorted(rows)


def test_guarded_update_touches_only_rows_whose_guards_hold_null_safe(make_case):
    a, b, c = (make_case() for _ in range(3))
    from cases.models import Case

    Case.objects.filter(pk=b.pk).update(due_on=date(2026, 3, 17))
    rows = [
        (a.pk, date(2026, 4, 1), None),  # due_on is NULL as expected: updated
        (b.pk, date(2026, 4, 1), None),  # due_on changed meanwhile: left alone
        (c.pk, date(2026, 4, 1), None),
    ]

    updated = bulk.update_guarded(Case, set_fields=["next_reminder_on"], guard_fields=["due_on"], rows=rows)

    assert sorted(updated) == sorted([a.pk, c.pk])
    values = dict(Case.objects.values_list("pk", "next_reminder_on"))
    assert values[a.pk] == values[c.pk] == date(2026, 4, 1)
    assert values[b.pk] != date(2026, 4, 1)


def test_one_statement_per_batch_and_logged_like_the_orms(make_case):
    from cases.models import Case

    cases = [make_case() for _ in range(5)]
    with CaptureQueriesContext(connection) as queries:
        bulk.update_guarded(
            Case, set_fields=["reminder_stage"], guard_fields=["state"],
            rows=[(case.pk, "due_today", "submitted") for case in cases],
        )
    assert len(queries) == 1 and queries[0]["sql"].startswith('UPDATE "cases_case"')
