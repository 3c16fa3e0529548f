from celery import shared_task

from .events import events_publish, urging_collect


@shared_task(ignore_result=True)
def publish_events() -> int:
    """Collect the urging notices the deadline sweep issued to platform businesses, then publish whatever is
    not published yet (an on-commit publish lost with its process is caught here)."""
    urging_collect()
    return events_publish()
