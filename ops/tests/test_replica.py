"""The statistics read from the replica when one is configured; writes and other reads never do."""

import pytest

from cases.models import Case
from core.replica import REPLICA, ReplicaRouter, read_alias, replica_alias, replica_reads


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: {**settings.DATABASES["default"]}}
    return settings


def test_reads_go_to_the_replica_only_inside_replica_reads(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Case) == "default"
    with replica_reads():
        assert router.db_for_read(Case) == REPLICA
        assert router.db_for_write(Case) == "default"
        assert read_alias() == REPLICA
    assert router.db_for_read(Case) == "default" and read_alias() == "default"
    assert replica_alias() == REPLICA
    assert router.allow_migrate(REPLICA, "cases") is False and router.allow_migrate("default", "cases")


def test_without_a_replica_everything_stays_on_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Case) == "default" and read_alias() == "default"
    assert replica_alias() == "default"


@pytest.mark.django_db
def test_the_statistics_mark_their_reads(monkeypatch):
    """Every ORM read of the statistics asks the router inside replica_reads(); a read outside does not."""
    from datetime import date

    from django.db import router

    from core import replica
    from reports.selectors import Period, statistics

    flags = []

    class Spy:
        def db_for_read(self, model, **hints):
            flags.append(replica._reading_replica.get())
            return "default"

    monkeypatch.setattr(router, "routers", [Spy()])
    statistics(Period(start=date(2026, 1, 1), end=date(2026, 6, 30)))
    assert flags and all(flags)
    flags.clear()
    list(Case.objects.all())
    assert flags == [False]
