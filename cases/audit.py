"""The case's audit trail as people read it: who, when, what changed (old → new), why.

Steps: fetch the history rows of the case and of its parts (a fixed number of queries), pair each row with the
previous row of the same object, diff the pair, and merge everything newest first.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseNote, CasePause, CaseRejectionGround, Evidence

HIDDEN_FIELDS = {"updated_at", "created_at", "tracking_secret_hash"}
TYPE_LABELS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


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


# Parts of a case kept by apps built on cases (appraisal, documents, escalation…): (model, label, case lookup).
_EXTRA_PARTS = []


def register_case_part(model, label, case_lookup="case_id"):
    """Called from another app's ready(): show the history of its records about a case in the case's trail.
    `case_lookup` reaches the case id from the model's history rows (e.g. "escalation__case_id")."""
    if all(part[0] is not model for part in _EXTRA_PARTS):
        _EXTRA_PARTS.append((model, label, case_lookup))


# Sources of entries that apps built on cases add to the trail (e.g. the reminder steps the sweep took).
_EXTRA_SOURCES = []


def register_audit_source(source):
    """Called from another app's AppConfig.ready(): `source(case)` returns Entry objects about the case, in a
    fixed number of queries."""
    if source not in _EXTRA_SOURCES:
        _EXTRA_SOURCES.append(source)


def case_audit_trail(case: Case) -> list[Entry]:
    entries = _entries(case.history.all(), Case, _("Case"))
    for model, label, lookup in (
        (Evidence, _("Evidence"), "case_id"),
        (CaseNote, _("Note"), "case_id"),
        (CasePause, _("Clock pause"), "case_id"),
        (CaseRejectionGround, _("Rejection ground"), "case_id"),
        *_EXTRA_PARTS,
    ):
        entries += _entries(model.history.filter(**{lookup: case.pk}), model, label)
    _name_related_objects(entries)
    for source in _EXTRA_SOURCES:
        entries += source(case)
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
    rows = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
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
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() or obj.get_username()) if full_name else str(obj)


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
