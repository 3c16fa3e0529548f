"""Time every deadline sweep a worker runs and record it (ops.state) for the metrics."""

import logging
import time

from celery.signals import task_postrun, task_prerun

from . import state as ops_state

logger = logging.getLogger(__name__)

SWEEP_TASK = "reminders.tasks.sweep_deadlines"
_started: dict[str, float] = {}


@task_prerun.connect(dispatch_uid="ops_sweep_prerun")
def _sweep_started(task_id=None, task=None, **kwargs):
    if task is not None and task.name == SWEEP_TASK:
        _started[task_id] = time.monotonic()


@task_postrun.connect(dispatch_uid="ops_sweep_postrun")
def _sweep_finished(task_id=None, task=None, retval=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    if started is None or state != "SUCCESS":
        return
    try:
        _record(seconds=time.monotonic() - started, steps=int(retval or 0))
    except Exception:  # the figures must never fail the sweep
        logger.warning("Could not record the sweep's figures", exc_info=True)


def _record(**figures):
    ops_state.sweep_record(**figures)
