"""The readiness checks (/readyz): each returns (ok, detail); a failing one names what is wrong."""

import uuid
from dataclasses import dataclass

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from notifications.models import Notification

from . import state


@dataclass
class Result:
    ok: bool
    detail: str


def check_database() -> Result:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Result(True, connection.vendor)


def check_cache() -> Result:
    """The shared cache itself: a Redis cache is pinged directly, because core.cache.FailoverRedisCache answers
    from this process's memory while Redis is down (the rate limits fail open; readiness must not)."""
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    get_client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if get_client is not None:
        get_client(write=True).ping()
        return Result(True, f"{backend}: Redis answers")
    key, value = "ops:readyz:probe", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        return Result(False, "the cache did not return what was written")
    return Result(True, backend)


def check_broker() -> Result:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.READYZ_BROKER_TIMEOUT)
        return Result(True, conn.transport.driver_name)


def check_beat() -> Result:
    last = state.beat_heartbeat_last()
    limit = settings.READYZ_BEAT_MAX_AGE_SECONDS
    if last is None:
        return Result(False, "no heartbeat from beat yet (is beat running, and a worker on the sweeps queue?)")
    age = (timezone.now() - last).total_seconds()
    if age > limit:
        return Result(False, f"beat's last heartbeat ran {age:.0f} s ago (limit {limit} s)")
    return Result(True, f"last heartbeat {age:.0f} s ago")


def check_outbox() -> Result:
    """The oldest outbox row that is due and not yet delivered: old means the dispatcher or the workers stopped."""
    now = timezone.now()
    oldest = Notification.objects.due(now).order_by("next_attempt_at").values_list("next_attempt_at", flat=True)
    oldest = oldest.first()
    limit = settings.READYZ_OUTBOX_MAX_AGE_SECONDS
    if oldest is None:
        return Result(True, "nothing waiting")
    age = (now - oldest).total_seconds()
    if age > limit:
        return Result(False, f"the oldest undelivered notice has waited {age:.0f} s (limit {limit} s)")
    return Result(True, f"oldest undelivered notice waiting {age:.0f} s")


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "beat": check_beat,
    "outbox": check_outbox,
}


def run_checks(names=None) -> dict[str, Result]:
    results = {}
    for name in names or settings.READYZ_CHECKS:
        try:
            results[name] = CHECKS[name]()
        except Exception as exc:  # a dependency that is down raises: that is the answer, not a 500
            results[name] = Result(False, f"{type(exc).__name__}: {exc}"[:300])
    return results
