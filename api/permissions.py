from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import ApiKey


class HasScope(BasePermission):
    """The key carries the view's `required_scope` (and its partner is of the kind that scope serves)."""

    message = _("This API key does not have the scope this call needs.")

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return False
        scopes = view.required_scope if isinstance(view.required_scope, tuple) else (view.required_scope,)
        return any(key.has_scope(scope) for scope in scopes)
