"""Who may read a stored file (the view at /files/<name>, which every file field's `.url` points to).

A file is found by its stored name on the row that owns it; a name no row owns is "not found". Then:
- staff by role: evidence with `cases.view_evidence`, issued documents with `cases.view_case`, appraisal
  conclusions with `mediation.view_appraisalrequest`;
- a business portal user: only for a case transferred to one of the businesses it acts for (a link-scoped
  session: that business only), only evidence shared with the business and only the documents addressed to
  it (the transfer sheet, urging notices);
- the consumer, through the tracking grant in their session: the documents addressed to them (rejection notice,
  agreement, termination notice) and the evidence they filed with the online complaint.
"""

from dataclasses import dataclass

from django.conf import settings

from cases.models import Agent, Document, Evidence
from groups.models import MemberConsent
from mediation.models import AppraisalRequest, TransferSheet

from .access import portal_businesses


@dataclass(frozen=True)
class Viewer:
    """Who asks: the signed-in user (staff or portal) and the case the consumer's tracking grant opens."""

    user: object
    business_ids: frozenset
    tracked_case_id: int | None


def viewer(request, tracked_case_id) -> Viewer:
    ids = frozenset(b.pk for b in portal_businesses(request)) if request.user.is_authenticated else frozenset()
    return Viewer(user=request.user, business_ids=ids, tracked_case_id=tracked_case_id)


def _business_reads_case(who: Viewer, case_id) -> bool:
    return bool(who.business_ids) and TransferSheet.objects.filter(
        case_id=case_id, business_id__in=who.business_ids
    ).exists()


def _evidence(who: Viewer, item: Evidence) -> bool:
    if who.user.has_perm("cases.view_evidence"):
        return True
    if item.shared_with_business and _business_reads_case(who, item.case_id):
        return True
    return who.tracked_case_id == item.case_id and item.uploaded_by is not None and (
        item.uploaded_by.username == settings.SYSTEM_USERNAME
    )


def _document(who: Viewer, document: Document) -> bool:
    if who.user.has_perm("cases.view_case"):
        return True
    if document.for_business and _business_reads_case(who, document.case_id):
        return True
    return who.tracked_case_id == document.case_id and document.for_consumer


def _power_of_attorney(who: Viewer, agent: Agent) -> bool:
    """The 授权委托书 carries the agent's and the consumer's identity: staff who may read evidence only."""
    return who.user.has_perm("cases.view_evidence")


def _member_consent(who: Viewer, consent: MemberConsent) -> bool:
    """A member's signed authorisation in a group complaint carries their identity: staff who may read evidence."""
    return who.user.has_perm("cases.view_evidence")


def _appraisal(who: Viewer, request: AppraisalRequest) -> bool:
    return who.user.has_perm("mediation.view_appraisalrequest")


# (model, file field, rule). A new file field is added here, or only superusers can read its files.
OWNERS = [
    (Evidence, "file", _evidence),
    (Evidence, "preview", _evidence),  # the preview of a photo or PDF: read by whoever may read the file
    (Document, "pdf", _document),
    (AppraisalRequest, "conclusion_file", _appraisal),
    (Agent, "power_of_attorney", _power_of_attorney),
    (MemberConsent, "document", _member_consent),
]


def may_read(who: Viewer, name: str) -> bool | None:
    """True/False for a file some row owns; None if no row owns the name."""
    for model, field, rule in OWNERS:
        owner = model.objects.filter(**{field: name}).first()
        if owner is not None:
            return bool(who.user.is_active and who.user.is_superuser) or rule(who, owner)
    if who.user.is_active and who.user.is_superuser:
        return True
    return None
