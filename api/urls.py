from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views

app_name = "api"

v1 = [
    path("handoffs/", views.HandoffListCreate.as_view(), name="handoffs"),
    path("handoffs/<str:external_id>/", views.HandoffDetail.as_view(), name="handoff"),
    path("events/", views.EventList.as_view(), name="events"),
    path("sheets/", views.SheetList.as_view(), name="sheets"),
    path("sheets/<str:number>/", views.SheetDetail.as_view(), name="sheet"),
    path("sheets/<str:number>/reply/", views.SheetReply.as_view(), name="sheet-reply"),
    path("sheets/<str:number>/messages/", views.SheetMessages.as_view(), name="sheet-messages"),
    path("sheets/<str:number>/evidence/", views.SheetEvidence.as_view(), name="sheet-evidence"),
    path("open/businesses/", views.OpenBusinesses.as_view(), name="open-businesses"),
    path("open/statistics/", views.OpenStatistics.as_view(), name="open-statistics"),
]

public = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(**public), name="schema"),
    # The split view serves its start-up script as a file: no inline script, so a strict CSP (script-src
    # 'self') holds; the UI's files are ours (drf-spectacular-sidecar). (Redoc is left out: it loads web fonts.)
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **public), name="docs"),
]
