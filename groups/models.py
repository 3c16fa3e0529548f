"""Group complaints (共同投诉, 暂行办法 art. 11): many consumers, one business, one dispute.

Every member is a consumer with their own cases.Case; the group's lead case carries the lifecycle (transfer sheet,
催办 ladder, mediation) while the other members' cases wait with their clock paused (PauseKind.GROUP). What the
members agreed to (representatives, binding acts) is kept per member in MemberConsent. Written only by
groups.services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.choices import OPEN_STATES, Category, Nature, Remedy
from cases.models import Business, Case
from cases.validators import stored_name, validate_evidence_file

MAX_REPRESENTATIVES = 2


class GroupComplaint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SETTLED = "settled", _("Settled")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("group number"), max_length=20, unique=True)
    business = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="group_complaints", verbose_name=_("business")
    )
    title = models.CharField(_("title"), max_length=200)
    dispute = models.TextField(_("the common dispute"))
    category = models.CharField(_("goods/services category"), max_length=30, choices=Category.choices)
    nature = models.CharField(_("nature of complaint"), max_length=20, choices=Nature.choices)
    lead_case = models.OneToOneField(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_group",
        verbose_name=_("lead case"),
        help_text=_("The case that carries the group through transfer, urging and mediation."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group complaint")
        verbose_name_plural = _("group complaints")
        ordering = ["-created_at"]
        permissions = [("view_hotspots", _("Can view complaint hot spots and clusters of similar complaints"))]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def active_members(self):
        return self.members.filter(left_on__isnull=True)


class GroupMember(models.Model):
    class Via(models.TextChoices):
        ONLINE = "online", _("Joined online")
        INTAKE = "intake", _("Joined at staff intake")
        MERGED = "merged", _("Merged by a mediator")

    class Outcome(models.TextChoices):
        PENDING = "", _("No decision yet")
        ACCEPTED = "accepted", _("Accepted the settlement")
        REFUSED = "refused", _("Refused the settlement")

    group = models.ForeignKey(
        GroupComplaint, on_delete=models.PROTECT, related_name="members", verbose_name=_("group complaint")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="group_memberships", verbose_name=_("member's case")
    )
    via = models.CharField(_("joined how"), max_length=20, choices=Via.choices)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.TextField(_("why the member left"), blank=True)
    is_representative = models.BooleanField(_("representative"), default=False)
    # The settlement the association puts to this member (from the business's offer and the mediation).
    offer_remedy = models.CharField(_("remedy offered"), max_length=20, choices=Remedy.choices, blank=True)
    offer_amount = models.DecimalField(
        _("amount offered (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    offered_on = models.DateField(_("offered on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_remedy = models.CharField(_("remedy"), max_length=20, choices=Remedy.choices, blank=True)
    outcome_amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    outcome_by_representative = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by the representative"),
    )
    outcome_on = models.DateField(_("outcome recorded on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "joined_on", "pk"]
        constraints = [
            # A case is in one group at a time (a member who left may join another).
            models.UniqueConstraint(
                fields=["case"], condition=Q(left_on__isnull=True), name="group_member_one_open_group"
            ),
            models.CheckConstraint(
                condition=Q(is_representative=False) | Q(left_on__isnull=True), name="group_member_rep_active"
            ),
        ]

    def __str__(self):
        return f"{self.case.consumer.name} ({self.case.number or self.case.pk})"

    @property
    def is_active(self):
        return self.left_on is None

    @property
    def case_is_open(self):
        return self.case.state in OPEN_STATES


class ConsentAct(models.TextChoices):
    """What a member may agree to (暂行办法 art. 11): choosing representatives, and each act by which a
    representative binds the others."""

    REPRESENTATION = "representation", _("Represented by the group's representatives")
    CHANGE_DEMAND = "change_demand", _("Changing the demand")
    WITHDRAW_DEMAND = "withdraw_demand", _("Withdrawing the demand")
    ACCEPT_SETTLEMENT = "accept_settlement", _("Accepting a settlement")


# Acts a representative takes for others; each binds a member only with that member's consent.
BINDING_ACTS = (ConsentAct.CHANGE_DEMAND, ConsentAct.WITHDRAW_DEMAND, ConsentAct.ACCEPT_SETTLEMENT)


def consent_upload_to(instance, filename):
    """A random name with the extension of the type detected from the content (never the upload's name)."""
    return stored_name(f"groups/consents/{timezone.now():%Y/%m}/{instance.member_id}", instance.document_content_type)


class MemberConsent(models.Model):
    """One statement of a member (given or revoked); the latest per act counts. Never edited afterwards."""

    class Via(models.TextChoices):
        WRITTEN = "written", _("In writing (uploaded authorisation)")
        TRACKING_PAGE = "tracking_page", _("Online by the consumer (complaint form or tracking page)")

    member = models.ForeignKey(
        GroupMember, on_delete=models.PROTECT, related_name="consents", verbose_name=_("group member")
    )
    act = models.CharField(_("act"), max_length=30, choices=ConsentAct.choices)
    given = models.BooleanField(_("consent given"), default=True)
    via = models.CharField(_("given how"), max_length=20, choices=Via.choices)
    document = models.FileField(
        _("signed authorisation"), upload_to=consent_upload_to, blank=True, max_length=255,
        validators=[validate_evidence_file],
    )
    document_content_type = models.CharField(max_length=100, editable=False, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member's consent")
        verbose_name_plural = _("members' consents")
        ordering = ["member", "act", "recorded_at", "pk"]
        indexes = [models.Index(fields=["member", "act", "-recorded_at"], name="consent_member_act_idx")]

    def __str__(self):
        return f"{self.member}: {self.get_act_display()} ({'+' if self.given else '-'})"


class LawsuitSupport(models.Model):
    """The association supports a consumer's lawsuit (支持起诉, 消法 art. 37(七)) or refers a public-interest matter
    upward (消法 art. 47) — for a group or a single case."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("Support for a lawsuit (支持起诉)")
        PUBLIC_INTEREST = "public_interest", _("Public-interest referral (公益诉讼)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="lawsuit_supports", verbose_name=_("case")
    )
    group = models.ForeignKey(
        GroupComplaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lawsuit_supports",
        verbose_name=_("group complaint"),
    )
    addressee = models.CharField(
        _("court or body"), max_length=200, help_text=_("The court, or the provincial association referred to.")
    )
    decided_on = models.DateField(_("decided on"))
    reasons = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lawsuit support")
        verbose_name_plural = _("lawsuit supports")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.addressee}"


class HotspotAlert(models.Model):
    """A business crossed the complaints threshold in a window; supervisors were told once (the constraint)."""

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="hotspot_alerts", verbose_name=_("business")
    )
    window_start = models.DateField(_("window from"))
    window_end = models.DateField(_("window to"))
    complaints = models.PositiveIntegerField(_("complaints"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("hot-spot alert")
        verbose_name_plural = _("hot-spot alerts")
        ordering = ["-window_end", "business"]
        constraints = [
            models.UniqueConstraint(fields=["business", "window_start"], name="hotspot_alert_once_per_window")
        ]

    def __str__(self):
        return f"{self.business} {self.window_start}–{self.window_end}: {self.complaints}"
