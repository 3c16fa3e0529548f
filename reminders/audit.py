"""The reminder steps in the case's audit trail (registered with cases.audit.register_audit_source)."""

from django.utils.translation import gettext_lazy as _

from cases.audit import Change, Entry
from cases.choices import ReminderStep as R
from cases.models import Case

from .models import CaseReminder

# The flag on the case each step sets (the sweep writes it with the step; the step row is its record).
FLAGS = {
    R.SECOND_URGE: "supervisor_queue_since",
    R.ESCALATION_CANDIDATE: "escalation_candidate_since",
    R.MEDIATION_LIMIT: "mediation_limit_reached_on",
}


def reminder_entries(case) -> list[Entry]:
    """One entry per step the sweep took: by the system user, the step as what happened, the deadline as why,
    and the urging notice or flag it left on the case."""
    steps = CaseReminder.objects.filter(case=case).select_related("taken_by", "urging_notice")
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
        who=step.taken_by.get_full_name() or step.taken_by.get_username(),
        what=str(_("Reminder")),
        kind=step.get_kind_display(),
        reason=str(_("Deadline %(day)s") % {"day": step.deadline}),
        changes=changes,
    )
