"""Records of the handling of a case after filing: follow-up (回访) so far; transfer sheets, replies, appraisal
and escalation live here too as they arrive."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
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


# --- transfer sheet (转办单), the business's answer, messages, the consumer's response ---------------------


class TransferSheet(models.Model):
    """The 转办单 issued on `transfer`: numbered, its text rendered once and frozen as issued."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="transfer_sheet", verbose_name=_("case")
    )
    number = models.CharField(_("sheet number"), max_length=20, unique=True)
    business = models.ForeignKey(
        "cases.Business", on_delete=models.PROTECT, related_name="transfer_sheets", verbose_name=_("business")
    )
    answer_by = models.DateField(_("answer by"))
    content = models.TextField(
        _("content as issued"), help_text=_("Rendered once when the sheet is issued; never changes.")
    )
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("portal account of the business contact"),
        help_text=_("The emailed portal links sign this account in."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    issued_at = models.DateTimeField(_("issued at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer sheet")
        verbose_name_plural = _("transfer sheets")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            # The portal's list: one business's sheets by deadline (mediation.selectors.portal_sheets).
            models.Index(fields=["business", "answer_by"], name="sheet_business_due_idx"),
        ]

    def __str__(self):
        return self.number

    def days_left(self, today=None):
        """Days until the answer-by date (negative when overdue)."""
        return (self.answer_by - (today or timezone.localdate())).days


class TransferSheetDispatch(models.Model):
    """Each time the sheet was sent to the business (first issue and every re-send): to whom, by whom, how."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Sent on issue")
        RESENT = "resent", _("Re-sent")

    sheet = models.ForeignKey(
        TransferSheet, on_delete=models.CASCADE, related_name="dispatches", verbose_name=_("transfer sheet")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    to_address = models.EmailField(_("sent to"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outbox message"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer sheet dispatch")
        verbose_name_plural = _("transfer sheet dispatches")
        ordering = ["sent_at", "pk"]

    def __str__(self):
        return f"{self.sheet} → {self.to_address}"


class ReplyKind(models.TextChoices):
    ACCEPT = "accept", _("Accepts the consumer's demand")
    OFFER = "offer", _("Offers a remedy")
    DISPUTE = "dispute", _("Disputes the complaint")


class Remedy(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    COMPENSATION = "compensation", _("Compensation")


# Remedies whose amount the business must state (the others may give the value of the goods or the work).
REMEDIES_WITH_AMOUNT = {Remedy.REFUND, Remedy.COMPENSATION}


class BusinessReply(models.Model):
    """The business's structured answer to a transfer sheet, given in the portal (one per sheet)."""

    sheet = models.OneToOneField(
        TransferSheet, on_delete=models.PROTECT, related_name="reply", verbose_name=_("transfer sheet")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="business_replies", verbose_name=_("case")
    )
    kind = models.CharField(_("answer"), max_length=10, choices=ReplyKind.choices)
    remedy = models.CharField(_("remedy offered"), max_length=20, choices=Remedy.choices, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    explanation = models.TextField(_("explanation / reasons"), blank=True)
    is_late = models.BooleanField(_("late"), default=False, help_text=_("Given after the answer-by date."))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    submitted_at = models.DateTimeField(_("answered at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("business reply")
        verbose_name_plural = _("business replies")

    def __str__(self):
        return f"{self.sheet} {self.get_kind_display()}"

    @property
    def consumer_can_decide(self):
        """Acceptance of the demand and an offered remedy are put to the consumer; a dispute goes to mediation."""
        return self.kind in (ReplyKind.ACCEPT, ReplyKind.OFFER)


class SheetMessage(models.Model):
    """A message between the business (portal) and the association (admin) about one transfer sheet."""

    class Side(models.TextChoices):
        BUSINESS = "business", _("Business")
        ASSOCIATION = "association", _("Consumer association")

    sheet = models.ForeignKey(
        TransferSheet, on_delete=models.PROTECT, related_name="messages", verbose_name=_("transfer sheet")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="sheet_messages", verbose_name=_("case")
    )
    side = models.CharField(_("from"), max_length=12, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:40]


class ConsumerResponse(models.Model):
    """The consumer's decision on the business's answer, given on the public tracking page."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted the offer")
        REFUSED = "refused", _("Refused the offer")

    reply = models.OneToOneField(
        BusinessReply,
        on_delete=models.PROTECT,
        related_name="consumer_response",
        verbose_name=_("business reply"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="consumer_responses", verbose_name=_("case")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("consumer's comment"), blank=True)
    responded_at = models.DateTimeField(_("responded at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consumer's response")
        verbose_name_plural = _("consumers' responses")

    def __str__(self):
        return f"{self.case} {self.get_decision_display()}"
