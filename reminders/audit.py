"""The reminder steps in the case's audit trail (registered with cases.audit.register_audit_source)."""

from django.utils.translation import gettext_lazy as _

from cases.audit import Change, Entry

from .models import CaseReminder


def reminder_entries(case) -> list[Entry]:
    """One entry per step the sweep took: by the system user, the step as what happened, the deadline as why."""
    steps = CaseReminder.objects.filter(case=case).select_related("taken_by", "urging_notice")
    entries = []
    for step in steps:
        notice = getattr(step, "urging_notice", None)
        entries.append(
            Entry(
                when=step.taken_at,
                who=step.taken_by.get_full_name() or step.taken_by.get_username(),
                what=str(_("Reminder")),
                kind=step.get_kind_display(),
                reason=str(_("Deadline %(day)s") % {"day": step.deadline}),
                changes=[Change(str(_("urging notice")), "—", notice.number)] if notice else [],
            )
        )
    return entries
