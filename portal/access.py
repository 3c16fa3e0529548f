"""Who may use the business portal, and for which businesses.

A portal user acts for the businesses they are a member of (Business.members). A session opened through a
transfer sheet's emailed link is kept to that sheet's business, even if the account belongs to others too.
"""

from functools import wraps

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from cases.models import Business

LINK_SCOPE_KEY = "portal_link_business"


def portal_businesses(request) -> list[Business]:
    if not request.user.is_authenticated:
        return []
    businesses = Business.objects.filter(members=request.user).only("pk", "name").order_by("name")
    scope = request.session.get(LINK_SCOPE_KEY)
    if scope is not None:
        businesses = businesses.filter(pk=scope)
    return list(businesses)


def business_portal(view):
    """Signed in and acting for at least one business; sets request.portal_businesses and
    request.portal_business_ids for the view."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return redirect(f"{reverse('portal:login')}?{query}")
        request.portal_businesses = portal_businesses(request)
        request.portal_business_ids = [b.pk for b in request.portal_businesses]
        if not request.portal_businesses:
            return render(request, "portal/business/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
