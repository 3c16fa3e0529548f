"""The public page: businesses that ignored or refused transfer sheets, or were exposed with approval."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from mediation.selectors import public_business_list

PER_PAGE = 50


@require_GET
def public_businesses(request):
    search = (request.GET.get("q") or "").strip()[:100]
    as_of = timezone.localtime()
    rows = public_business_list(as_of.date(), search=search)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/public/businesses.html",
        {"page": page, "rows": page.object_list, "search": search, "as_of": as_of, "total": len(rows)},
    )
