"""Reads for mediation: the mediation-limit flag, the public list of businesses, and the business portal's
queries (always scoped to the businesses the viewer may act for)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.choices import OPEN_STATES, CaseState
from cases.ladder import mediation_limit_q
from cases.models import BOTH_PARTIES_KINDS, BUSINESS_KINDS, Business, Case, Document, Evidence

from .models import Escalation, Publication, SheetMessage, TransferSheet


def cases_past_mediation_limit(queryset=None):
    """The cases flagged for termination (ground T13): their mediation time limit (mediation_due_on, counted from
    filing) has passed without agreement. The flag is cases.ladder's (mediation_limit_reached_on); the overdue
    view filters on the same one, so both always show the same cases."""
    queryset = Case.objects.all() if queryset is None else queryset
    return queryset.filter(mediation_limit_q())


# --- the public list of businesses ------------------------------------------------------------------------


def unanswered_transfer_q(today: date, prefix: str = "") -> Q:
    """A transfer sheet ignored or refused, from what the case records (documented in the public page):

    - ignored: the case was transferred to the business (transferred_at), and no answer was recorded before the
      answer date its transfer sheet gave passed (replied_at empty, answer_due_on before today);
    - refused: the association had to take the case into mediation, appraisal or termination without an answer
      (replied_at empty), i.e. the business turned the transfer sheet down by other means or let it lie.
    A case the consumer withdrew before the due date counts for neither.
    """
    p = prefix
    return Q(**{f"{p}transferred_at__isnull": False, f"{p}replied_at__isnull": True}) & (
        Q(**{f"{p}answer_due_on__lt": today})
        | Q(**{f"{p}state__in": [CaseState.MEDIATING, CaseState.APPRAISAL, CaseState.TERMINATED]})
        | Q(**{f"{p}termination_ground__isnull": False})
    )


@dataclass
class PublicBusinessRow:
    business: Business
    unanswered_count: int = 0
    first_unanswered: date | None = None
    last_unanswered: date | None = None
    publicity_count: int = 0
    publications: list = field(default_factory=list)


def public_business_list(today: date | None = None, *, search: str = "") -> list[PublicBusinessRow]:
    """Businesses with ignored/refused transfer sheets or approved publicity, with counts and dates; `search`
    keeps those whose name contains it.

    Four queries whatever the size: the unanswered cases grouped by business, the approved publicity grouped by
    business, those businesses, their publications. Only business-level data is selected: no consumer's.
    """
    today = today or timezone.localdate()
    rows: dict[int, PublicBusinessRow] = {}
    named = Q(business__name__icontains=search.strip()) if search.strip() else Q()
    unanswered = (
        Case.objects.filter(unanswered_transfer_q(today), named, business__isnull=False)
        .values("business_id")
        .annotate(n=Count("pk"), first=Min("transferred_at"), last=Max("transferred_at"))
        .order_by()
    )
    found = {}
    for group in unanswered:
        found[group["business_id"]] = group
    publicity = dict(
        Escalation.objects.filter(named, kind=Escalation.Kind.PUBLICITY, status=Escalation.Status.APPROVED)
        .values("business_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("business_id", "n")
    )
    businesses = Business.objects.filter(pk__in=set(found) | set(publicity)).select_related("region")
    for business in businesses.only("pk", "name", "address", "region__name"):
        group = found.get(business.pk)
        rows[business.pk] = PublicBusinessRow(
            business=business,
            unanswered_count=group["n"] if group else 0,
            first_unanswered=timezone.localdate(group["first"]) if group else None,
            last_unanswered=timezone.localdate(group["last"]) if group else None,
            publicity_count=publicity.get(business.pk, 0),
        )
    for publication in public_publications(list(rows)):
        rows[publication.escalation.business_id].publications.append(publication)
    return sorted(rows.values(), key=lambda r: (-r.unanswered_count - r.publicity_count, r.business.name))


def public_publications(business_ids):
    """The approved publications of these businesses (outlet, date, title, link); one query."""
    return (
        Publication.objects.filter(
            escalation__business_id__in=business_ids,
            escalation__kind=Escalation.Kind.PUBLICITY,
            escalation__status=Escalation.Status.APPROVED,
        )
        .select_related("escalation")
        .only("outlet", "published_on", "title", "link", "escalation__business_id")
        .order_by("-published_on", "-pk")
    )


# --- the business portal ---------------------------------------------------------------------------------


def portal_sheets(*, business_ids) -> QuerySet[TransferSheet]:
    """The open sheets of these businesses: unanswered first, then by answer-by date (index
    sheet_business_due_idx). One query per page whatever the number of sheets."""
    return (
        TransferSheet.objects.filter(business_id__in=business_ids, case__state__in=OPEN_STATES)
        .select_related("case", "business", "reply")
        .order_by(F("reply").asc(nulls_first=True), "answer_by", "pk")
    )


def portal_sheet_history(*, business_ids) -> QuerySet[TransferSheet]:
    """The business's answered or finished sheets, newest first, each with the documents it received (one query
    per page for the sheets, one for their documents)."""
    return (
        TransferSheet.objects.filter(business_id__in=business_ids)
        .filter(Q(case__replied_at__isnull=False) | ~Q(case__state__in=OPEN_STATES))
        .select_related("case", "business", "reply")
        .prefetch_related(
            Prefetch(
                "case__documents",
                queryset=Document.objects.filter(kind__in=[*BUSINESS_KINDS, *BOTH_PARTIES_KINDS])
                .only("pk", "case_id", "kind", "number", "title", "issued_on")
                .order_by("issued_on", "pk"),
                to_attr="business_documents",
            )
        )
        .order_by("-issued_at", "-pk")
    )


def portal_sheet(*, sheet_id, business_ids) -> TransferSheet | None:
    """One sheet if it belongs to one of these businesses, else None (missing and foreign look the same)."""
    return (
        TransferSheet.objects.filter(pk=sheet_id, business_id__in=business_ids)
        .select_related("case", "case__consumer", "case__mediator", "business", "reply", "document")
        .first()
    )


def portal_sheet_evidence(*, sheet) -> QuerySet[Evidence]:
    """Evidence the association chose to share with the business, and the business's own uploads."""
    return Evidence.objects.filter(case_id=sheet.case_id, shared_with_business=True).order_by(
        "uploaded_at", "pk"
    )


def portal_sheet_documents(*, sheet) -> QuerySet[Document]:
    """The documents of the sheet's case addressed to the business: the sheet, its urging notices (催办), and the
    agreement, settlement record or termination notice that bind both parties."""
    return Document.objects.filter(
        case_id=sheet.case_id, kind__in=[*BUSINESS_KINDS, *BOTH_PARTIES_KINDS]
    ).order_by("issued_at", "pk")


def portal_sheet_messages(*, sheet) -> QuerySet[SheetMessage]:
    return SheetMessage.objects.filter(sheet=sheet).select_related("author").order_by("created_at", "pk")
