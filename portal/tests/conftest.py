import pytest
from django.core.cache import cache

from mediation.tests.conftest import PNG, make_sheet, other_business, other_business_user  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()
