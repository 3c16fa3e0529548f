"""gunicorn's settings for the web processes (Procfile, deploy/): `gunicorn config.wsgi -c config/gunicorn.py`.

From the environment: WEB_BIND (127.0.0.1:8000), WEB_WORKERS (2 × cores + 1), WEB_THREADS (4),
WEB_TIMEOUT (30 s), FORWARDED_ALLOW_IPS (the proxies whose X-Forwarded-* gunicorn believes; 127.0.0.1),
PROMETHEUS_MULTIPROC_DIR (every worker's metrics, added up at /metrics).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 30
# Longer than the proxy's (nginx's upstream keepalive_timeout, 60 s) and any client's idle time: a connection
# the server closes just as the client reuses it is reset (seen in the soak with 5 s).
keepalive = int(os.environ.get("WEB_KEEPALIVE", 75))
# A worker is replaced after this many requests (with jitter, so they do not all restart at once).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "xiehui-web"
# The access log as JSON lines, with the request id the application returned.
accesslog = os.environ.get("WEB_ACCESS_LOG", "-")
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"user_agent": "%(a)s"}'
)
errorlog = "-"
# gunicorn's control socket (gunicornc) defaults to one path per user: several instances on one machine (a
# smoke test beside a running topology) would fight over it. Off unless GUNICORN_CONTROL_SOCKET names one.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def child_exit(server, worker):
    """A dead worker's live gauges are dropped from the multiprocess metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
