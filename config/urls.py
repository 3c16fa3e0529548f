from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from backoffice import twofactor
from portal.urls import business_patterns, businesses_patterns, public_patterns
from portal.views.files import stored_file

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/2fa/", include(twofactor.urlpatterns)),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    path("public/", include((businesses_patterns, "mediation_public"))),
    path("portal/", include((business_patterns, "portal"))),
    path("complaint/", include((public_patterns, "public"))),
    # Every stored file, access-checked (no public /media/ folder; core.storage makes `.url` point here).
    path("files/<path:name>", stored_file, name="stored_file"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
