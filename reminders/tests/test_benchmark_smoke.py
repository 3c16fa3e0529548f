"""The sweep benchmark's code, at 1,000 cases: its data, its hand-written statement and the sweep agree."""

from datetime import date

import pytest
from django.db import connection

from benchmarks import sweep as bench
from cases import ladder
from cases.models import Case, Document
from notifications.models import Notification
from reminders.models import CaseReminder, UrgingNotice

OUTBOX = [
    "dedupe_key", "channel", "recipient_user_id", "to_address", "template", "context", "language", "subject", "body",
    "content_type_id", "object_id", "status", "attempts", "transport_note",
]


def written():
    """Every row the sweep writes, without ids, numbers and timestamps (the notices' numbers as a set)."""
    return {
        "cases": list(Case.objects.order_by("pk").values_list("pk", *ladder.FIELDS)),
        "steps": sorted(
            CaseReminder.objects.values_list("case_id", "kind", "deadline", "scheduled_on", "case_state", "taken_by")
        ),
        "notices": sorted(
            UrgingNotice.objects.values_list(
                "case_id", "round", "business_name", "sent_to", "deadline", "answer_by", "issued_on", "issued_by",
                "document__number", "document__title", "document__text", "document__fields", "document__footer",
                "document__issued_on", "document__kind",
            )
        ),
        "document_history": sorted(
            Document.history.values_list("number", "history_type", "history_user_id", "history_change_reason")
        ),
        "numbers": set(UrgingNotice.objects.values_list("number", flat=True)),
        "outbox": sorted(
            (*row[:5], sorted(row[5].items()), *row[6:])
            for row in Notification.objects.values_list(*OUTBOX)
        ),
        "pending": sorted(
            {(n.channel, n.next_attempt_at is None, n.sent_at is None) for n in Notification.objects.all()}
        ),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_benchmark_runs_and_both_sides_do_the_same_work(time_machine):
    today = date(2026, 3, 18)
    time_machine.move_to("2026-03-18 10:00+08:00", tick=False)
    mediators, supervisors, system_id = bench.prepare_people()

    with connection.cursor() as cursor:
        bench.reset(cursor)
        bench.generate(cursor, cases=1000, today=today, mediators=mediators, system_id=system_id)
    # The generated ladder fields are the ones cases.ladder gives those cases.
    for case in Case.objects.all():
        assert ladder.plan(case, today).next_reminder_on == case.next_reminder_on, case.pk
    before = written()
    with connection.cursor() as cursor:
        _seconds, counts = bench.run_baseline(cursor, today=today, supervisors=supervisors, system_id=system_id)
    by_sql = written()
    with connection.cursor() as cursor:
        bench.reset(cursor)
        bench.generate(cursor, cases=1000, today=today, mediators=mediators, system_id=system_id)
    assert written() == before

    _seconds, result, growth = bench.run_sweep(today=today, batch_size=40)

    # A tenth due; 25 urging notices (15 first, 10 second, citing the 10 generated first ones).
    assert counts == (100, 100, 25, 145)
    assert (result.claimed, result.steps, result.urging_notices, result.notifications) == counts
    assert result.batches == 3
    by_sweep = written()
    assert by_sweep["steps"] == by_sql["steps"]
    assert by_sweep["notices"] == by_sql["notices"]
    assert by_sweep["numbers"] == by_sql["numbers"]
    assert by_sweep["document_history"] == by_sql["document_history"]
    assert by_sweep["outbox"] == by_sql["outbox"]
    assert by_sweep["pending"] == by_sql["pending"]
    assert by_sweep["cases"] == by_sql["cases"]
    assert {kind for _case, kind, *_rest in by_sweep["steps"]} == set(ladder.ANSWER_LADDER) | set(
        ladder.HANDLING_LADDER
    ) | set(ladder.ACCEPTANCE_LADDER) | {"mediation_limit"}
    seconds = [row[10] for row in by_sweep["notices"] if row[1] == 2]
    assert len(seconds) == 10 and all("CB-2026-0000" in text for text in seconds)  # they cite the first notices
    assert growth >= 0
