"""Reads that may go to the read replica (DATABASE_REPLICA_URL): the statistics and their exports.

`with replica_reads():` marks a block whose reads tolerate the replica's lag (seconds); the router sends them to
the "replica" database when one is configured, and everything else (every write, every read outside such a
block) to "default". Without DATABASE_REPLICA_URL the block changes nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


@contextmanager
def replica_reads():
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """DATABASE_ROUTERS entry: replica reads inside `replica_reads()`, all else on the primary."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one data set: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary by streaming replication


def read_alias() -> str:
    """The database the reads of the current block go to (for raw SQL: `connections[read_alias()]`)."""
    return REPLICA if _reading_replica.get() and replica_configured() else "default"


def replica_alias() -> str:
    """The replica when configured, else the primary: for a queryset that is a report read by nature."""
    return REPLICA if replica_configured() else "default"
