"""The outbox: one row per notice to one recipient on one channel.

The row is the record of what was said (subject and body are rendered when the notice is enqueued and never
change) and of every attempt to deliver it (status, attempts, last_error, transport_note). It knows nothing of
the domain: what a notice is about is a generic reference (`about`).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """Rows the sweep must (re)hand to a worker: never tried or waiting for a retry, and claims that expired.

        For `sending` rows next_attempt_at is the end of the claim (see services.notification_deliver), so one
        condition and one index (`notif_due_idx`) serve all three.
        """
        return self.filter(next_attempt_at__lte=now, status__in=Notification.DISPATCHABLE_STATUSES)

    def due_batch(self, now, *, after=None, size):
        """The next `size` due rows in (next_attempt_at, id) order, after the (next_attempt_at, id) pair `after`.

        Keyset paging along notif_due_idx: each batch is one index range scan, whatever the backlog.
        """
        rows = self.due(now)
        if after is not None:
            at, pk = after
            # Written as one range plus an exclusion (not an OR) so the planner scans the index from `at` onwards.
            rows = rows.filter(next_attempt_at__gte=at).exclude(next_attempt_at=at, pk__lte=pk)
        return rows.order_by("next_attempt_at", "pk").values_list("next_attempt_at", "pk")[:size]


REDACTED = "[***]"


def redact(text: str, secrets) -> str:
    """`text` with every secret in it replaced by REDACTED."""
    for secret in sorted((str(v) for v in secrets if v), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("In-app")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will retry)")
        DEAD = "dead", _("Dead (gave up)")

    DISPATCHABLE_STATUSES = (Status.PENDING, Status.FAILED, Status.SENDING)

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_address = models.CharField(
        _("to address"), max_length=254, blank=True, help_text=_("Email address or phone number.")
    )
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    language = models.CharField(_("language"), max_length=10)
    subject = models.TextField(_("subject"), blank=True)
    body = models.TextField(_("body"))
    # Context keys whose values are secrets (a tracking code, a signed link): needed to send, blanked out of the
    # body, subject and context once the row is sent or dead (notifications.services.redacted).
    secret_keys = models.JSONField(_("secret context keys"), default=list, blank=True, editable=False)

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), on_delete=models.PROTECT, null=True, blank=True
    )
    object_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    dedupe_key = models.CharField(
        _("dedupe key"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set by the caller so the same notice can never be enqueued twice."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    transport_note = models.CharField(
        _("transport note"),
        max_length=255,
        blank=True,
        help_text=_("What the transport reported, e.g. that a development backend only logged the message."),
    )
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("When a retry is due; while sending, when the claim expires; empty once sent or dead."),
    )
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # "next_attempt_at is set" means "work is outstanding", so the sweep's index can be keyed on it.
            models.CheckConstraint(
                name="notif_next_attempt_iff_open",
                condition=Q(status__in=["pending", "failed", "sending"], next_attempt_at__isnull=False)
                | Q(status__in=["sent", "dead"], next_attempt_at__isnull=True),
            ),
        ]
        indexes = [
            # Used by NotificationQuerySet.due(), i.e. services.notifications_dispatch_pending(): the sweep walks
            # it in next_attempt_at order and it holds only rows with work outstanding (see the constraint), so it
            # stays as small as the backlog. The predicate is on next_attempt_at rather than on status because
            # both SQLite and PostgreSQL prove `next_attempt_at <= %s` implies `IS NOT NULL` with a bound
            # parameter, while they cannot prove `status IN (%s, %s, %s)` implies a literal status list.
            models.Index(
                fields=["next_attempt_at"], name="notif_due_idx", condition=Q(next_attempt_at__isnull=False)
            ),
            # Used by selectors.notification_unread_count() (the bell in the admin header) on every admin page.
            models.Index(
                fields=["recipient_user"],
                name="notif_unread_idx",
                condition=Q(channel="in_app", read_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} {self.template} → {self.recipient_display}"

    def secret_values(self) -> list[str]:
        return [str(self.context.get(key)) for key in self.secret_keys if self.context.get(key)]

    @property
    def recipient_display(self) -> str:
        return self.to_address or (str(self.recipient_user) if self.recipient_user_id else "—")
