"""Two people acting on one case at once: one wins, the other is told, nothing is lost."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases import services, transitions
from cases.models import Case
from cases.transitions import CaseConflictError


@pytest.mark.django_db
def test_a_stale_copy_cannot_overwrite_a_newer_state(make_case, mediator):
    case = make_case()
    stale = Case.objects.get(pk=case.pk)
    services.case_accept(case_id=case.pk, actor=mediator)
    with pytest.raises(CaseConflictError), transaction.atomic():
        transitions.run(stale, "withdraw", actor=mediator, reason="x", why="x", on=case.received_at.date())
    assert Case.objects.get(pk=case.pk).state == "accepted"


def _race(functions):
    """Run the functions at the same time in threads (own DB connections); return results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transitions_racing_on_postgres_one_wins_the_other_is_told(make_case, mediator):
    """The case row is locked: the second waits, then finds the case moved on and is refused (not a 500).
    (The same transition twice: a double submit. Two different ones may both be right in turn, e.g. start
    mediation then withdraw.)"""
    case = make_case("transferred")
    results = _race([
        lambda: services.case_start_mediation(case_id=case.pk, actor=mediator, reason="甲：转调解"),
        lambda: services.case_start_mediation(case_id=case.pk, actor=mediator, reason="乙：转调解"),
    ])
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, results
    final = Case.objects.get(pk=case.pk)
    assert final.state == winners[0].state
    assert final.history.filter(state="mediating").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_acceptances_get_distinct_gap_free_numbers(make_case, mediator):
    cases = [make_case() for _ in range(6)]
    results = _race([
        (lambda pk=c.pk: services.case_accept(case_id=pk, actor=mediator)) for c in cases
    ])
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 7))
