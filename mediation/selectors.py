"""Reads for mediation: the mediation-limit flag, the public list of businesses, and the business portal's
queries (always scoped to the businesses the viewer may act for)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from cases import deadlines
from cases.choices import OPEN_STATES, CaseState
from cases.models import Business, Case, CasePause, Evidence
from workcalendar import services as calendar

from .models import Escalation, Publication, SheetMessage, TransferSheet

# Open cases still without agreement; `appraisal` is left out because its clock is paused.
LIMIT_STATES = [CaseState.ACCEPTED, CaseState.TRANSFERRED, CaseState.REPLIED, CaseState.MEDIATING]


def mediation_limit_cutoff(today: date) -> date:
    """Cases filed before this day have had CASE_MEDIATION_WORKING_DAYS working days by `today` without counting
    pauses: the (official) working day that many working days back from yesterday."""
    day, found = today, 0
    with calendar.calendar_snapshot():
        while found < settings.CASE_MEDIATION_WORKING_DAYS:
            day -= timedelta(days=1)
            found += calendar.is_workday(day)
    return day


def mediation_limit_reached(case: Case, today: date | None = None) -> bool:
    """Has the case had its mediation period (working days from filing, pushed back by the paused days) without
    agreement? Such a case is flagged for termination (ground T03)."""
    today = today or timezone.localdate()
    if case.state not in LIMIT_STATES or case.filed_on is None or case.pause_kind:
        return False
    paused = sum(p.days for p in case.pauses.all() if p.ended_on)
    return deadlines.extend_for_pause(deadlines.mediation_due(case.filed_on), paused) < today


def cases_past_mediation_limit(queryset=None, today: date | None = None):
    """The cases flagged for termination. The database narrows to cases filed before the cutoff (a pause only
    moves the limit later, so this is a superset); the few with pauses are then checked one by one."""
    today = today or timezone.localdate()
    queryset = Case.objects.all() if queryset is None else queryset
    candidates = queryset.filter(
        state__in=LIMIT_STATES, pause_kind="", filed_on__lt=mediation_limit_cutoff(today)
    ).annotate(_paused=Exists(CasePause.objects.filter(case=OuterRef("pk"))))
    with_pauses = candidates.filter(_paused=True).prefetch_related("pauses")
    late = [case.pk for case in with_pauses if mediation_limit_reached(case, today)]
    return queryset.filter(Q(pk__in=candidates.filter(_paused=False).values("pk")) | Q(pk__in=late))


# --- the public list of businesses ------------------------------------------------------------------------


def unanswered_transfer_q(today: date, prefix: str = "") -> Q:
    """A transfer sheet ignored or refused, from what the case records (documented in the public page):

    - ignored: the case was transferred to the business (transferred_at), and no answer was recorded before the
      handling due date passed (replied_at empty, due_on before today);
    - refused: the association had to take the case into mediation, appraisal or termination without an answer
      (replied_at empty), i.e. the business turned the transfer sheet down by other means or let it lie.
    A case the consumer withdrew before the due date counts for neither.
    """
    p = prefix
    return Q(**{f"{p}transferred_at__isnull": False, f"{p}replied_at__isnull": True}) & (
        Q(**{f"{p}due_on__lt": today})
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


def public_business_list(today: date | None = None) -> list[PublicBusinessRow]:
    """Businesses with ignored/refused transfer sheets or approved publicity, with counts and dates.

    Four queries whatever the size: the unanswered cases grouped by business, the approved publicity grouped by
    business, those businesses, their publications. Only business-level data is selected: no consumer's.
    """
    today = today or timezone.localdate()
    rows: dict[int, PublicBusinessRow] = {}
    unanswered = (
        Case.objects.filter(unanswered_transfer_q(today), business__isnull=False)
        .values("business_id")
        .annotate(n=Count("pk"), first=Min("transferred_at"), last=Max("transferred_at"))
        .order_by()
    )
    found = {}
    for group in unanswered:
        found[group["business_id"]] = group
    publicity = dict(
        Escalation.objects.filter(kind=Escalation.Kind.PUBLICITY, status=Escalation.Status.APPROVED)
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


def portal_sheet_messages(*, sheet) -> QuerySet[SheetMessage]:
    return SheetMessage.objects.filter(sheet=sheet).select_related("author").order_by("created_at", "pk")
