"""/healthz (the process answers), /readyz (its dependencies answer), /metrics (Prometheus, internal)."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from . import metrics
from .checks import run_checks


@never_cache
@require_GET
def healthz(request):
    """Liveness: touches nothing, so a slow database never gets a healthy process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results = run_checks()
    failing = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {name: {"ok": r.ok, "detail": r.detail} for name, r in results.items()},
    }
    return JsonResponse(body, status=503 if failing else 200)


def metrics_allowed(request) -> bool:
    """A bearer token when METRICS_TOKEN is set; otherwise only the machine itself or METRICS_ALLOWED_NETWORKS.

    The address is the socket's (REMOTE_ADDR), never a forwarded header: the proxy refuses /metrics from outside
    (deploy/nginx.conf) and Prometheus scrapes each web node directly.
    """
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics_view(request):
    if not metrics_allowed(request):
        return HttpResponseForbidden("metrics are internal")
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)
