"""Thin Celery tasks: call a service (recorded as the system user)."""

from celery import shared_task

from .services import hotspot_alerts_send


@shared_task(ignore_result=True)
def hotspot_alerts() -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): alert supervisors of businesses crossing the complaints threshold."""
    return hotspot_alerts_send()
