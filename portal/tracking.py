"""The consumer's way back to their case: the tracking number and secret on the online receipt, or the number
plus a code sent by SMS to the phone on the case.

- Tracking number: "WS" + the case id (8 digits), printed on the receipt at once; once the case is filed its case
  number (TS-2026-000123) works too. Numbers are not secret: anyone can guess one.
- Secret: 16 characters from a 30-letter alphabet without look-alikes (≈ 78 bits), shown once on the receipt.
  Only its SHA-256 is stored (Case.tracking_secret_hash); at that entropy a fast hash cannot be reversed by
  guessing, and the tracking form is rate-limited besides. Number + secret is therefore unguessable together.
- SMS code: 6 digits, valid 10 minutes, kept only as an HMAC in the consumer's session; its 5 tries are counted
  atomically in the cache (code_try), so requests sent in parallel cannot all be evaluated.
- A number is normalised before it is looked up or counted: WS21, ws 021 and WS000000000021 are all WS00000021.
"""

import hashlib
import hmac
import re
import secrets

from django.core.cache import cache
from django.db.models import Q
from django.utils.crypto import salted_hmac

from cases.models import Case

SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SECRET_LENGTH = 16
CODE_TTL_SECONDS = 600
CODE_MAX_TRIES = 5

_ONLINE_NUMBER = re.compile(r"WS(\d{1,12})")
_CASE_NUMBER = re.compile(r"[A-Z]{2}-\d{4}-\d{6}")


def tracking_number(case: Case) -> str:
    return case.tracking_number


def normalize_number(value: str) -> str:
    """The one spelling of a number: no spaces, upper case, a WS number with its 8 digits (leading zeros)."""
    number = re.sub(r"\s+", "", value or "").upper()
    if match := _ONLINE_NUMBER.fullmatch(number):
        return f"WS{int(match.group(1)):08d}"
    return number


def find_case(number: str) -> Case | None:
    """The case a tracking number (WS…) or case number (TS-…) names, or None."""
    number = normalize_number(number)
    if match := _ONLINE_NUMBER.fullmatch(number):
        lookup = Q(pk=int(match.group(1)))
    elif _CASE_NUMBER.fullmatch(number):
        lookup = Q(number=number)
    else:
        return None
    return Case.objects.filter(lookup).select_related("consumer").first()


def new_secret() -> str:
    raw = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, SECRET_LENGTH, 4))


def normalize_secret(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (value or "").upper())


def secret_hash(secret: str) -> str:
    return hashlib.sha256(normalize_secret(secret).encode()).hexdigest()


def secret_matches(case: Case | None, secret: str) -> bool:
    """Constant-time check; a case without a secret (not filed online) never matches."""
    stored = case.tracking_secret_hash if case is not None else ""
    candidate = secret_hash(secret)
    return bool(stored) and hmac.compare_digest(stored, candidate)


def phone_matches(case: Case | None, phone: str) -> bool:
    stored = re.sub(r"\D", "", case.consumer.phone) if case is not None else ""
    given = re.sub(r"\D", "", phone or "")
    return bool(stored) and hmac.compare_digest(stored, given)


def code_try(code_id: str) -> int:
    """Count one try of the code `code_id` (atomic cache INCR); returns this try's number (1, 2, …)."""
    key = f"portal.tracking.code-tries:{code_id}"
    cache.add(key, 0, CODE_TTL_SECONDS + 60)
    return cache.incr(key)


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_hmac(code: str) -> str:
    return salted_hmac("portal.tracking.sms-code", (code or "").strip()).hexdigest()


def secret_compare(a: str, b: str) -> bool:
    return hmac.compare_digest(a or "", b or "")
