"""Records of the handling of a case after filing: follow-up (回访) so far; transfer sheets, replies, appraisal
and escalation live here too as they arrive."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case


class FollowUp(models.Model):
    """The consumer's rating of the handling (回访): given on the public tracking page or taken by phone."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online (tracking page)")
        PHONE = "phone", _("Phone follow-up by a mediator")
        NONE = "none", _("No follow-up (window lapsed)")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("case"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel="none") | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="follow_up_rated_unless_none",
            )
        ]

    def __str__(self):
        return f"{self.case} {self.get_channel_display()} {self.satisfaction or ''}"
