"""Channel adapters: how a frozen notification row reaches its recipient.

A channel is a class with `send(notification)`. It raises on failure (any exception: the service records it on
the row and retries later) and may return a short note about what the transport actually did, which is stored as
`Notification.transport_note` — a development backend says it only logged the message instead of pretending
it was delivered. Returning None means "nothing to add".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from . import conf

if TYPE_CHECKING:
    from .models import Notification

sms_logger = logging.getLogger("notifications.sms")


class BaseChannel:
    def send(self, notification: Notification) -> str | None:
        raise NotImplementedError


class EmailChannel(BaseChannel):
    """Django's mail API, so EMAIL_BACKEND decides where it goes (SMTP in production, locmem in tests)."""

    def send(self, notification: Notification) -> str | None:
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.to_address],
        )
        message.send(fail_silently=False)
        # Honest about what we know: the backend accepted it; whether the mailbox did is not ours to see.
        return f"accepted by email backend {settings.EMAIL_BACKEND}"[:255]


class BaseSmsBackend:
    """Implement `send(notification)` for a carrier/gateway and point NOTIFICATIONS_SMS_BACKEND at the class.

    The text is `notification.body`, the phone number `notification.to_address`. Raise on any failure; return
    e.g. the gateway's message id as the note.
    """

    def send(self, notification: Notification) -> str | None:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Development only: writes the message to the "notifications.sms" logger. Nothing reaches a phone.

    Secrets (a tracking code) are logged as [***]: logs are copied and kept where an outbox row is not.
    """

    note = "logged by the development SMS backend (LoggingSmsBackend); not delivered to any carrier"

    def send(self, notification: Notification) -> str | None:
        from .models import redact

        sms_logger.info(
            "SMS (not sent, development backend) to %s, notification %s: %s",
            notification.to_address,
            notification.pk,
            redact(notification.body, notification.secret_values()),
        )
        return self.note


class SmsChannel(BaseChannel):
    def send(self, notification: Notification) -> str | None:
        backend = import_string(conf.sms_backend_path())()
        return backend.send(notification)


class InAppChannel(BaseChannel):
    """Nothing to transport: the stored row is what the user reads (the bell, `notifications:mine`)."""

    note = "stored for the recipient to read in the application"

    def send(self, notification: Notification) -> str | None:
        return self.note


CHANNELS: dict[str, type[BaseChannel]] = {
    "email": EmailChannel,
    "sms": SmsChannel,
    "in_app": InAppChannel,
}


def get_channel(name: str) -> BaseChannel:
    return CHANNELS[name]()
