"""Settings shared by every environment. Values that differ per machine come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / ".var"  # local state for the embedded default (SQLite, file broker, uploads)
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "backoffice.apps.StaffAdminConfig",  # django.contrib.admin with the workbench as home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "simple_history",
    "csp",
    "django_ratelimit",  # only for its system check that the cache is shared (see CACHES)
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files, not a CDN
    "django_guid",  # the request id (X-Request-ID) of every log line
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]
LOCAL_APPS = [
    "accounts",
    "workcalendar",
    "notifications",
    "documents",
    "cases",
    "reminders",
    "mediation",
    "groups",
    "reports",
    "backoffice",
    "portal",
    "api",
    "ops",
    "demo",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from STATIC_ROOT (collectstatic) with far-future caching; the web server needs nothing else.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backoffice.twofactor.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "api.middleware.ApiCallLogMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the page with the wait time
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workcalendar.context_processors.calendar_coverage",
            ],
        },
    },
]

# SQLite by default so a fresh machine needs no server; DATABASE_URL selects PostgreSQL in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing with "database is locked" when the worker and the web server overlap.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# locale/overrides: corrections of Django's own zh-Hans catalogs (first: they win); locale: the project's.
LOCALE_PATHS = [BASE_DIR / "locale" / "overrides", BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
try:  # WhiteNoise serves from here (collectstatic fills it); it warns on every start while it is missing
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
except OSError:
    pass
# Uploads and issued documents live under MEDIA_ROOT, which is never served as a folder: every file field's
# `.url` is the access-checked view /files/<name> (core.storage, portal.files). A proxy must not serve it either.
MEDIA_URL = "/files/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "core.storage.CheckedFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Content-Security-Policy on every page (django-csp): scripts only from this site's own files (no inline
# script, no eval), nothing framed or framing, forms posting only here. Inline styles stay allowed: the admin's
# and the charts' style attributes are not a script vector. A stored file's response sets its own, stricter one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGIN_URL = "admin:login"
# Staff two-factor sign-in (django-otp TOTP, backoffice.twofactor): the role groups that must give an
# authenticator code after their password (superusers too when the list is not empty). Production keeps
# "supervisor" (or adds "mediator"); local.py (make run) empties it so the demo logins work with passwords.
STAFF_2FA_REQUIRED_ROLES = env.list("STAFF_2FA_REQUIRED_ROLES", default=["supervisor"])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="消协投诉处理")
# Business portal links (django-sesame): the emailed link signs the business's contact account in, scoped to one
# transfer sheet, and expires after PORTAL_LINK_MAX_AGE_DAYS.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account + IP before the others are asked
    "accounts.backends.OneQueryModelBackend",  # Django's, with the permissions in one query
    "sesame.backends.ModelBackend",
]
SESAME_INVALIDATE_ON_EMAIL_CHANGE = True
# Sign-in lockouts (django-axes) for the admin and the portal: failures are counted per account AND IP address
# together, so a stranger's wrong passwords lock out only the stranger's own address, never the real owner on
# theirs; a successful sign-in resets the count and is itself never counted. The page says how long to wait.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "portal.lockout.attempted_username"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
SESAME_MAX_AGE = env.int("PORTAL_LINK_MAX_AGE_DAYS", default=30) * 24 * 3600
# Absolute links in emails and SMS (the portal link on a transfer sheet) start with this.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Celery -------------------------------------------------------------------------------------
# With REDIS_URL set, Redis is the broker; without it a file-system broker needs no server at all.
REDIS_URL = env("REDIS_URL", default="")
# Every task is idempotent (a sweep claims its steps, a delivery claims its row), so each is acknowledged only
# once done (acks_late) and put back when its worker dies (reject_on_worker_lost). A worker killed outright
# (kill -9 of the whole worker) leaves its task unacknowledged in Redis: after the visibility timeout another
# worker takes it again, so the timeout is minutes, not the hour of kombu's default.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=300)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Separate queues, so a long sweep never delays a notice and a burst of notices never delays a document; the
# production topology runs one worker per queue (Procfile, deploy/). Unrouted tasks go to "default".
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "reminders.tasks.*": {"queue": "sweeps"},
    "mediation.tasks.*": {"queue": "sweeps"},
    "ops.tasks.*": {"queue": "sweeps"},
    "notifications.tasks.*": {"queue": "notifications"},
    "documents.tasks.*": {"queue": "documents"},
    "cases.tasks.*": {"queue": "documents"},
}
CELERY_QUEUE_NAMES = ["sweeps", "notifications", "documents", "default"]
CELERY_BEAT_SCHEDULE = {
    "dispatch-pending-notifications": {
        "task": "notifications.tasks.dispatch_pending_notifications",
        "schedule": 60.0,
    },
    # Close finished cases whose follow-up window lapsed (mediation.services.follow_up_sweep).
    "close-cases-after-follow-up-window": {
        "task": "mediation.tasks.follow_up_sweep",
        "schedule": 3600.0,
    },
    # Tell supervisors of a business crossing the complaints threshold (groups.services.hotspot_alerts_send).
    "group-hotspot-alerts": {
        "task": "groups.tasks.hotspot_alerts",
        "schedule": 3600.0,
    },
    "sweep-deadlines": {
        "task": "reminders.tasks.sweep_deadlines",
        "schedule": 300.0,
    },
    # What partners are told (api.events): urging notices collected, events published to webhooks.
    "publish-api-events": {
        "task": "api.tasks.publish_events",
        "schedule": 60.0,
    },
    # /readyz's "beat" check: beat is alive if this ran recently.
    "beat-heartbeat": {
        "task": "ops.tasks.beat_heartbeat",
        "schedule": float(env.int("BEAT_HEARTBEAT_SECONDS", default=30)),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Cache (rate limits of the public pages and the portal login) ----------------------------------
# Redis when REDIS_URL is set (shared by every process, atomic INCR). Without it, the embedded default is the
# per-process memory cache: right for `make run` (one server process); local.py and test.py silence
# django_ratelimit's "not a shared cache" error for that case only, so production without Redis fails the check.
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, falling back to this process's memory (with a logged warning) while Redis is unreachable.
            "BACKEND": "core.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xh",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xiehui"}}
# Django's own RedisCache increments atomically but is not on django_ratelimit's list of known backends.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
RATELIMIT_USE_CACHE = "default"
# The client's address behind reverse proxies (core.clientip): the number of proxies in front of the web server
# that append to X-Forwarded-For (0: none, REMOTE_ADDR is the client). Production sets it to its topology.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "core.clientip.client_ip"
# Rates ("count/period", period s, m, h or d) of the public pages and the portal login.
# Failed portal sign-ins from one IP address, whatever the account (successful ones are never counted).
RATE_PORTAL_LOGIN_IP = env("RATE_PORTAL_LOGIN_IP", default="20/h")
RATE_COMPLAINT_IP = env("RATE_COMPLAINT_IP", default="5/h")
RATE_TRACKING_IP = env("RATE_TRACKING_IP", default="20/h")
# Per tracking number (normalised: WS21 is WS00000021) and IP address: a stranger elsewhere cannot use up the
# owner's tries. The secret has ~78 bits, so guessing it is hopeless anyway; the SMS code has its own 5 tries.
RATE_TRACKING_NUMBER = env("RATE_TRACKING_NUMBER", default="10/h")
RATE_TRACKING_SMS = env("RATE_TRACKING_SMS", default="3/h")
# Calls per API key (api.authentication).
RATE_API_KEY = env("RATE_API_KEY", default="600/m")

# --- The REST API (api/) ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "消协投诉处理系统 API",
    "DESCRIPTION": (
        "Forwarded complaints (12315 / 12345) and their back-fill, a platform business's transfer sheets, and "
        "open data. Authenticate with an API key: `Authorization: Bearer xh_…`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"RemedyEnum": "cases.choices.Remedy", "CaseStateEnum": "cases.choices.CaseState"},
}

# --- Domain settings ----------------------------------------------------------------------------
# Uploaded evidence: the content (not the file name) must be one of these types.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_ALLOWED_MIME_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "audio/mpeg",
]
# Deadlines (domain.md): the periods of the law (acceptance, handling, the business's answer, the mediation limit)
# are data, the rule sets (cases.RuleSet, admin "Rule sets"), not settings: a case keeps the rules it was accepted
# under. Only the association's own reminder ladder below is configured here.
# Days after the outcome the consumer has to rate the handling before the sweep closes the case without it.
# Group complaints (groups app): the supervisors' hot-spot alert fires once per business and window when at least
# GROUP_HOTSPOT_THRESHOLD complaints against it were received in GROUP_HOTSPOT_DAYS days; the cluster view calls
# two complaints' facts similar from GROUP_SIMILARITY_THRESHOLD (trigram similarity, 0–1).
GROUP_HOTSPOT_THRESHOLD = env.int("GROUP_HOTSPOT_THRESHOLD", default=10)
GROUP_HOTSPOT_DAYS = env.int("GROUP_HOTSPOT_DAYS", default=7)
GROUP_SIMILARITY_THRESHOLD = env.float("GROUP_SIMILARITY_THRESHOLD", default=0.3)
FOLLOW_UP_WINDOW_DAYS = env.int("FOLLOW_UP_WINDOW_DAYS", default=15)

# The reminder ladders (cases.ladder), in calendar days. The business's ladder keys on its answer date (the transfer
# sheet's): remind it this many days before; the first urging notice (催办) goes the day after, the second this many
# days after the first (and not before the new answer date the first one set has passed). An urging notice gives
# the business CASE_URGE_ANSWER_DAYS more days (rolled off rest days). The association's ladder keys on the handling
# deadline: the mediator on the day and the day after, the supervisors' queue CASE_SECOND_URGE_AFTER_DAYS later,
# and this many days after that the case becomes an escalation candidate. The mediator hears of an acceptance
# decision due this many days ahead.
CASE_REMIND_BUSINESS_DAYS_BEFORE = env.int("CASE_REMIND_BUSINESS_DAYS_BEFORE", default=3)
CASE_SECOND_URGE_AFTER_DAYS = env.int("CASE_SECOND_URGE_AFTER_DAYS", default=5)
CASE_URGE_ANSWER_DAYS = env.int("CASE_URGE_ANSWER_DAYS", default=3)
# The date a request for supplementary material (补充材料通知书) asks the material by, in working days.
CASE_SUPPLEMENT_WORKING_DAYS = env.int("CASE_SUPPLEMENT_WORKING_DAYS", default=7)
# The agreement's performance date (履行期限) when the mediator does not set one: calendar days, then rolled.
CASE_PERFORMANCE_DAYS = env.int("CASE_PERFORMANCE_DAYS", default=7)
CASE_ESCALATION_AFTER_DAYS = env.int("CASE_ESCALATION_AFTER_DAYS", default=10)
CASE_ACCEPTANCE_REMIND_DAYS_BEFORE = env.int("CASE_ACCEPTANCE_REMIND_DAYS_BEFORE", default=2)

SYSTEM_USERNAME = "system"
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="消费者协会 <noreply@xiehui.localhost>")

# --- Observation (ops/) ------------------------------------------------------------------------------
# The request id: taken from the proxy's X-Request-ID (nginx $request_id) when it is a valid one, else made
# here; returned in the response, in every log line of the request and of the Celery tasks it queued.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "IGNORE_URLS": ["healthz", "metrics"],
    # A task queued by a request logs the request's id (and a scheduled task gets its own).
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}
# LOG_FORMAT=json: one JSON object a line (python-json-logger) for the log collector; text otherwise.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Portal-link tokens and codes in a logged address are written as [***] (core.logfilters); every line carries
    # the request id (django-guid).
    "filters": {
        "redact_secrets": {"()": "core.logfilters.RedactSecretsFilter"},
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler", "filters": ["request_id", "redact_secrets"], "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # django-guid says at INFO every id it makes: one line per task and request, noise beside the id.
        "django_guid": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; its warnings (failures, lockouts) are what an operator needs.
        "axes": {"level": env("AXES_LOG_LEVEL", default="WARNING")},
        # The request lines of the development server, through the redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
# /readyz: which checks, and how old beat's heartbeat and the oldest undelivered notice may be.
READYZ_CHECKS = env.list("READYZ_CHECKS", default=["database", "cache", "broker", "beat", "outbox"])
READYZ_BEAT_MAX_AGE_SECONDS = env.int("READYZ_BEAT_MAX_AGE_SECONDS", default=300)
READYZ_OUTBOX_MAX_AGE_SECONDS = env.int("READYZ_OUTBOX_MAX_AGE_SECONDS", default=900)
READYZ_BROKER_TIMEOUT = env.float("READYZ_BROKER_TIMEOUT", default=2.0)
# /metrics: a bearer token when set, else only these networks (the socket's address, never a forwarded one).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])

# The association's particulars, printed on every document and notice (read through core.association). The
# defaults are the demo's; production refuses them and a loopback PUBLIC_BASE_URL (system check
# documents.E010–E012, run by `manage.py check --deploy`).
ASSOCIATION_NAME = env("ASSOCIATION_NAME", default="示范市消费者协会")
ASSOCIATION_PHONE = env("ASSOCIATION_PHONE", default="0000-88886666")  # the association's own line, not 12315
ASSOCIATION_ADDRESS = env("ASSOCIATION_ADDRESS", default="示范市人民路1号 消费者协会投诉部（邮编000000）")
ASSOCIATION_EMAIL = env("ASSOCIATION_EMAIL", default="tousu@xiaoxie.example")
# The 文号's prefix: 示消 gives 示消受〔2026〕第12号, 示消转〔2026〕第34号 …
ASSOCIATION_DOCUMENT_PREFIX = env("ASSOCIATION_DOCUMENT_PREFIX", default="示消")
# A PNG (transparent background) of the association's seal, applied to the documents as they are issued; empty:
# the documents show a seal place (盖章处) for the seal pressed by hand.
ASSOCIATION_SEAL_IMAGE = env("ASSOCIATION_SEAL_IMAGE", default="")
# The market regulator's hotline, named in texts only where configured (the association's is ASSOCIATION_PHONE).
REGULATOR_HOTLINE = env("REGULATOR_HOTLINE", default="")
