from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from portal.urls import business_patterns, businesses_patterns, public_patterns
from portal.views.public import landing

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notifications/", include("notifications.urls")),
    path("public/", include((businesses_patterns, "mediation_public"))),
    path("portal/", include((business_patterns, "portal"))),
    path("complaint/", include((public_patterns, "public"))),
    path("", landing, name="home"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
