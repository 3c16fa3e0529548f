"""Records of the handling of a case after filing: appraisal, outcomes and the documents issued, escalation and
publicity, follow-up (回访)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases.choices import Remedy
from cases.models import Business, Case
from cases.validators import stored_name, validate_evidence_file


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


# --- appraisal (鉴定) ---------------------------------------------------------------------------------


class Party(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    BUSINESS = "business", _("Business")
    ASSOCIATION = "association", _("Consumer association")
    SHARED = "shared", _("Shared by consumer and business")
    NEITHER = "neither", _("Neither party")


class AppraisalBody(models.Model):
    """A qualified appraisal body (法定鉴定部门) the association may ask for a written conclusion."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    qualification = models.CharField(
        _("qualification"), max_length=200, help_text=_("Accreditation or licence, with its number.")
    )
    scope = models.TextField(_("scope of appraisal"))
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal body")
        verbose_name_plural = _("appraisal bodies")
        ordering = ["name"]

    def __str__(self):
        return self.name


def appraisal_upload_to(instance, filename):
    """A random name with the extension of the type detected from the content (never the upload's name)."""
    return stored_name(f"appraisal/{timezone.now():%Y/%m}/{instance.case_id}", instance.conclusion_content_type)


class AppraisalRequest(ConcurrentTransitionMixin, models.Model):
    """One question sent to an appraisal body while the case waits in `appraisal` (clock paused)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the conclusion")
        CONCLUDED = "concluded", _("Concluded")
        ABANDONED = "abandoned", _("Abandoned (mediation terminated)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appraisals", verbose_name=_("case"))
    body = models.ForeignKey(
        AppraisalBody, on_delete=models.PROTECT, related_name="requests", verbose_name=_("appraisal body")
    )
    items = models.TextField(_("items to appraise"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True)
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("conclusion received on"), null=True, blank=True)
    fee = models.DecimalField(
        _("fee (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_advanced_by = models.CharField(_("fee advanced by"), max_length=12, choices=Party.choices, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    conclusion_file = models.FileField(
        _("conclusion document"), upload_to=appraisal_upload_to, blank=True, validators=[validate_evidence_file]
    )
    conclusion_content_type = models.CharField(max_length=100, blank=True, editable=False)
    responsible_party = models.CharField(
        _("party found responsible"), max_length=12, choices=Party.choices, blank=True
    )
    fee_borne_by = models.CharField(_("fee borne by"), max_length=12, choices=Party.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appraisal request")
        verbose_name_plural = _("appraisal requests")
        ordering = ["requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="open"), name="one_open_appraisal_per_case"
            )
        ]

    def __str__(self):
        return f"{self.body} {self.requested_on}"

    # --- transitions (fields only; mediation.services.appraisal and outcomes run them) ------------------

    @transition(field=status, source=Status.OPEN, target=Status.CONCLUDED)
    def conclude(self, *, conclusion, received_on, responsible_party, fee_borne_by, fee=None):
        self.conclusion = conclusion
        self.received_on = received_on
        self.responsible_party = responsible_party
        self.fee_borne_by = fee_borne_by
        if fee is not None:
            self.fee = fee

    @transition(field=status, source=Status.OPEN, target=Status.ABANDONED)
    def abandon(self):
        """Mediation ended (e.g. no agreement on the body or the fee, T04) before the conclusion came."""


# --- outcomes -------------------------------------------------------------------------------------------


class RemedyLine(models.Model):
    """One remedy of a mediation agreement (退款、换货、维修、赔偿、赔礼道歉…) with its amount."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remedies", verbose_name=_("case"))
    kind = models.CharField(_("remedy"), max_length=20, choices=Remedy.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    description = models.CharField(_("details"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["pk"]

    def __str__(self):
        amount = f" {self.amount}" if self.amount is not None else ""
        return f"{self.get_kind_display()}{amount}"


def document_upload_to(instance, filename):
    """Referenced by migration 0003 (the former CaseDocument, now cases.Document); not used by any model."""
    return f"documents/{timezone.now():%Y/%m}/{instance.case_id}/{filename}"


# --- escalation and publicity (报告政府 / 媒体曝光) ----------------------------------------------------------


class Escalation(ConcurrentTransitionMixin, models.Model):
    """A mediator's proposal to report a case to a department or expose it in the media; a different person,
    a supervisor, decides (four-eyes rule: enforced in mediation.services and by a database constraint)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report to the government or competent department")
        PUBLICITY = "publicity", _("Publicity in the media")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("case"))
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("business")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reasons = models.TextField(_("reasons"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, protected=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-proposed_at", "-pk"]
        permissions = [("approve_escalation", _("Can approve or refuse escalation and publicity"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("proposed_by")),
                name="escalation_four_eyes",
            ),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(status="proposed"), name="one_pending_escalation"
            ),
        ]
        indexes = [
            # The public list of businesses: approved publicity per business (mediation.selectors).
            models.Index(fields=["business", "kind", "status"], name="escalation_business_idx"),
        ]

    def __str__(self):  # no case number: naming many escalations (the audit trail) must not query each case
        return f"#{self.pk} {self.get_kind_display()} · {self.get_status_display()}"

    # --- transitions (fields only; mediation.services.escalation runs them and enforces the four eyes) ------

    @transition(field=status, source=Status.PROPOSED, target=Status.APPROVED)
    def approve(self, *, by, at, note=""):
        self._decide(by, at, note)

    @transition(field=status, source=Status.PROPOSED, target=Status.REFUSED)
    def refuse(self, *, by, at, note):
        self._decide(by, at, note)

    def _decide(self, by, at, note):
        self.decided_by = by
        self.decided_at = at
        self.decision_note = note


class GovernmentReport(models.Model):
    """The report of an approved escalation to a department, and the department's reply."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="reports", verbose_name=_("escalation")
    )
    department = models.CharField(_("department"), max_length=200)
    reported_on = models.DateField(_("reported on"))
    reply = models.TextField(_("reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report to a department")
        verbose_name_plural = _("reports to departments")
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{self.department} {self.reported_on}"


class Publication(models.Model):
    """A publication of an approved publicity escalation (outlet, date, title, summary, link). Shown publicly."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="publications", verbose_name=_("escalation")
    )
    outlet = models.CharField(_("outlet"), max_length=200)
    published_on = models.DateField(_("published on"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    link = models.URLField(_("link"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["published_on", "pk"]

    def __str__(self):
        return f"{self.outlet} {self.published_on} {self.title}"


# --- transfer sheet (转办单), the business's answer, messages, the consumer's response ---------------------


class TransferSheet(models.Model):
    """The 转办单 issued on `transfer`: numbered, its text rendered once and frozen as issued."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="transfer_sheet", verbose_name=_("case")
    )
    document = models.OneToOneField(
        "cases.Document", on_delete=models.PROTECT, related_name="transfer_sheet", verbose_name=_("document")
    )
    # The document's number, kept on the sheet for the portal's and the admin's lists and searches; the issuing
    # service copies it, and nothing writes either afterwards.
    number = models.CharField(_("sheet number"), max_length=20, unique=True)
    business = models.ForeignKey(
        "cases.Business", on_delete=models.PROTECT, related_name="transfer_sheets", verbose_name=_("business")
    )
    answer_by = models.DateField(_("answer by"))
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
        """Days until the business's answer date (negative when overdue): the case's answer_due_on, which
        answer_by copies when the sheet is issued."""
        return ((self.case.answer_due_on or self.answer_by) - (today or timezone.localdate())).days

    @property
    def answer_provisional(self):
        """The answer date was computed for a year without the official holiday notice (cases.deadlines)."""
        return self.case.deadlines_provisional


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
