"""Beat's heartbeat: scheduled every BEAT_HEARTBEAT_SECONDS, so /readyz can tell that beat is scheduling."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import state


@shared_task(ignore_result=True, autoretry_for=(OperationalError, InterfaceError), max_retries=2)
def beat_heartbeat() -> str:
    return state.beat_heartbeat_record().isoformat()
