"""CAPTCHA-free rate limits of the public pages and the portal login (django-ratelimit on the default cache).

Rates are settings (RATE_<NAME>, "count/period"); the key is the client's IP address unless a value (a username,
a tracking number) is given. The cache is Redis when REDIS_URL is set, the process's memory otherwise.
"""

from django.conf import settings
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


def hit(request, name: str, *, value: str | None = None) -> bool:
    """Count one attempt; True if this attempt is over the limit."""
    usage = _usage(request, name, value, True)
    return usage is not None and usage["should_limit"]


def exhausted(request, name: str, *, value: str | None = None) -> bool:
    """Without counting: True if the limit is already used up (the next `hit` would be over it)."""
    usage = _usage(request, name, value, False)
    return usage is not None and usage["count"] >= usage["limit"]
