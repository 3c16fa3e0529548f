"""What the workers report to the web processes, through the shared cache (Redis in production).

The beat heartbeat (readyz's "beat" check) and the sweep's last run and totals (the metrics). The cache is the
one store every process shares; losing it (a Redis restart) loses only these figures until the next run.
"""

import time

from django.core.cache import cache

BEAT_KEY = "ops:beat:last"
SWEEP_LAST_KEY = "ops:sweep:last"
SWEEP_RUNS_KEY = "ops:sweep:runs"
SWEEP_STEPS_KEY = "ops:sweep:steps"
SWEEP_SECONDS_KEY = "ops:sweep:seconds"
# Kept a week: far longer than any check needs, so an idle key never lingers for ever.
TIMEOUT = 7 * 24 * 3600


def beat_heartbeat_record(now: float | None = None) -> float:
    now = time.time() if now is None else now
    cache.set(BEAT_KEY, now, TIMEOUT)
    return now


def beat_heartbeat_last() -> float | None:
    return cache.get(BEAT_KEY)


def _add(key: str, amount):
    # add() then incr() is atomic in Redis; the float total is kept in milliseconds so incr stays integral.
    cache.add(key, 0, TIMEOUT)
    try:
        cache.incr(key, amount)
    except ValueError:  # evicted between add and incr
        cache.set(key, amount, TIMEOUT)


def sweep_record(*, seconds: float, steps: int, now: float | None = None) -> None:
    now = time.time() if now is None else now
    cache.set(SWEEP_LAST_KEY, {"at": now, "seconds": seconds, "steps": steps}, TIMEOUT)
    _add(SWEEP_RUNS_KEY, 1)
    _add(SWEEP_STEPS_KEY, int(steps))
    _add(SWEEP_SECONDS_KEY, int(round(seconds * 1000)))


def sweep_figures() -> dict:
    values = cache.get_many([SWEEP_LAST_KEY, SWEEP_RUNS_KEY, SWEEP_STEPS_KEY, SWEEP_SECONDS_KEY])
    return {
        "last": values.get(SWEEP_LAST_KEY),
        "runs": values.get(SWEEP_RUNS_KEY, 0),
        "steps": values.get(SWEEP_STEPS_KEY, 0),
        "seconds": values.get(SWEEP_SECONDS_KEY, 0) / 1000,
    }
