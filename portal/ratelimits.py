"""CAPTCHA-free rate limits of the public pages and the portal login (django-ratelimit on the default cache).

Rates are settings (RATE_<NAME>, "count/period"); the key is the client's IP address (core.clientip, behind
TRUSTED_PROXY_COUNT proxies) unless a value (a tracking number, normalised) is given. The cache is Redis when
REDIS_URL is set, falling back to the process's memory while Redis is unreachable (core.cache), the process's
memory otherwise. `hit` and `exhausted` return the seconds until the limit lifts (0: not limited), so the page
can say how long to wait.
"""

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage


def _usage(request, name, value, increment):
    key = (lambda group, request: value) if value is not None else "ip"
    return get_usage(
        request,
        group=f"portal.{name}",
        key=key,
        rate=getattr(settings, f"RATE_{name.upper()}"),
        increment=increment,
    )


def _wait(usage) -> int:
    return max(1, int(usage["time_left"])) if usage["time_left"] > 0 else 60


def hit(request, name: str, *, value: str | None = None) -> int:
    """Count one attempt; the seconds to wait if this attempt is over the limit, else 0."""
    usage = _usage(request, name, value, True)
    return _wait(usage) if usage is not None and usage["should_limit"] else 0


def exhausted(request, name: str, *, value: str | None = None) -> int:
    """Without counting: the seconds to wait if the limit is already used up, else 0."""
    usage = _usage(request, name, value, False)
    return _wait(usage) if usage is not None and usage["count"] >= usage["limit"] else 0


def limited_response(request, seconds: int = 0):
    """The 429 page, saying how long to wait."""
    minutes = -(-seconds // 60) if seconds else 0
    return render(request, "portal/rate_limited.html", {"minutes": minutes}, status=429)
