from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views

app_name = "api"


class ExternalIdConverter:
    """A partner's id, as the hand-off accepted it (serializers.EXTERNAL_ID); anything else is a 404 at once."""

    regex = r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SheetNumberConverter(ExternalIdConverter):
    regex = r"[A-Z]{1,5}-[0-9]{4}-[0-9]{1,10}"


register_converter(ExternalIdConverter, "external_id")
register_converter(SheetNumberConverter, "sheet_number")

v1 = [
    path("handoffs/", views.HandoffListCreate.as_view(), name="handoffs"),
    path("handoffs/<external_id:external_id>/", views.HandoffDetail.as_view(), name="handoff"),
    path("events/", views.EventList.as_view(), name="events"),
    path("sheets/", views.SheetList.as_view(), name="sheets"),
    path("sheets/<sheet_number:number>/", views.SheetDetail.as_view(), name="sheet"),
    path("sheets/<sheet_number:number>/reply/", views.SheetReply.as_view(), name="sheet-reply"),
    path("sheets/<sheet_number:number>/performance/", views.SheetPerformance.as_view(), name="sheet-performance"),
    path("sheets/<sheet_number:number>/messages/", views.SheetMessages.as_view(), name="sheet-messages"),
    path("sheets/<sheet_number:number>/evidence/", views.SheetEvidence.as_view(), name="sheet-evidence"),
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
