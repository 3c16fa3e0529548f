"""Concurrent transfers on PostgreSQL: each gets its own sheet number, and the numbers have no gap."""

import pytest

from cases.models import Case
from cases.tests.test_concurrency import _race
from cases.users import get_system_user
from mediation.models import TransferSheet
from mediation.services import transfers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_transfers_get_distinct_gap_free_sheet_numbers(make_case, mediator):
    cases = [make_case("accepted") for _ in range(6)]
    # Accepted by the system, so nobody is in charge: its transfer fails inside the race and gives its number back.
    refused = make_case("accepted", mediator=None, actor=get_system_user())
    results = _race(
        [(lambda pk=c.pk: transfers.case_transfer(case_id=pk, actor=mediator)) for c in cases]
        + [lambda: transfers.case_transfer(case_id=refused.pk, actor=mediator)]
    )
    assert sum(isinstance(r, Case) for r in results) == 6, results
    numbers = sorted(TransferSheet.objects.values_list("number", flat=True))
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 7))
    assert set(TransferSheet.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}
