"""The shared cache (Redis) that falls back to this process's memory when Redis cannot be reached.

The rate limits, the tracking-code counters and the sign-in lockouts count in the cache. With Redis down they
must not turn the public pages into errors (a 500 on POST /complaint/ loses the complaint): each operation that
fails on a connection error is done in a per-process memory cache instead, and a warning is logged (once a
minute per process). Limits then hold per process until Redis is back: they fail open, never shut.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("xiehui.cache")
WARN_EVERY_SECONDS = 60

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover — redis is a pinned dependency
    UNREACHABLE = (OSError,)


class FailoverRedisCache(RedisCache):
    _FALLBACK_METHODS = (
        "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "decr", "set_many",
        "delete_many", "clear", "get_or_set",
    )

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a dead Redis must cost milliseconds, not the default connect timeout, per request.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(f"failover-{server}", {"KEY_PREFIX": params.get("KEY_PREFIX", "")})
        self._warned_at = 0.0

    def _warn(self, exc):
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning(
                "Redis cache unreachable (%s); rate limits and counters use this process's memory until it is back.",
                exc,
            )

    def __getattribute__(self, name):
        attribute = super().__getattribute__(name)
        if name not in FailoverRedisCache._FALLBACK_METHODS:
            return attribute

        def guarded(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            except UNREACHABLE as exc:
                self._warn(exc)
                fallback = getattr(self._fallback, name)
                try:
                    return fallback(*args, **kwargs)
                except ValueError:  # incr/decr of a key the fallback has not seen yet
                    self._fallback.add(args[0], 0, version=kwargs.get("version"))
                    return fallback(*args, **kwargs)

        return guarded
