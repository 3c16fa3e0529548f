"""The public page: businesses that ignored or refused transfer sheets, or were exposed with approval."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mediation.selectors import public_business_list


@require_GET
def public_businesses(request):
    rows = public_business_list()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request, "portal/public/businesses.html", {"page": page, "rows": page.object_list, "association": settings.ASSOCIATION_NAME}
    )
