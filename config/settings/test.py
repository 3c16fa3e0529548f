"""The test suite: fast hashing, in-memory mail, tasks run in-process unless a test starts a worker."""

from .base import *  # noqa: F403
from .base import REDIS_URL, SILENCED_SYSTEM_CHECKS, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(VAR_DIR / "test-media")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
LANGUAGE_CODE = "zh-hans"

# Two-step sign-in stays optional here (demo logins / tests sign in with passwords; tests opt in).
STAFF_2FA_REQUIRED_ROLES = env.list("STAFF_2FA_REQUIRED_ROLES", default=[])

if not REDIS_URL:
    # One process on the embedded default: the memory cache is shared enough for the rate limits (see base.py).
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]
