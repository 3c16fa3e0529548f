"""Production: everything from the environment; refuses to start with unsafe or missing settings.

Required: DJANGO_SECRET_KEY (long, random), DJANGO_ALLOWED_HOSTS, DATABASE_URL (PostgreSQL), REDIS_URL (the
broker and the shared cache: rate limits must be counted across every process). Optional, with their defaults
below: DATABASE_REPLICA_URL (the statistics read from it), CONN_MAX_AGE, DJANGO_CSRF_TRUSTED_ORIGINS,
TRUSTED_PROXY_COUNT (1: the proxies in front, for the client's address), DJANGO_SECURE_* (TLS),
LOG_FORMAT (json), SENTRY_DSN (+ SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE), METRICS_TOKEN,
CELERY_VISIBILITY_TIMEOUT, BEAT_LOCK_TIMEOUT. The README's production section and deploy/ show them in use.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if SECRET_KEY == "insecure-dev-key-change-me" or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
# No default: a production host names the host names it answers to.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma-separated host names) in production.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env.bool(
    "ALLOW_SQLITE", default=False
):
    raise ImproperlyConfigured("Set DATABASE_URL to PostgreSQL in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("Set REDIS_URL in production: the broker, and the cache every process shares.")

# --- Database: persistent connections, and the read replica for the statistics ----------------------------
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        ATOMIC_REQUESTS=False,
        TEST={"MIRROR": "default"},
    )
# The router sends only the reads marked core.replica.replica_reads() (the statistics) to the replica.
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]

# --- Static files: collected (manifest names, compressed), served by WhiteNoise from the web processes -------
STORAGES = {
    **STORAGES,  # noqa: F405 — the stored files keep base's access-checked storage
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- TLS at the proxy; the client's address behind it -------------------------------------------------------
# The proxy (deploy/nginx.conf) terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer's probes and Prometheus talk plain HTTP to each node.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Off only for the one-machine topology on plain http://127.0.0.1 (bin/prod); never behind the TLS proxy.
_secure_cookies = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = _secure_cookies
CSRF_COOKIE_SECURE = _secure_cookies
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# How many proxies stand in front, each appending the address it saw to X-Forwarded-For: the rate limits and
# the sign-in lockouts take the client's address from there (core.clientip, RATELIMIT_IP_META_KEY in base.py).
# Production's default is the one nginx of deploy/; bin/prod (no proxy) sets 0.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
# The SMS gateway's backend (a notifications.channels.BaseSmsBackend subclass); until it is set, the check
# warns that SMS notices are only logged.
NOTIFICATIONS_SMS_BACKEND = env("NOTIFICATIONS_SMS_BACKEND", default="notifications.channels.LoggingSmsBackend")

# --- Celery: one beat, its schedule and lock in Redis ---------------------------------------------------------
# RedBeat keeps the schedule in Redis and holds a lock there: a second beat (started by mistake, or on another
# machine as a standby) waits for the lock and schedules nothing while the first lives. If the first dies, the
# lock expires after BEAT_LOCK_TIMEOUT and the standby takes over.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = env("BEAT_KEY_PREFIX", default="xiehui:redbeat:")
CELERY_BEAT_MAX_LOOP_INTERVAL = 10
CELERY_REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=60)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the workers log through LOGGING (JSON, with the request id)

# --- Logs and errors ----------------------------------------------------------------------------------------
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # consumers' names, phones and ID numbers stay out of the error reports
    )
