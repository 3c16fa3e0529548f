"""Reads for the business portal, always scoped to the businesses the viewer may act for."""

from django.db.models import F, QuerySet

from cases.choices import OPEN_STATES
from cases.models import Evidence

from .models import SheetMessage, TransferSheet


def portal_sheets(*, business_ids) -> QuerySet[TransferSheet]:
    """The open sheets of these businesses: unanswered first, then by answer-by date (index
    sheet_business_due_idx). One query per page whatever the number of sheets."""
    return (
        TransferSheet.objects.filter(business_id__in=business_ids, case__state__in=OPEN_STATES)
        .select_related("case", "business", "reply")
        .order_by(F("reply").asc(nulls_first=True), "answer_by", "pk")
    )


def portal_sheet(*, sheet_id, business_ids) -> TransferSheet | None:
    """One sheet if it belongs to one of these businesses, else None (missing and foreign look the same)."""
    return (
        TransferSheet.objects.filter(pk=sheet_id, business_id__in=business_ids)
        .select_related("case", "case__consumer", "case__mediator", "business", "reply")
        .first()
    )


def portal_sheet_evidence(*, sheet) -> QuerySet[Evidence]:
    """Evidence the association chose to share with the business, and the business's own uploads."""
    return Evidence.objects.filter(case_id=sheet.case_id, shared_with_business=True).order_by(
        "uploaded_at", "pk"
    )


def portal_sheet_messages(*, sheet) -> QuerySet[SheetMessage]:
    return SheetMessage.objects.filter(sheet=sheet).select_related("author").order_by("created_at", "pk")
