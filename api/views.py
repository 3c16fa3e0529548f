"""The REST API (/api/v1/). Screens only: every write is a public service of the domain, called as the partner's
user, so validation, permissions, the audit trail and the notifications are the admin's and the portal's."""

from datetime import date

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Evidence
from mediation.models import SheetMessage, TransferSheet
from mediation.selectors import public_business_list
from mediation.services import performance, transfers
from reports.selectors import Period, business_category_breakdown

from . import selectors, serializers, services
from .filters import EventFilter, HandoffFilter, SheetFilter
from .models import ApiEvent, CodeTable, Handoff, Scope
from .pagination import AscendingCursor, Cursor
from .renderers import CSVRenderer

OPEN_DATA_CACHE_SECONDS = 600


class PartnerView:
    @property
    def partner(self):
        return self.request.auth.partner


# --- forwarded complaints (scope: import) -------------------------------------------------------------------


@extend_schema(tags=["handoffs"])
class HandoffListCreate(PartnerView, generics.ListCreateAPIView):
    """The complaints this partner forwarded, each with its back-fill; POST forwards one (idempotent by
    `external_id`: the same id again answers 200 with the case made the first time)."""

    required_scope = Scope.IMPORT
    queryset = Handoff.objects.none()  # the schema's model; get_queryset scopes every request
    serializer_class = serializers.HandoffSerializer
    filterset_class = HandoffFilter
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.partner_handoffs(self.partner)

    @extend_schema(
        request=serializers.HandoffInSerializer,
        responses={201: serializers.HandoffSerializer, 200: serializers.HandoffSerializer},
    )
    def post(self, request, *args, **kwargs):
        incoming = serializers.HandoffInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        handoff, created = services.handoff_receive(
            partner=self.partner,
            external_id=data["external_id"],
            channel=data["channel"],
            consumer=dict(data["consumer"]),
            business=dict(data["business"]),
            attachments=[dict(a) for a in data["attachments"]],
            **{k: v for k, v in data.items() if k not in ("external_id", "channel", "consumer", "business", "attachments")},
        )
        handoff = self.get_queryset().get(pk=handoff.pk)
        return Response(
            serializers.HandoffSerializer(handoff).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema(tags=["handoffs"])
class HandoffDetail(PartnerView, generics.RetrieveAPIView):
    """One forwarded complaint by its external id, with its back-fill (the pull endpoint)."""

    required_scope = Scope.IMPORT
    queryset = Handoff.objects.none()
    serializer_class = serializers.HandoffSerializer
    lookup_field = "external_id"

    def get_queryset(self):
        return selectors.partner_handoffs(self.partner)


@extend_schema(tags=["events"])
class EventList(PartnerView, generics.ListAPIView):
    """What this partner was told (the webhooks' payloads), oldest first: pull with `after=<last id seen>`."""

    required_scope = (Scope.IMPORT, Scope.BUSINESS)
    queryset = ApiEvent.objects.none()
    serializer_class = serializers.EventSerializer
    filterset_class = EventFilter
    pagination_class = AscendingCursor

    def get_queryset(self):
        return selectors.partner_events(self.partner)


# --- the business's transfer sheets (scope: business) --------------------------------------------------------


class SheetCursor(Cursor):
    ordering = ("answer_by", "pk")


class SheetView(PartnerView):
    required_scope = Scope.BUSINESS

    def get_sheet(self):
        sheet = selectors.partner_sheet(self.partner, self.kwargs["number"])
        if sheet is None:
            raise Http404
        return sheet


@extend_schema(tags=["sheets"])
class SheetList(SheetView, generics.ListAPIView):
    """This business's open transfer sheets with their answer dates (earliest first)."""

    queryset = TransferSheet.objects.none()
    serializer_class = serializers.SheetSerializer
    filterset_class = SheetFilter
    pagination_class = SheetCursor

    def get_queryset(self):
        return selectors.partner_sheets(self.partner, open_only=True)


@extend_schema(tags=["sheets"])
class SheetDetail(SheetView, generics.RetrieveAPIView):
    serializer_class = serializers.SheetSerializer

    def get_object(self):
        return self.get_sheet()


@extend_schema(tags=["sheets"])
class SheetReply(SheetView, APIView):
    """Answer the sheet (accept / offer a remedy with its amount / dispute with reasons): the portal's service, so
    the case moves to `replied` exactly as when answered in the portal."""

    @extend_schema(request=serializers.ReplyInSerializer, responses={201: serializers.SheetSerializer})
    def post(self, request, number):
        sheet = self.get_sheet()
        incoming = serializers.ReplyInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        transfers.business_reply_submit(sheet_id=sheet.pk, actor=request.user, **incoming.validated_data)
        return Response(serializers.SheetSerializer(self.get_sheet()).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["sheets"])
class SheetPerformance(SheetView, APIView):
    """Say whether the agreement of the sheet's case was carried out (履行): the portal's service
    (mediation.services.performance.agreement_performance_confirm), so the case records it exactly as when the
    business confirms in the portal; "not performed" tells the mediator."""

    @extend_schema(request=serializers.PerformanceInSerializer, responses={200: serializers.SheetSerializer})
    def post(self, request, number):
        sheet = self.get_sheet()
        incoming = serializers.PerformanceInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        performance.agreement_performance_confirm(
            case_id=sheet.case_id, by="business", actor=request.user, **incoming.validated_data
        )
        return Response(serializers.SheetSerializer(self.get_sheet()).data, status=status.HTTP_200_OK)


@extend_schema(tags=["sheets"])
class SheetMessages(SheetView, generics.ListCreateAPIView):
    """The messages on the sheet; POST sends one to the association."""

    queryset = SheetMessage.objects.none()
    serializer_class = serializers.MessageSerializer
    pagination_class = AscendingCursor

    def get_queryset(self):
        return selectors.sheet_messages(self.get_sheet())

    def perform_create(self, serializer):
        serializer.instance = transfers.sheet_message_add(
            sheet_id=self.get_sheet().pk, actor=self.request.user, body=serializer.validated_data["body"]
        )


@extend_schema(tags=["sheets"])
class SheetEvidence(SheetView, generics.ListCreateAPIView):
    """The evidence shared on the sheet; POST (multipart: `file`, `description`) uploads the business's, checked
    by size and real type like every upload."""

    queryset = Evidence.objects.none()
    serializer_class = serializers.EvidenceSerializer
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = AscendingCursor

    def get_queryset(self):
        return selectors.sheet_evidence(self.get_sheet())

    @extend_schema(request=serializers.EvidenceInSerializer, responses={201: serializers.EvidenceSerializer})
    def post(self, request, number):
        sheet = self.get_sheet()
        incoming = serializers.EvidenceInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = transfers.business_evidence_add(sheet_id=sheet.pk, actor=request.user, **incoming.validated_data)
        return Response(serializers.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)


# --- open data (scope: open_data) ----------------------------------------------------------------------------

FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], required=False)


@extend_schema(tags=["open data"], parameters=[FORMAT], responses=serializers.OpenBusinessSerializer(many=True))
class OpenBusinesses(APIView):
    """The public list of businesses that ignored or refused transfer sheets or were exposed (as on
    /public/businesses/): business data only."""

    required_scope = Scope.OPEN_DATA
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request):
        today = timezone.localdate()
        rows = cache.get_or_set(f"api:open:businesses:{today}", lambda: _open_businesses(today), OPEN_DATA_CACHE_SECONDS)
        return Response(rows)


def _open_businesses(today):
    return [
        {
            "name": row.business.name,
            "region": row.business.region.name if row.business.region else "",
            "unanswered_sheets": row.unanswered_count,
            "first_unanswered": row.first_unanswered.isoformat() if row.first_unanswered else None,
            "last_unanswered": row.last_unanswered.isoformat() if row.last_unanswered else None,
            "publications": row.publicity_count,
        }
        for row in public_business_list(today)
    ]


MONTH = OpenApiParameter(
    "month", OpenApiTypes.STR, required=False, pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
    description="YYYY-MM; the last complete month when left out.",
)


@extend_schema(
    tags=["open data"], parameters=[MONTH, FORMAT], responses=serializers.OpenStatisticsRowSerializer(many=True)
)
class OpenStatistics(APIView):
    """A month's figures per business and goods/services category (counts and money only: no personal data)."""

    required_scope = Scope.OPEN_DATA
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request):
        start = _month(request.query_params.get("month"))
        rows = cache.get_or_set(
            f"api:open:statistics:{start:%Y-%m}:{timezone.localdate()}", lambda: _open_statistics(start),
            OPEN_DATA_CACHE_SECONDS,
        )
        return Response(rows)


def _month(value) -> date:
    if not value:
        first = timezone.localdate().replace(day=1)
        return (first - timezone.timedelta(days=1)).replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return date(year, month, 1)
    except ValueError as exc:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from exc


def _open_statistics(start: date) -> list[dict]:
    end = (start.replace(day=28) + timezone.timedelta(days=4)).replace(day=1) - timezone.timedelta(days=1)
    codes = selectors.national_codes()
    rows = business_category_breakdown(Period(start=start, end=end))
    return [
        {
            "month": f"{start:%Y-%m}",
            "business": row["business__name"] or "",
            "category": row["category"],
            "category_label": serializers._zh(serializers.Category, row["category"]),
            "category_national_code": codes.get(f"{CodeTable.CATEGORY}:{row['category']}", ("", ""))[0],
            "received": row["received"],
            "accepted": row["accepted"],
            "resolved": row["resolved"],
            "money_recovered": f"{row['money_recovered']:.2f}",
            "resolution_rate": None if row["resolution_rate"] is None else f"{row['resolution_rate']}",
            "timely_rate": None if row["timely_rate"] is None else f"{row['timely_rate']}",
        }
        for row in rows
    ]


__all__ = ["OpenApiResponse", "JSONParser"]
