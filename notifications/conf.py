"""The app's settings, read when used so `override_settings` and per-environment values just work.

Nothing in config/ has to define them; each has a default here.
"""

from datetime import timedelta

from django.conf import settings

DEFAULT_SMS_BACKEND = "notifications.channels.LoggingSmsBackend"


def max_attempts() -> int:
    """NOTIFICATIONS_MAX_ATTEMPTS: after this many failed attempts a notification is `dead`."""
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5))


def sending_timeout() -> timedelta:
    """NOTIFICATIONS_SENDING_TIMEOUT (seconds): how long a claim lasts before the sweep may take the row back."""
    return timedelta(seconds=int(getattr(settings, "NOTIFICATIONS_SENDING_TIMEOUT", 600)))


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after failed attempt number `attempt` (1-based): base, 2×base, 4×base, … up to the cap.

    NOTIFICATIONS_RETRY_BACKOFF (seconds, default 60) is the base,
    NOTIFICATIONS_RETRY_BACKOFF_MAX (seconds, default 3600) the cap.
    """
    base = int(getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF", 60))
    cap = int(getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF_MAX", 3600))
    return timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), cap))


def sms_backend_path() -> str:
    """NOTIFICATIONS_SMS_BACKEND: dotted path of the SMS backend class."""
    return getattr(settings, "NOTIFICATIONS_SMS_BACKEND", DEFAULT_SMS_BACKEND)


def webhook_timeout() -> float:
    """NOTIFICATIONS_WEBHOOK_TIMEOUT (seconds): how long a webhook POST may take before it counts as failed."""
    return float(getattr(settings, "NOTIFICATIONS_WEBHOOK_TIMEOUT", 10))
