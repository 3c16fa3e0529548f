"""API keys in `Authorization: Bearer xh_…` (or `X-Api-Key`), rate-limited per key (django-ratelimit)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from . import keys
from .models import ApiKey


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw = _raw_key(request)
        if not raw:
            return None
        prefix = keys.parse_prefix(raw)
        key = (
            ApiKey.objects.select_related("partner", "partner__user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if (
            key is None
            or not keys.matches(raw, key.key_hash)
            or key.revoked_at is not None
            or not key.partner.is_active
            or not key.partner.user.is_active
        ):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        usage = get_usage(
            request._request, group="api.key", key=lambda group, req: key.prefix, rate=settings.RATE_API_KEY,
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            raise exceptions.Throttled(detail=_("Too many requests with this key; try again later."))
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return key.partner.user, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _raw_key(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    return request.META.get("HTTP_X_API_KEY", "").strip()


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key issued in the admin: xh_…"}
