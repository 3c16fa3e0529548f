"""Prometheus metrics (prometheus_client), read at /metrics.

- Requests: a counter by method, view and status and a latency histogram, per process; under gunicorn
  (PROMETHEUS_MULTIPROC_DIR set, see config/gunicorn.py) every worker writes its own files and the endpoint
  adds them up (prometheus_client's multiprocess mode).
- The state of the work, read from the database when scraped (one query each): the outbox by status, the open
  cases overdue / due soon / in the supervisors' queue / escalation candidates / past the mediation limit.
- The deadline sweep as the workers reported it (ops.state, a row in the database): runs, steps, seconds, the
  last run's duration, steps and time; beat's last heartbeat.
"""

import os
import time

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from cases.ladder import mediation_limit_q
from notifications.models import Notification
from reminders.selectors import overdue_cases

from . import state

REQUESTS = Counter(
    "xiehui_http_requests_total", "HTTP requests answered, by method, view and status.", ["method", "view", "status"]
)
LATENCY = Histogram(
    "xiehui_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_STATUSES = [s for s in Notification.Status.values if s != Notification.Status.SENT]


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "<unresolved>"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


class WorkCollector:
    """The outbox, the overdue counts and the sweep, computed at each scrape."""

    def collect(self):
        by_status = dict(
            Notification.objects.filter(status__in=OUTBOX_STATUSES)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        outbox = GaugeMetricFamily("xiehui_outbox_notifications", "Outbox rows not yet sent, by status.",
                                   labels=["status"])
        for status in OUTBOX_STATUSES:
            outbox.add_metric([status], by_status.get(status, 0))
        yield outbox

        today = timezone.localdate()
        counts = overdue_cases(today=today).aggregate(
            overdue=Count("id", filter=Q(due_on__lt=today)),
            due_soon=Count("id", filter=Q(due_on__gte=today)),
            supervisor_queue=Count("id", filter=Q(supervisor_queue_since__isnull=False)),
            escalation_candidate=Count("id", filter=Q(escalation_candidate_since__isnull=False)),
            mediation_limit=Count("id", filter=mediation_limit_q()),
        )
        cases = GaugeMetricFamily("xiehui_cases_deadline", "Open cases late or due soon (the overdue view's buckets).",
                                  labels=["bucket"])
        for bucket, n in counts.items():
            cases.add_metric([bucket], n)
        yield cases

        reported = state.reports()
        sweep = reported.get(state.SWEEP)
        yield CounterMetricFamily("xiehui_sweep_runs", "Deadline sweeps finished.", value=sweep.runs if sweep else 0)
        yield CounterMetricFamily("xiehui_sweep_steps", "Reminder steps the sweeps took.",
                                  value=sweep.steps if sweep else 0)
        yield CounterMetricFamily("xiehui_sweep_seconds", "Seconds spent sweeping.",
                                  value=sweep.seconds if sweep else 0)
        yield GaugeMetricFamily("xiehui_sweep_last_duration_seconds", "The last sweep's duration.",
                                value=sweep.last_seconds if sweep else 0)
        yield GaugeMetricFamily("xiehui_sweep_last_steps", "The last sweep's steps.",
                                value=sweep.last_steps if sweep else 0)
        yield GaugeMetricFamily("xiehui_sweep_last_run_timestamp_seconds", "When the last sweep finished.",
                                value=sweep.at.timestamp() if sweep else 0)
        beat = reported.get(state.BEAT)
        yield GaugeMetricFamily("xiehui_beat_last_heartbeat_timestamp_seconds", "Beat's last heartbeat.",
                                value=beat.at.timestamp() if beat else 0)


def render() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(WorkCollector())
    return generate_latest(registry)
