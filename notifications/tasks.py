"""Thin Celery tasks: take an id, call a service.

Retries of a failed delivery are driven by the row, not by Celery's own retry counter: the service writes the
backoff into `next_attempt_at` and the task queues itself for that time. One attempt count (on the row), one
backoff, and the sweep finds the same row should that message be lost. Celery's autoretry is kept for what
the row cannot record: the database being unreachable (or SQLite being locked) before the claim is written.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import Notification
from .services import notification_deliver, notification_schedule_delivery, notifications_dispatch_pending


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def deliver_notification(notification_id: int) -> None:
    notification = notification_deliver(notification_id=notification_id)
    if notification is not None and notification.status == Notification.Status.FAILED:
        notification_schedule_delivery(notification_id=notification_id, at=notification.next_attempt_at)


@shared_task(ignore_result=True)
def dispatch_pending_notifications() -> int:
    return notifications_dispatch_pending()
