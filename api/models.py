"""Partners of the data exchange, their API keys, the complaints they forwarded, what they are told and every call.

A partner acts through a user of its own (`Partner.user`, named after the partner): the public services record that
user as who did what, so the audit trail names the partner.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Business, Case


class Partner(models.Model):
    class Kind(models.TextChoices):
        FORWARDER = "forwarder", _("Forwarding platform (12315 / 12345)")
        BUSINESS = "business", _("Platform business")
        STATISTICS = "statistics", _("Statistics consumer")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    business = models.ForeignKey(
        Business,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_partners",
        verbose_name=_("business"),
        help_text=_("A platform business's key answers this business's transfer sheets, and no other's."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_partner",
        editable=False,
        verbose_name=_("acts as user"),
    )
    webhook_url = models.URLField(
        _("webhook URL"), blank=True, help_text=_("Events are POSTed here as JSON, signed with HMAC-SHA256.")
    )
    webhook_secret = models.CharField(
        _("webhook signing secret"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("Shared with the partner to check the X-Xiehui-Signature header."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("API partner")
        verbose_name_plural = _("API partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="api_business_partner_has_business", condition=~Q(kind="business") | Q(business__isnull=False)
            )
        ]

    def __str__(self):
        return self.name


class Scope(models.TextChoices):
    IMPORT = "import", _("Import complaints (forwarded by 12315 / 12345)")
    BUSINESS = "business", _("Answer this business's transfer sheets")
    OPEN_DATA = "open_data", _("Read open data")


class ApiKey(models.Model):
    """A key is shown once when issued; only its SHA-256 is kept (a random 256-bit secret needs no slow hash)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the key is for, e.g. the partner's server."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        editable=False, verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.partner} · {self.name} (xh_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class HandoffChannel(models.TextChoices):
    """Where a forwarded complaint came from; the case's channel of receipt (cases.Channel) says the same."""

    PLATFORM_12315 = "12315", _("12315 platform")
    HOTLINE_12345 = "12345", _("12345 hotline")


class Handoff(models.Model):
    """A complaint a partner forwarded, by its id there: the same id twice gives the same case."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="handoffs", verbose_name=_("partner"))
    external_id = models.CharField(_("external id"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=HandoffChannel.choices)
    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="handoff", null=True, blank=True, verbose_name=_("case")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("forwarded complaint")
        verbose_name_plural = _("forwarded complaints")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # The last guard of idempotency (api.services.handoff_receive): two posts of one id, even at once.
            models.UniqueConstraint(fields=["partner", "external_id"], name="api_handoff_partner_external_uniq")
        ]

    def __str__(self):
        return f"{self.partner} {self.external_id}"


class EventKind(models.TextChoices):
    ACCEPTED = "case.accepted", _("Case accepted")
    REJECTED = "case.rejected", _("Case rejected")
    TRANSFERRED = "case.transferred", _("Case transferred to the business")
    REPLIED = "case.replied", _("Business replied")
    MEDIATING = "case.mediating", _("Mediation started")
    RESOLVED = "case.resolved", _("Case resolved")
    TERMINATED = "case.terminated", _("Mediation terminated")
    WITHDRAWN = "case.withdrawn", _("Case withdrawn")
    CLOSED = "case.closed", _("Case closed")
    SHEET_ISSUED = "sheet.issued", _("New transfer sheet")
    SHEET_URGED = "sheet.urged", _("Urging notice (催办)")
    SHEET_MESSAGE = "sheet.message", _("Message from the association")


class ApiEvent(models.Model):
    """One thing a partner is told, recorded in the transaction that made it happen; published (payload frozen,
    webhook queued in the outbox) once that transaction has committed (api.events.events_publish)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="events", verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="api_events", verbose_name=_("case"))
    # What the event is about beyond the case (the sheet message, the urging notice), for the payload.
    object_id = models.BigIntegerField(_("about (id)"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("webhook delivery"),
    )

    class Meta:
        verbose_name = _("API event")
        verbose_name_plural = _("API events")
        ordering = ["pk"]
        constraints = [
            # Urging notices are collected by a sweep (api.events.urging_collect): once per partner and notice.
            models.UniqueConstraint(
                fields=["partner", "kind", "object_id"], condition=Q(kind="sheet.urged"), name="api_event_urged_once"
            )
        ]
        indexes = [
            # Used by api.events.events_publish's sweep: the events whose payload is not frozen yet.
            models.Index(fields=["id"], name="api_event_unpublished_idx", condition=Q(published_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class ApiCall(models.Model):
    """Every call made with a key (api.middleware)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="calls", verbose_name=_("partner"))
    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="calls", verbose_name=_("key"))
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=255)
    status_code = models.PositiveSmallIntegerField(_("status"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partner", "-at"], name="api_call_partner_at_idx")]

    def __str__(self):
        return f"{self.method} {self.path} {self.status_code}"


class CodeTable(models.TextChoices):
    NATURE = "nature", _("Nature of complaint (问题类别)")
    CATEGORY = "category", _("Goods/services category (客体类别)")
    CHANNEL = "channel", _("Channel of receipt")


class CodeMapping(models.Model):
    """Our vocabulary mapped to the national code tables the back-fill carries: data, editable by supervisors."""

    table = models.CharField(_("table"), max_length=20, choices=CodeTable.choices)
    value = models.CharField(_("our value"), max_length=40)
    national_code = models.CharField(_("national code"), max_length=20, blank=True)
    national_label = models.CharField(_("national label"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("national code mapping")
        verbose_name_plural = _("national code mappings")
        ordering = ["table", "value"]
        constraints = [models.UniqueConstraint(fields=["table", "value"], name="api_code_mapping_uniq")]

    def __str__(self):
        return f"{self.table}:{self.value} → {self.national_code} {self.national_label}"
