"""Developer machine: `make run`."""

from .base import *  # noqa: F403
from .base import REDIS_URL, SILENCED_SYSTEM_CHECKS, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Two-step sign-in stays optional here (demo logins / tests sign in with passwords; tests opt in).
STAFF_2FA_REQUIRED_ROLES = env.list("STAFF_2FA_REQUIRED_ROLES", default=[])

if not REDIS_URL:
    # One process on the embedded default: the memory cache is shared enough for the rate limits (see base.py).
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]
