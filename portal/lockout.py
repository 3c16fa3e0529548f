"""The sign-in lockout page (django-axes, settings AXES_*): who is locked out is an account at one IP address;
the page says how long until the next try is allowed. Used by the admin's and the portal's sign-in alike."""

import math

from axes.models import AccessAttempt
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from core.clientip import client_ip


def attempted_username(request, credentials) -> str:
    """One bucket per account however its name is typed ("QiYe " is "qiye")."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return raw.strip().lower()


def wait_minutes(request, credentials) -> int:
    """Minutes until the lockout of this account at this address ends (at least 1)."""
    last = (
        AccessAttempt.objects.filter(username=attempted_username(request, credentials), ip_address=client_ip(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    cooloff = settings.AXES_COOLOFF_TIME
    remaining = (last + cooloff - timezone.now()) if last else cooloff
    return max(1, math.ceil(remaining.total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    return render(
        request,
        "portal/locked_out.html",
        {"minutes": wait_minutes(request, credentials), "admin": request.path.startswith("/admin/")},
        status=429,
    )
