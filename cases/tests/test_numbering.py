import pytest

from cases.numbering import next_number, next_numbers

pytestmark = pytest.mark.django_db


def test_a_block_of_numbers_continues_the_sequence_without_gaps():
    assert next_number(prefix="CB", year=2026) == "CB-2026-000001"
    assert next_numbers(prefix="CB", year=2026, count=3) == ["CB-2026-000002", "CB-2026-000003", "CB-2026-000004"]
    assert next_numbers(prefix="CB", year=2026, count=0) == []
    assert next_number(prefix="CB", year=2026) == "CB-2026-000005"
    assert next_numbers(prefix="CB", year=2027, count=1) == ["CB-2027-000001"]
