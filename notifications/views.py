from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .selectors import notifications_for_user
from .services import notifications_mark_read


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """The signed-in user's in-app notifications; POST marks them read (the ticked ones, or all with "all")."""
    if request.method == "POST":
        ids = None if "all" in request.POST else [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        notifications_mark_read(user=request.user, ids=ids)
        return redirect("notifications:mine")
    page = Paginator(notifications_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    context = {
        # Rendered inside the admin's frame: staff read their notices where they work.
        **admin.site.each_context(request),
        "title": _("My notifications"),
        "page_obj": page,
    }
    return render(request, "notifications/mine.html", context)
