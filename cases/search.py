"""Finding cases: by the numbers people quote, the consumer, the business, the goods and the words of the facts;
and the same consumer's other cases against the same business (the duplicate warning at intake and screening).

What a search term is decides which index answers it (no UPPER(...) LIKE over joined tables):
- a case number (TS-2026-000123) or tracking number (WS00001234): the unique number, the primary key;
- an ID number (15 or 18 characters), for staff who may see ID numbers: Consumer.id_number (exact, indexed);
- 4 or more digits: any part of the consumer's phone (a trigram index on PostgreSQL, migration cases 0012), the
  cases joined to the consumers it finds;
- words: the consumer's name (exact or its beginning), the business's name (any part; a trigram index on
  UPPER(name)), and the goods and facts: Case.search_words holds their words as jieba cuts them, matched by
  PostgreSQL full text (the generated column search_vector = to_tsvector('simple', search_words), a GIN index)
  and ranked by ts_rank; SQLite looks for each word in them with LIKE.
The small sets (consumers, businesses) are looked up first and capped, so the case query is one bitmap OR of
indexed conditions.
"""

import logging
import re
from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models import Case as Choose
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .choices import OPEN_STATES
from .numbering import CASE_NUMBER, TRACKING_NUMBER, normalize_number

ID_NUMBER = re.compile(r"\d{15}|\d{17}[\dX]")
PHONE_PART = re.compile(r"\d{4,20}")
# How many matching consumers or businesses a word may stand for before the search asks for a longer word.
MATCH_CAP = 500
# A consumer's finished case counts as "recent" for the duplicate warning this many days after its receipt.
DUPLICATE_RECENT_DAYS = 180

# A search that finds more cases than this lists the newest first instead of ranking them all (ranking reads
# every match; the newest ones come straight off the received_at index).
SEARCH_RANK_LIMIT = 1000

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_jieba = None


def _segmenter():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def words(text: str, *, parts=True) -> list[str]:
    """The words of a text as jieba cuts them, lower case, each once; with `parts` (what is stored) long words
    and also their parts, without (what is searched for) the words alone, so a search does not ask for a word
    and its own parts as if they were independent."""
    seen = {}
    segmenter = _segmenter()
    for word in segmenter.cut_for_search(text or "") if parts else segmenter.cut(text or ""):
        word = _PUNCTUATION.sub("", word).lower()
        if word:
            seen.setdefault(word, None)
    return list(seen)


def text_words(product: str, facts: str) -> str:
    """What Case.search_words holds: the words of the goods and the facts, space-separated."""
    return " ".join(words(f"{product or ''} {facts or ''}"))


# --- the search ------------------------------------------------------------------------------------------------

# PostgreSQL keeps to_tsvector('simple', search_words) in a generated column with its GIN index (migration 0013).
TSVECTOR = "cases_case.search_vector"


def may_search_id_numbers(user) -> bool:
    """ID numbers are searched (and so confirmed) only by the staff who may read them in full."""
    return user.has_perm("cases.view_consumer_id_number")


def search_cases(queryset, term: str, *, user):
    """`queryset` narrowed to the cases `term` finds, annotated with `search_rank` (higher first)."""
    return _search(queryset, term, user=user)[0]


def _search(queryset, term: str, *, user):
    """The search two ways, the people and businesses looked up once for both: (the matches as the GIN index
    finds them, the same matches to be read newest first). The second differs only for words on PostgreSQL: the
    words are tested on each case while the newest cases come off the list's order index, instead of gathering
    every match from the GIN index and sorting them — the planner takes words that come together ("戴森 吸尘器")
    for independent and expects a few hundred matches where there are 17,000, so it would read and sort them all
    (190 ms at a million cases; 18 ms this way). search_cases_ordered chooses."""
    from .models import Business, Consumer

    term = (term or "").strip()
    if not term:
        return queryset, queryset
    number = normalize_number(term)
    if match := TRACKING_NUMBER.fullmatch(number):
        return _exactly(queryset.filter(pk=int(match.group(1))))
    if CASE_NUMBER.fullmatch(number):
        return _exactly(queryset.filter(number=number))
    digits = re.sub(r"[\s\-+]", "", term)
    if ID_NUMBER.fullmatch(digits.upper()) and may_search_id_numbers(user):
        return _exactly(queryset.filter(consumer__id_number__in={digits, digits.upper(), digits.lower()}))
    if PHONE_PART.fullmatch(digits):
        # Joined to the consumers, the trigram index finding them (no cap: 4 digits match some 600 consumers
        # of a million, all of them listed).
        return _exactly(queryset.filter(consumer__phone__contains=digits))
    consumers = list(
        Consumer.objects.filter(Q(name=term) | Q(name__startswith=term)).order_by("-pk").values_list("pk", flat=True)[
            :MATCH_CAP
        ]
    )
    businesses = list(Business.objects.filter(name__icontains=term).values_list("pk", flat=True)[:MATCH_CAP])
    found = Q(consumer__in=consumers) | Q(business__in=businesses)
    query_words = words(term, parts=False)
    if connection.vendor == "postgresql" and query_words:
        tsquery = "plainto_tsquery('simple'::regconfig, %s)"
        text = " ".join(query_words)
        rank = RawSQL(f"ts_rank({TSVECTOR}, {tsquery})", [text], output_field=FloatField())
        # A match on the person or the business ranks above one in the words of the facts.
        rank = rank + _person_bonus(consumers, businesses)
        by_index = Q(RawSQL(f"{TSVECTOR} @@ {tsquery}", [text], output_field=BooleanField()))
        tested = Q(RawSQL(f"({TSVECTOR} @@ {tsquery}) IS TRUE", [text], output_field=BooleanField()))
        return (
            queryset.filter(found | by_index).annotate(search_rank=rank),
            queryset.filter(found | tested).annotate(search_rank=rank),
        )
    text_match = Q()
    for word in query_words or [term.lower()]:
        text_match &= Q(search_words__contains=word)
    found = queryset.filter(found | text_match).annotate(search_rank=_person_bonus(consumers, businesses))
    return found, found


def _exactly(found):
    """A number, an ID number or phone digits: every match ranks the same, one form for both ways."""
    found = found.annotate(search_rank=Value(1.0, FloatField()))
    return found, found


def search_cases_ordered(queryset, term: str, *, user, counted=None):
    """The search as a list shows it: ranked when it finds few enough cases to rank them all, else the newest
    first (SEARCH_RANK_LIMIT). `counted`, if given, is called with the number of matches counted on the way (at
    most SEARCH_RANK_LIMIT + 1), so that a list's paginator need not count them again."""
    found, newest = _search(queryset, term, user=user)
    count = found.order_by().values("pk")[: SEARCH_RANK_LIMIT + 1].count()
    if counted is not None:
        counted(count)
    if count <= SEARCH_RANK_LIMIT:
        return found.order_by("-search_rank", "-received_at", "-pk")
    if newest is found:  # SQLite, or a search of people and businesses only
        return found.order_by("-received_at", "-pk")
    if _found_among_the_newest(found):
        return newest.order_by("-received_at", "-pk")
    # The matches are older cases: gathered from the GIN index and sorted. The order is on an expression so that
    # the planner does not walk the order index instead (it expects few matches, and would read most cases).
    received = ExpressionWrapper(F("received_at") + Value(timedelta(0)), output_field=DateTimeField())
    return found.annotate(received_order=received).order_by("-received_order", "-pk")


# Reading the newest cases and testing each (_search's second form) is fast only while the matches are among them: a word
# of cases three years old would read most of the table before it found a page (3.3 s at a million cases). So the
# newest RECENT_WINDOW cases are tested first (an index-only walk and their rows, ~20 ms): with a few pages of
# matches among them the list walks the newest cases; otherwise it gathers every match from the GIN index.
RECENT_WINDOW = 20_000
RECENT_MATCHES_NEEDED = 100


def _found_among_the_newest(found) -> bool:
    from .models import Case

    newest = Case.objects.order_by("-received_at", "-pk").values("pk")[:RECENT_WINDOW]
    hits = found.filter(pk__in=newest).order_by().values("pk")[:RECENT_MATCHES_NEEDED]
    return hits.count() >= RECENT_MATCHES_NEEDED


def _person_bonus(consumers, businesses):
    if not consumers and not businesses:
        return Value(0.0, FloatField())
    return Choose(
        When(Q(consumer__in=consumers) | Q(business__in=businesses), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )


# --- the same consumer again ------------------------------------------------------------------------------------


def possible_duplicates(case, *, limit=5):
    """Other cases of the same consumer (same phone or ID number) against the same business that are still open
    or were received in the last DUPLICATE_RECENT_DAYS days, newest first."""
    return duplicates_of(case).select_related("consumer").order_by(F("received_at").desc())[:limit]


def duplicates_of(case):
    """possible_duplicates unordered and whole: for an EXISTS test (the case page asks it with its other tests)."""
    from .models import Case, Consumer

    if case.business_id is None or case.consumer_id is None:
        return Case.objects.none()
    consumer = case.consumer
    same_person = Q(phone=consumer.phone)
    if consumer.id_number:
        same_person |= Q(id_number=consumer.id_number)
    people = Consumer.objects.filter(same_person).values("pk")[:MATCH_CAP]  # a subquery: one query in all
    since = timezone.now() - timedelta(days=DUPLICATE_RECENT_DAYS)
    return (
        Case.objects.filter(business_id=case.business_id, consumer__in=people)
        .filter(Q(state__in=OPEN_STATES) | Q(received_at__gte=since))
        .exclude(pk=case.pk)
    )


def duplicate_exists():
    """For a list of complaints (the screening queue): the id of one other open or recent case of the same
    consumer (same phone) against the same business, or None; a subquery per row, on the indexes of
    business and consumer phone."""
    from django.db.models import OuterRef, Subquery

    from .models import Case

    since = timezone.now() - timedelta(days=DUPLICATE_RECENT_DAYS)
    others = (
        Case.objects.filter(business_id=OuterRef("business_id"), consumer__phone=OuterRef("consumer__phone"))
        .filter(Q(state__in=OPEN_STATES) | Q(received_at__gte=since))
        .exclude(pk=OuterRef("pk"))
        .order_by("-received_at")
        .values("pk")[:1]
    )
    return Subquery(others)
