"""The case's audit trail as people read it: who, when, what changed (old → new), why.

Steps: fetch the history rows of the case and of its parts (a fixed number of queries), pair each row with the
previous row of the same object, diff the pair, and merge everything newest first.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from cases.choices import ReminderStep as R
from cases.models import Case, CaseNote, CasePause, CaseRejectionGround, Document, Evidence
from mediation import models as mediation
from reminders.models import CaseReminder

HIDDEN_FIELDS = {"updated_at", "created_at", "tracking_secret_hash"}
TYPE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}

# Every record about a case that keeps a history: (model, label, how its history rows reach the case id).
CASE_PARTS = [
    (Evidence, _("Evidence"), "case_id"),
    (CaseNote, _("Note"), "case_id"),
    (CasePause, _("Clock pause"), "case_id"),
    (CaseRejectionGround, _("Rejection ground"), "case_id"),
    (mediation.TransferSheet, _("Transfer sheet"), "case_id"),
    (mediation.TransferSheetDispatch, _("Transfer sheet sent"), "sheet__case_id"),
    (mediation.BusinessReply, _("Business's answer"), "case_id"),
    (mediation.SheetMessage, _("Message with the business"), "case_id"),
    (mediation.ConsumerResponse, _("Consumer's response"), "case_id"),
    (mediation.AppraisalRequest, _("Appraisal"), "case_id"),
    (mediation.RemedyLine, _("Remedy"), "case_id"),
    (mediation.FollowUp, _("Follow-up"), "case_id"),
    (mediation.Escalation, _("Escalation"), "case_id"),
    (mediation.GovernmentReport, _("Report to a department"), "escalation__case_id"),
    (mediation.Publication, _("Publication"), "escalation__case_id"),
    (Document, _("Issued document"), "case_id"),
]


@dataclass
class Change:
    field: str
    old: object
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


def case_audit_trail(case: Case) -> list[Entry]:
    entries = _entries(case.history.all(), Case, _("Case"))
    for model, label, lookup in CASE_PARTS:
        entries += _entries(model.history.filter(**{lookup: case.pk}), model, label)
    _name_related_objects(entries)
    entries += reminder_entries(case)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _name_related_objects(entries):
    """Replace foreign-key ids by names: one query per related model, however long the trail."""
    wanted = {}
    for entry in entries:
        for change in entry.changes:
            if change.related_model is not None:
                wanted.setdefault(change.related_model, set()).update({change.old, change.new} - {"—"})
    names = {
        model: {obj.pk: _name(obj) for obj in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    for entry in entries:
        for change in entry.changes:
            if change.related_model is not None:
                lookup = names[change.related_model]
                change.old = lookup.get(change.old, change.old)
                change.new = lookup.get(change.new, change.new)


def _entries(history_qs, model, label):
    rows = list(history_qs.select_related("history_user__staff_profile").order_by("history_date", "history_id"))
    previous_by_object = {}
    entries = []
    for row in rows:
        previous = previous_by_object.get(row.id)
        previous_by_object[row.id] = row
        changes = _changes(model, previous, row)
        user = row.history_user
        entries.append(
            Entry(
                when=row.history_date,
                who=_name(user) if user else str(_("unknown")),
                what=f"{label} {row.id}" if model is not Case else str(label),
                kind=str(TYPE_LABELS.get(row.history_type, row.history_type)),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _name(obj):
    return display_name(obj) if hasattr(obj, "get_username") else str(obj)


def _changes(model, previous, row):
    tracked = {f.attname for f in type(row)._meta.concrete_fields}  # fields the history excludes are skipped
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and f.name != "id" and f.attname in tracked
    ]
    changes = []
    for f in fields:
        new = getattr(row, f.attname)
        old = getattr(previous, f.attname) if previous else None
        if previous is not None and old == new:
            continue
        if previous is None and new in (None, ""):
            continue
        related = f.related_model if f.is_relation else None
        if related is not None:
            changes.append(
                Change(
                    str(f.verbose_name),
                    old if old is not None else "—",
                    new if new is not None else "—",
                    related,
                )
            )
        else:
            changes.append(Change(str(f.verbose_name), _display(f, old), _display(f, new)))
    return changes


def _display(f, value):
    if value in (None, ""):
        return "—"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


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
        changes.append(Change(str(_("urging notice")), "—", notice.number))
    if step.kind in FLAGS:
        value = step.deadline if step.kind == R.MEDIATION_LIMIT else step.taken_at.date()
        changes.append(Change(str(Case._meta.get_field(FLAGS[step.kind]).verbose_name), "—", str(value)))
    return Entry(
        when=step.taken_at,
        who=display_name(step.taken_by),
        what=str(_("Reminder")),
        kind=step.get_kind_display(),
        reason=str(_("Deadline %(day)s") % {"day": step.deadline}),
        changes=changes,
    )
