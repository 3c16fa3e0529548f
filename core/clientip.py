"""The client's IP address, for the rate limits (django-ratelimit: RATELIMIT_IP_META_KEY) and the sign-in
lockouts (django-axes: AXES_CLIENT_IP_CALLABLE).

Behind TRUSTED_PROXY_COUNT reverse proxies each proxy appends the address it saw to X-Forwarded-For; the
client's is the one the outermost trusted proxy appended: the N-th from the right. Anything left of it was
written by the client and is not believed. Without proxies (the default) it is REMOTE_ADDR, and the header is
ignored, so nobody can pick their own bucket by sending one.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote  # not through all the proxies: what the nearest one saw
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
