"""Thin Celery task around the deadline sweep (scheduled by CELERY_BEAT_SCHEDULE["sweep-deadlines"])."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import deadlines_sweep


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def sweep_deadlines(batch_size: int = 1000) -> int:
    """Retrying is safe: batches that committed are done (their steps exist), the rest are still due."""
    return deadlines_sweep(batch_size=batch_size).steps
