"""Gap-free yearly numbers (TS-2026-000123). The counter moves inside the caller's transaction, so a
rolled-back action gives its number back and concurrent callers queue on the counter row."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Sequence


def next_number(*, prefix: str, year: int) -> str:
    with transaction.atomic():
        counter = _counter(prefix, year)
        Sequence.objects.filter(pk=counter).update(last=F("last") + 1)
        last = Sequence.objects.filter(pk=counter).values_list("last", flat=True).get()
    return f"{prefix}-{year}-{last:06d}"


def next_numbers(*, prefix: str, year: int, count: int) -> list[str]:
    """`count` consecutive numbers at once (a batch of documents issued together), as gap-free as next_number."""
    if count <= 0:
        return []
    with transaction.atomic():
        counter = _counter(prefix, year)
        Sequence.objects.filter(pk=counter).update(last=F("last") + count)
        last = Sequence.objects.filter(pk=counter).values_list("last", flat=True).get()
    return [f"{prefix}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def _counter(prefix, year):
    found = Sequence.objects.filter(prefix=prefix, year=year).values_list("pk", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Sequence.objects.create(prefix=prefix, year=year).pk
    except IntegrityError:  # another transaction created it first
        return Sequence.objects.get(prefix=prefix, year=year).pk


# The numbers a consumer quotes: the tracking number on the online receipt ("WS" + the case id, 8 digits) and,
# once filed, the case number (TS-2026-000123). The tracking page and the staff search read them here.
TRACKING_NUMBER = re.compile(r"WS(\d{1,12})")
CASE_NUMBER = re.compile(r"[A-Z]{2}-\d{4}-\d{6}")


def tracking_number(case) -> str:
    return f"WS{case.pk:08d}"


def normalize_number(value: str) -> str:
    """The one spelling of a number: no spaces, upper case, a WS number with its 8 digits (leading zeros)."""
    number = re.sub(r"\s+", "", value or "").upper()
    if match := TRACKING_NUMBER.fullmatch(number):
        return f"WS{int(match.group(1)):08d}"
    return number
