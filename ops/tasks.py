"""Beat's heartbeat: scheduled every BEAT_HEARTBEAT_SECONDS, so /readyz can tell that beat is scheduling."""

from celery import shared_task

from . import state


@shared_task(ignore_result=True)
def beat_heartbeat() -> float:
    return state.beat_heartbeat_record()
