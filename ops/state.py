"""What the workers report to the web processes: beat's heartbeat (readyz's "beat" check) and the deadline
sweep's runs, steps and seconds (the metrics), one row each in ops.WorkerReport, updated in place."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerReport

BEAT = "beat"
SWEEP = "sweep"


def _report(name: str, create: dict, **update) -> None:
    if WorkerReport.objects.filter(name=name).update(**update):
        return
    try:
        with transaction.atomic():
            WorkerReport.objects.create(name=name, **create)
    except IntegrityError:  # another process created it meanwhile
        WorkerReport.objects.filter(name=name).update(**update)


def beat_heartbeat_record(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    _report(BEAT, {"at": now, "runs": 1}, at=now, runs=F("runs") + 1)
    return now


def beat_heartbeat_last() -> datetime | None:
    return WorkerReport.objects.filter(name=BEAT).values_list("at", flat=True).first()


def sweep_record(*, seconds: float, steps: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    last = {"last_seconds": seconds, "last_steps": steps}
    _report(
        SWEEP,
        {"at": now, "runs": 1, "steps": steps, "seconds": seconds, **last},
        at=now, runs=F("runs") + 1, steps=F("steps") + steps, seconds=F("seconds") + seconds, **last,
    )


def reports() -> dict[str, WorkerReport]:
    return {r.name: r for r in WorkerReport.objects.all()}
