"""The audit trail as people read it: who, when, what changed (old → new, as the pages show the values), why.

Steps: fetch the history rows of the record and of its parts (a fixed number of queries), pair each row with the
previous row of the same object, diff the pair, name the related records (one query per related model), merge
everything in time order, then group the rows one action wrote (same person, within a few seconds) into one
action with its reasons.

What a reader must not see: ids, the links between the parts of one case (a remedy's "case", a sheet's "document"),
the outbox's internals, the stored text and table of a document, storage paths, "None".
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from cases.choices import ReminderStep as R
from cases.models import Case, CaseNote, CasePause, CaseRejectionGround, Document, Evidence
from groups import models as groups
from mediation import models as mediation
from notifications.models import Notification
from reminders.models import CaseReminder

HIDDEN_FIELDS = {"id", "updated_at", "created_at", "tracking_secret_hash"}
# Links between the parts of one case and to internal records: the trail already says which record it is.
HIDDEN_RELATIONS = (
    Case, Document, Notification, ContentType, mediation.TransferSheet, mediation.BusinessReply, mediation.Escalation,
)
# Fields of a part that repeat what the trail shows otherwise, or hold the stored form of a document.
HIDDEN_PART_FIELDS = {
    Document: {"text", "fields", "footer", "pdf", "issued_at", "title"},
    Evidence: {"content_type", "size", "uploaded_at"},
    mediation.TransferSheetDispatch: {"sent_at"},
    mediation.TransferSheet: {"issued_at"},
}
TYPE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}

# Every record about a case that keeps a history: (model, label, how its history rows reach the case id, the
# fields whose values name one record of the kind in the trail).
CASE_PARTS = [
    (Evidence, _("Evidence"), "case_id", ["description"]),
    (CaseNote, _("Note"), "case_id", []),
    (CasePause, _("Clock pause"), "case_id", ["kind"]),
    (CaseRejectionGround, _("Rejection ground"), "case_id", []),
    (mediation.TransferSheet, _("Transfer sheet"), "case_id", ["number"]),
    (mediation.TransferSheetDispatch, _("Transfer sheet sent"), "sheet__case_id", ["kind"]),
    (mediation.BusinessReply, _("Business's answer"), "case_id", ["kind"]),
    (mediation.SheetMessage, _("Message with the business"), "case_id", ["side"]),
    (mediation.ConsumerResponse, _("Consumer's response"), "case_id", ["decision"]),
    (mediation.AppraisalRequest, _("Appraisal"), "case_id", []),
    (mediation.RemedyLine, _("Remedy"), "case_id", ["kind"]),
    (mediation.FollowUp, _("Follow-up"), "case_id", ["channel"]),
    (mediation.Escalation, _("Escalation"), "case_id", ["kind"]),
    (mediation.GovernmentReport, _("Report to a department"), "escalation__case_id", ["department"]),
    (mediation.Publication, _("Publication"), "escalation__case_id", ["title"]),
    (Document, _("Issued document"), "case_id", ["kind", "number"]),
    (groups.GroupMember, _("Group complaint membership"), "case_id", []),
    (groups.MemberConsent, _("Consent in the group complaint"), "member__case_id", []),
    (groups.LawsuitSupport, _("Lawsuit support"), "case_id", []),
]

# Rows one service call wrote carry the same person and fall within this span.
ACTION_SPAN = timedelta(seconds=5)


@dataclass
class Change:
    field: str
    old: object  # None: there was no value before (a new record, a date set for the first time): no arrow
    new: object
    related_model: type | None = None


@dataclass
class Entry:
    when: datetime
    who: str
    what: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    is_case: bool = False
    moves_state: bool = False  # the case's creation or a transition: each action makes at most one


@dataclass
class Action:
    """The rows one action wrote: who, when, why (its reasons, the case's first), and each record it touched."""

    when: datetime
    who: str
    entries: list[Entry]

    @property
    def reasons(self) -> list[str]:
        seen = []
        for entry in sorted(self.entries, key=lambda e: not e.is_case):
            if entry.reason and entry.reason not in seen:
                seen.append(entry.reason)
        return seen


def case_audit_trail(case: Case) -> list[Entry]:
    """Every row of the case's history and of its parts', newest first."""
    entries = _entries(case.history.all(), Case, _("Case"), [])
    for model, label, lookup, label_fields in CASE_PARTS:
        entries += _entries(model.history.filter(**{lookup: case.pk}), model, label, label_fields)
    _name_related_objects(entries)
    entries += reminder_entries(case)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def case_audit_actions(case: Case) -> list[Action]:
    return group_actions(case_audit_trail(case))


def object_audit_actions(obj) -> list[Action]:
    """The history of any other history-tracked record (a business, a ground, a profile…), read the same way."""
    if isinstance(obj, Case):
        return case_audit_actions(obj)
    model = type(obj)
    entries = _entries(obj.history.all(), model, model._meta.verbose_name, [], is_subject=True)
    _name_related_objects(entries)
    entries.sort(key=lambda e: e.when, reverse=True)
    return group_actions(entries)


def group_actions(entries: list[Entry]) -> list[Action]:
    """Entries (newest first) grouped into actions: consecutive rows of one person within ACTION_SPAN, a new
    action starting at a row of the case once the current one has moved the case's state."""
    actions: list[Action] = []
    for entry in sorted(entries, key=lambda e: e.when):
        current = actions[-1] if actions else None
        if (
            current is not None
            and current.who == entry.who
            and entry.when - current.when <= ACTION_SPAN
            and not (entry.is_case and any(e.moves_state for e in current.entries))
        ):
            current.entries.append(entry)
        else:
            actions.append(Action(when=entry.when, who=entry.who, entries=[entry]))
    for action in actions:
        action.entries = _merge_case_entries(action.entries)
    actions.reverse()
    return actions


def _merge_case_entries(entries):
    """The case first (its rows of one action as one entry, e.g. the state and the answer date set by a
    transfer), then its parts in the order written."""
    case_entries = [e for e in entries if e.is_case]
    parts = [e for e in entries if not e.is_case]
    if len(case_entries) > 1:
        merged = case_entries[0]
        merged.moves_state = any(e.moves_state for e in case_entries)
        for extra in case_entries[1:]:
            merged.changes += extra.changes
            if extra.reason and extra.reason not in merged.reason.split("\n"):
                merged.reason = "\n".join(filter(None, [merged.reason, extra.reason]))
        case_entries = [merged]
    return case_entries + parts


def _name_related_objects(entries):
    """Replace foreign-key ids by names: one query per related model, however long the trail."""
    wanted = {}
    for entry in entries:
        for change in entry.changes:
            if change.related_model is not None:
                wanted.setdefault(change.related_model, set()).update({change.old, change.new} - {None})
    names = {}
    for model, ids in wanted.items():
        queryset = model._default_manager.filter(pk__in=ids)
        if hasattr(model, "get_username"):
            queryset = queryset.select_related("staff_profile")
        names[model] = {obj.pk: _name(obj) for obj in queryset}
    for entry in entries:
        for change in entry.changes:
            if change.related_model is not None:
                lookup = names[change.related_model]
                change.old = _related_name(lookup, change.old)
                change.new = _related_name(lookup, change.new) or "—"
                change.related_model = None


def _related_name(lookup, pk):
    if pk is None:
        return None
    return lookup.get(pk, gettext("(removed)"))


def _entries(history_qs, model, label, label_fields, *, is_subject=False):
    rows = list(history_qs.select_related("history_user__staff_profile").order_by("history_date", "history_id"))
    previous_by_object = {}
    entries = []
    is_case = model is Case or is_subject
    for row in rows:
        previous = previous_by_object.get(row.id)
        previous_by_object[row.id] = row
        user = row.history_user
        naming = " ".join(str(_display(model._meta.get_field(f), getattr(row, f))) for f in label_fields)
        naming = naming.strip(" —")
        changes = _changes(model, previous, row, is_part=not is_case)
        if previous is None:  # the title names the new record already
            titled = {str(model._meta.get_field(f).verbose_name) for f in label_fields}
            changes = [c for c in changes if c.field not in titled]
        if row.history_type == "~" and not changes and not row.history_change_reason:
            continue  # only hidden fields changed (an outbox link, a timestamp)
        entries.append(
            Entry(
                when=row.history_date,
                who=_name(user) if user else gettext("unknown"),
                what=f"{label} {naming}" if naming else str(label),
                kind=str(TYPE_LABELS.get(row.history_type, row.history_type)),
                reason=row.history_change_reason or "",
                changes=changes,
                is_case=is_case,
                moves_state=is_case and (previous is None or getattr(previous, "state", None) != getattr(row, "state", None)),
            )
        )
    return entries


def _name(obj):
    return display_name(obj) if hasattr(obj, "get_username") else str(obj)


def _shown_fields(model, row, *, is_part):
    tracked = {f.attname for f in type(row)._meta.concrete_fields}  # fields the history excludes are skipped
    hidden = HIDDEN_FIELDS | (HIDDEN_PART_FIELDS.get(model, set()) if is_part else set())
    for f in model._meta.concrete_fields:
        if f.name in hidden or f.attname not in tracked:
            continue
        if f.is_relation and issubclass(f.related_model, HIDDEN_RELATIONS):
            continue
        if isinstance(f, models.JSONField):
            continue
        yield f


def _changes(model, previous, row, *, is_part):
    changes = []
    for f in _shown_fields(model, row, is_part=is_part):
        new = getattr(row, f.attname)
        old = getattr(previous, f.attname) if previous else None
        if previous is not None and _same(old, new):
            continue
        if previous is None and (new is None or new == "" or new is False or isinstance(new, FieldFile) and not new):
            continue
        was_empty = previous is None or old is None or old == "" or isinstance(old, FieldFile) and not old
        if f.is_relation:
            changes.append(Change(str(f.verbose_name), None if was_empty else old, new, f.related_model))
        else:
            changes.append(Change(str(f.verbose_name), None if was_empty else _display(f, old), _display(f, new)))
    return changes


def _same(old, new):
    if isinstance(old, FieldFile) or isinstance(new, FieldFile):
        return (old.name if old else "") == (new.name if new else "")
    return old == new


def _display(f, value):
    """A value as the pages show it: choice labels, local dates, yuan, yes/no, a file's name."""
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1] if value else "—"
    if value in (None, ""):
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return formats.date_format(localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal) or isinstance(f, models.DecimalField):
        return money(value)
    return str(value)


def money(value) -> str:
    return gettext("%(amount)s yuan") % {"amount": f"{Decimal(str(value)):,.2f}"}


# --- the steps the deadline sweep took (records without a history of their own) -----------------------

# The flag on the case each step sets (the sweep writes it with the step; the step row is its record).
FLAGS = {
    R.SECOND_URGE: "supervisor_queue_since",
    R.ESCALATION_CANDIDATE: "escalation_candidate_since",
    R.MEDIATION_LIMIT: "mediation_limit_reached_on",
}


def reminder_entries(case) -> list[Entry]:
    """One entry per step the sweep took: by the system user, the step as what happened, the deadline as why,
    and the urging notice or flag it left on the case."""
    steps = CaseReminder.objects.filter(case=case).select_related("taken_by__staff_profile", "urging_notice")
    return [_entry(step) for step in steps]


def _entry(step):
    changes = []
    notice = getattr(step, "urging_notice", None)
    if notice is not None:
        changes.append(Change(gettext("urging notice"), None, notice.number))
    if step.kind in FLAGS:
        value = step.deadline if step.kind == R.MEDIATION_LIMIT else localtime(step.taken_at).date()
        changes.append(
            Change(str(Case._meta.get_field(FLAGS[step.kind]).verbose_name), None, formats.date_format(value))
        )
    return Entry(
        when=step.taken_at,
        who=display_name(step.taken_by),
        what=f"{gettext('Reminder')}: {step.get_kind_display()}",
        kind="",
        reason=gettext("Deadline %(day)s") % {"day": formats.date_format(step.deadline)},
        changes=changes,
    )
