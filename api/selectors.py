"""Reads of the data exchange, always scoped to what the partner may see."""

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from cases.choices import OPEN_STATES
from cases.models import Document, DocumentKind, Evidence
from mediation.models import SheetMessage, TransferSheet

from .models import ApiEvent, CodeMapping, Handoff, Partner

CODES_CACHE_KEY = "api:national-codes"


def national_codes() -> dict:
    """{(table, value): (national code, national label)}: the whole (small) table, cached; the admin clears it."""
    codes = cache.get(CODES_CACHE_KEY)
    if codes is None:
        codes = {
            f"{table}:{value}": (code, label)
            for table, value, code, label in CodeMapping.objects.values_list(
                "table", "value", "national_code", "national_label"
            )
        }
        cache.set(CODES_CACHE_KEY, codes, 300)
    return codes


def national_code(table: str, value: str) -> tuple[str, str]:
    return tuple(national_codes().get(f"{table}:{value}", ("", "")))


BACKFILL_DOCUMENTS = [DocumentKind.REJECTION_NOTICE, DocumentKind.AGREEMENT, DocumentKind.TERMINATION_NOTICE]


def partner_handoffs(partner: Partner) -> QuerySet[Handoff]:
    """The complaints this partner forwarded, with what their back-fill reads (a fixed number of queries)."""
    return (
        Handoff.objects.filter(partner=partner, case__isnull=False)
        .select_related("case", "case__termination_ground")
        .prefetch_related(
            "case__rejection_grounds",
            "case__consumer_responses",
            Prefetch(
                "case__documents",
                queryset=Document.objects.filter(kind__in=BACKFILL_DOCUMENTS).only("case_id", "kind", "number", "title"),
            ),
        )
    )


def partner_sheets(partner: Partner, *, open_only=False) -> QuerySet[TransferSheet]:
    """A platform business's sheets (only its own business's: the same scoping as the portal's selectors)."""
    sheets = TransferSheet.objects.filter(business_id=partner.business_id).select_related(
        "case", "case__consumer", "reply"
    )
    if open_only:
        sheets = sheets.filter(case__state__in=OPEN_STATES)
    return sheets


def partner_sheet(partner: Partner, number: str) -> TransferSheet | None:
    """One sheet of this partner's business by its number, else None (missing and foreign look the same)."""
    if partner.business_id is None:
        return None
    return partner_sheets(partner).filter(number=number).first()


def sheet_messages(sheet) -> QuerySet[SheetMessage]:
    return SheetMessage.objects.filter(sheet=sheet).order_by("created_at", "pk")


def sheet_evidence(sheet) -> QuerySet[Evidence]:
    """What the portal shows the business: the evidence shared with it (its own uploads are)."""
    return Evidence.objects.filter(case_id=sheet.case_id, shared_with_business=True).order_by("uploaded_at", "pk")


def partner_events(partner: Partner) -> QuerySet[ApiEvent]:
    return ApiEvent.objects.filter(partner=partner, published_at__isnull=False)
