"""Transports for tests: one that always fails, and an SMS backend that records what it was given."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

from notifications.channels import BaseSmsBackend


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RecordingSmsBackend(BaseSmsBackend):
    sent: list = []

    def send(self, notification):
        self.sent.append((notification.to_address, notification.body))
        return "gateway id 42"


class ClaimSpySmsBackend(BaseSmsBackend):
    """Records the row as the database holds it while the transport runs."""

    seen: dict = {}

    def send(self, notification):
        from notifications.models import Notification

        row = Notification.objects.get(pk=notification.pk)
        self.seen.update(
            status=row.status, attempts=row.attempts, lease=row.next_attempt_at - row.last_attempt_at
        )


class OvertakenSmsBackend(BaseSmsBackend):
    """Slow and then failing, while meanwhile the claim expired and another worker re-claimed and sent the row."""

    def send(self, notification):
        from notifications.models import Notification

        Notification.objects.filter(pk=notification.pk).update(
            attempts=2, status=Notification.Status.SENT, next_attempt_at=None
        )
        raise TimeoutError("gateway timed out")
