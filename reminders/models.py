"""What the deadline sweep did: every ladder step taken for a case, and the urging notices (催办通知书) it issued.

Both are records: written once by the sweep (as the system user) and never changed, so they carry no separate
history. The unique constraint on CaseReminder is the last guard of "each step exactly once".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseState, ReminderStep
from cases.models import Case


class CaseReminder(models.Model):
    """One step of a reminder ladder (cases.ladder) taken for a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("case"))
    kind = models.CharField(_("step"), max_length=24, choices=ReminderStep.choices)
    deadline = models.DateField(_("deadline"), help_text=_("The due date this step belongs to."))
    scheduled_on = models.DateField(_("due on"), help_text=_("The day the step was due."))
    case_state = models.CharField(_("case state then"), max_length=20, choices=CaseState.choices)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken by")
    )

    class Meta:
        verbose_name = _("reminder step")
        verbose_name_plural = _("reminder steps")
        ordering = ["taken_at", "pk"]
        constraints = [
            # The last guard: a step of a deadline happens once, whatever the sweeps do (reminders.sql inserts
            # with ON CONFLICT DO NOTHING on exactly these columns).
            models.UniqueConstraint(fields=["case", "kind", "deadline"], name="case_reminder_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.deadline})"


class UrgingNotice(models.Model):
    """催办通知书: a notice urging the business to answer its transfer sheet; its number, text and PDF are its
    document's (cases.Document, CB-)."""

    document = models.OneToOneField(
        "cases.Document", on_delete=models.PROTECT, related_name="urging_notice", verbose_name=_("document")
    )
    # The document's number, kept here for the lists and their order; the sweep writes both at once.
    number = models.CharField(_("number"), max_length=20, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="urging_notices", verbose_name=_("case")
    )
    reminder = models.OneToOneField(
        CaseReminder, on_delete=models.PROTECT, related_name="urging_notice", verbose_name=_("reminder step")
    )
    round = models.PositiveSmallIntegerField(_("urging round"))
    business_name = models.CharField(_("addressed to"), max_length=200)
    sent_to = models.CharField(
        _("emailed to"), max_length=254, blank=True, help_text=_("Empty: no email on file; print and post it.")
    )
    deadline = models.DateField(_("answer was due"), help_text=_("The answer date of the transfer sheet."))
    answer_by = models.DateField(
        _("new answer date"), null=True, blank=True, help_text=_("The answer date this notice sets.")
    )
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )

    class Meta:
        verbose_name = _("urging notice")
        verbose_name_plural = _("urging notices")
        ordering = ["-issued_on", "-number"]

    def __str__(self):
        return self.number


class OverdueCase(Case):
    """The supervisors' overdue view (reminders.admin.OverdueCaseAdmin): open cases that are late or soon due."""

    class Meta:
        proxy = True
        verbose_name = _("overdue case")
        verbose_name_plural = _("overdue and soon-due cases")
