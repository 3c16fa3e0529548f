"""API keys: `xh_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of the whole key is stored, compared
in constant time. The secret is 32 random bytes, so a fast hash is enough (no password stretching needed)."""

import hashlib
import hmac
import secrets

PREFIX_BYTES = 6  # 12 hex characters


def generate() -> tuple[str, str]:
    """A new (prefix, key)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"xh_{prefix}_{secrets.token_urlsafe(32)}"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_prefix(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "xh" or not parts[1] or not parts[2]:
        return None
    return parts[1]


def matches(key: str, key_hash: str) -> bool:
    return hmac.compare_digest(digest(key), key_hash)


def sign(secret: str, timestamp: str, body: str) -> str:
    """The webhook signature: HMAC-SHA256 over "<timestamp>.<body>" with the partner's secret, as hex."""
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
