"""Thin Celery tasks: call a service (recorded as the system user)."""

from celery import shared_task

from .services.follow_up import follow_up_sweep as _follow_up_sweep


@shared_task(ignore_result=True)
def follow_up_sweep() -> dict:
    """Hourly (CELERY_BEAT_SCHEDULE): close finished cases whose follow-up window lapsed."""
    return _follow_up_sweep()
