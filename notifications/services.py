"""Writes for the outbox: enqueue a notice, deliver it, sweep for due work, mark read, retry.

Callers (cases, mediation, …) use `notification_enqueue` only; everything else runs in workers, the sweep and
the admin.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.base import TextNode, Variable, VariableNode
from django.utils import timezone, translation
from kombu.exceptions import KombuError

from core import bulk

from . import conf
from .channels import InAppChannel, get_channel
from .models import REDACTED, Notification, redact
from .signals import notification_gave_up

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status

# "case_reminder", "mediation/offer_made", "generic": a path below templates/notifications/, never "../…".
TEMPLATE_NAME_RE = re.compile(r"[a-z0-9_]+(?:[./][a-z0-9_]+)*")

# What `delay()` raises when the broker cannot be reached: kombu wraps transport errors in OperationalError
# (a KombuError); a refused socket surfaces as an OSError. Anything else is a bug and must propagate.
BROKER_ERRORS = (KombuError, OSError)

GAVE_UP_MID_SEND = (
    "The last attempt did not report back within NOTIFICATIONS_SENDING_TIMEOUT and no attempts are left; "
    "gave up. Whether it reached the recipient is unknown."
)


# --- enqueue -------------------------------------------------------------------------------------------


def notification_enqueue(
    *,
    channel: str,
    template: str,
    context: dict,
    recipient_user=None,
    to_address: str = "",
    about=None,
    dedupe_key: str | None = None,
    language: str | None = None,
    secret_keys: tuple[str, ...] = (),
) -> Notification:
    """Store a notice in the outbox and, once the caller's transaction commits, hand it to a worker.

    - Idempotent by `dedupe_key`: if a row with that key exists (or is inserted concurrently) that row is
      returned unchanged and nothing new is scheduled.
    - Subject and body are rendered now from `notifications/<template>/subject.txt` and `body.txt` (or
      `subject.<language>.txt` and `body.<language>.txt` where they exist), in `language` (default
      settings.LANGUAGE_CODE), as plain text (no HTML escaping), and never change after.
      `subject.txt` may be left out for SMS and in-app notices.
    - `context` is stored with the row, so it must be JSON-serialisable (dates, decimals and UUIDs are fine).
    - Email goes to `to_address`, or else to `recipient_user.email`; SMS needs `to_address` (a phone number);
      in-app needs `recipient_user` and is stored as sent: the row is the delivery; a webhook POSTs the body to
      `to_address` (a URL) with the headers in `context["headers"]` (see channels.WebhookChannel).
    - If the broker is down when the transaction commits, the row stays pending and the sweep
      (`notifications_dispatch_pending`) sends it later.
    - `secret_keys` name the context values that are secrets (a tracking code, a signed portal link): they are
      blanked out of the stored body, subject and context as soon as the row is sent (or dead), and never
      logged.
    """
    channel = Channel(channel)
    dedupe_key = dedupe_key or None
    if dedupe_key and (existing := _find_by_dedupe_key(dedupe_key)) is not None:
        return existing
    to_address = _resolve_address(channel, recipient_user, to_address)
    if about is not None and about.pk is None:
        raise ValueError("`about` must be a saved object.")
    language = language or settings.LANGUAGE_CODE
    subject, body = _render(channel, template, context, language)

    now = timezone.now()
    notification = Notification(
        channel=channel,
        recipient_user=recipient_user,
        to_address=to_address,
        template=template,
        context=context,
        language=language,
        subject=subject,
        body=body,
        secret_keys=list(secret_keys),
        dedupe_key=dedupe_key,
        created_at=now,
        next_attempt_at=now,
    )
    if about is not None:
        notification.about = about  # assigning None would write NULL into object_id
    if channel == Channel.IN_APP:
        notification.status = Status.SENT
        notification.sent_at = now
        notification.next_attempt_at = None
        notification.transport_note = InAppChannel.note
    try:
        # A savepoint, so losing the race on dedupe_key leaves the caller's transaction usable.
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        existing = _find_by_dedupe_key(dedupe_key) if dedupe_key else None
        if existing is None:
            raise
        return existing

    if notification.status == Status.PENDING:
        transaction.on_commit(partial(notification_schedule_delivery, notification_id=notification.pk))
    return notification


def _find_by_dedupe_key(dedupe_key: str) -> Notification | None:
    return Notification.objects.filter(dedupe_key=dedupe_key).first()


def _resolve_address(channel: str, recipient_user, to_address: str) -> str:
    if channel == Channel.EMAIL and not to_address and recipient_user is not None:
        to_address = recipient_user.email
    if channel in (Channel.EMAIL, Channel.SMS, Channel.WEBHOOK) and not to_address:
        raise ValueError(f"A {channel} notification needs an address.")
    if channel == Channel.IN_APP and recipient_user is None:
        raise ValueError("An in-app notification needs a recipient_user.")
    return to_address


def _render(channel: str, template: str, context: dict, language: str) -> tuple[str, str]:
    if not TEMPLATE_NAME_RE.fullmatch(template):
        raise ValueError(f"Invalid notification template name: {template!r}")
    templates = _Templates()
    # Plain text for mail and SMS: Django's HTML autoescaping would turn "A&B" into "A&amp;B".
    with translation.override(language):
        return templates.render(channel, template, context, language)


class _Templates:
    """Finds and renders a notice's templates: `notifications/<template>/body.txt` and `subject.txt`, or
    `body.<language>.txt` / `subject.<language>.txt` where a notice has a text of its own in that language (e.g.
    `body.en.txt` beside a Chinese `body.txt`). Found templates are kept for the life of the object, so a bulk
    enqueue looks each one up once, and a template made only of text and plain `{{ name }}` variables is
    rendered by joining strings (see _PlainTemplate) rather than through the template engine."""

    def __init__(self):
        self.engine = Engine.get_default()
        self.found = {}

    def get(self, template, part, language):
        key = (template, part, language)
        if key not in self.found:
            names = [f"notifications/{template}/{part}.{language}.txt", f"notifications/{template}/{part}.txt"]
            try:
                found = self.engine.select_template(names)
            except TemplateDoesNotExist:
                self.found[key] = None
            else:
                self.found[key] = _PlainTemplate.compile(found) or found
        if self.found[key] is None:
            raise TemplateDoesNotExist(f"notifications/{template}/{part}.txt")
        return self.found[key]

    def render(self, channel, template, context, language) -> tuple[str, str]:
        """Subject and body in the active language."""
        body = self._render(self.get(template, "body", language), context)
        try:
            subject_template = self.get(template, "subject", language)
        except TemplateDoesNotExist:
            if channel == Channel.EMAIL:
                raise
            subject = ""
        else:
            subject = self._render(subject_template, context)
        # One line: a newline in a mail subject is a header injection and Django refuses it.
        return " ".join(subject.split()), body.strip()

    @staticmethod
    def _render(template, context):
        if isinstance(template, _PlainTemplate) and (text := template.render_plain(context)) is not None:
            return text
        # A copy of `context`, since `{% ... as name %}` writes into the dict it is given.
        return template.render(Context(dict(context), autoescape=False))


class _PlainTemplate:
    """A template that is only text and `{{ name }}` variables (no tags, filters or dotted lookups), rendered by
    joining its pieces: the engine's output for string and integer values, at a fraction of the cost. Any other
    value, or a missing name, is left to the engine, so the result is always the engine's."""

    def __init__(self, template, pieces):
        self.template = template
        self.pieces = pieces  # (is_variable, text or name)

    @classmethod
    def compile(cls, template):
        pieces = []
        for node in template.nodelist:
            if isinstance(node, TextNode):
                pieces.append((False, node.s))
            elif (
                isinstance(node, VariableNode)
                and not node.filter_expression.filters
                and isinstance(node.filter_expression.var, Variable)
                and node.filter_expression.var.lookups is not None
                and len(node.filter_expression.var.lookups) == 1
                and not node.filter_expression.var.translate
            ):
                pieces.append((True, node.filter_expression.var.lookups[0]))
            else:
                return None
        return cls(template, pieces)

    def render(self, context):
        return self.template.render(context)

    def render_plain(self, context: dict) -> str | None:
        """The text for a dict of values, or None where only the engine knows how to show a value."""
        out = []
        for is_variable, piece in self.pieces:
            if not is_variable:
                out.append(piece)
                continue
            value = context.get(piece, _MISSING)
            if type(value) is str:
                out.append(value)
            elif type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
                out.append(str(value))  # what number_format gives an int without grouping
            else:
                return None
        return "".join(out)


_MISSING = object()


def notification_schedule_delivery(*, notification_id: int, at=None) -> bool:
    """Queue a delivery task (at `at`, else now). Returns False, leaving the row for the sweep, if the broker
    cannot be reached: the row is the record, so nothing is lost."""
    from .tasks import deliver_notification  # tasks.py imports this module

    try:
        if at is None:
            deliver_notification.delay(notification_id)
        else:
            deliver_notification.apply_async((notification_id,), eta=at)
    except BROKER_ERRORS:
        logger.warning(
            "Could not queue delivery of notification %s (broker unavailable); the sweep will pick it up.",
            notification_id,
            exc_info=True,
        )
        return False
    return True



# --- enqueue many --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One notice for notifications_enqueue_bulk: notification_enqueue's arguments, with ids instead of objects.

    `about` is (model class, primary key). Email and SMS need `to_address`; in-app needs `recipient_user_id`.
    """

    channel: str
    template: str
    context: dict
    recipient_user_id: int | None = None
    to_address: str = ""
    about: tuple | None = None
    dedupe_key: str | None = None
    language: str | None = None
    secret_keys: tuple = ()


def notifications_enqueue_bulk(notices: Iterable[Notice], *, dispatch: bool = True, batch_size: int = 2000) -> int:
    """Store many notices in the outbox at once, as notification_enqueue would one by one; return how many were
    stored (a notice whose dedupe_key exists already is skipped).

    For callers that produce notices in bulk (a periodic sweep): the rows go in with one multi-row INSERT per
    `batch_size` notices in the caller's transaction (ON CONFLICT (dedupe_key) DO NOTHING, so a concurrent insert
    of the same key is skipped too), each template is looked up once, and instead of a delivery task per row one
    dispatch sweep is queued when the transaction commits (with dispatch=False the caller queues it, e.g. once
    after many transactions, with notifications_request_dispatch). If the broker is down then, the rows wait for
    the periodic sweep. Subject and body are rendered now and frozen; in-app notices are stored as sent.
    """
    templates = _Templates()
    content_types = {}
    now = timezone.now()
    default_language = settings.LANGUAGE_CODE
    rows = []
    count = 0
    with translation.override(default_language):  # restores the caller's language afterwards
        active = default_language
        for notice in notices:
            language = notice.language or default_language
            if language != active:
                translation.activate(language)
                active = language
            rows.append(_bulk_row(notice, language, templates, content_types, now))
            if len(rows) >= batch_size:
                count += _bulk_insert(rows)
                rows = []
    count += _bulk_insert(rows)
    if dispatch and count:
        transaction.on_commit(notifications_request_dispatch)
    return count


BULK_FIELDS = [
    "channel", "recipient_user", "to_address", "template", "context", "language", "subject", "body", "secret_keys",
    "content_type", "object_id", "dedupe_key", "status", "attempts", "last_error", "transport_note",
    "next_attempt_at", "sent_at", "created_at",
]


def _bulk_row(notice, language, templates, content_types, now) -> tuple:
    """The values of BULK_FIELDS for one notice."""
    channel = notice.channel
    if channel in (Channel.EMAIL, Channel.SMS) and not notice.to_address:
        raise ValueError(f"A {channel} notification needs an address.")
    if channel == Channel.IN_APP and notice.recipient_user_id is None:
        raise ValueError("An in-app notification needs a recipient_user_id.")
    if not TEMPLATE_NAME_RE.fullmatch(notice.template):
        raise ValueError(f"Invalid notification template name: {notice.template!r}")
    subject, body = templates.render(channel, notice.template, notice.context, language)
    content_type_id, object_id = None, ""
    if notice.about is not None:
        model, pk = notice.about
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model).pk
        content_type_id, object_id = content_types[model], str(pk)
    in_app = channel == Channel.IN_APP
    return (
        channel, notice.recipient_user_id, notice.to_address, notice.template, notice.context, language,
        subject, body, list(notice.secret_keys), content_type_id, object_id, notice.dedupe_key or None,
        Status.SENT if in_app else Status.PENDING, 0, "", InAppChannel.note if in_app else "",
        None if in_app else now, now if in_app else None, now,
    )


def _bulk_insert(rows) -> int:
    inserted = bulk.insert_ignoring_conflicts(
        Notification, fields=BULK_FIELDS, rows=rows, conflict_fields=["dedupe_key"], returning=["id"]
    )
    return len(inserted)


def notifications_request_dispatch() -> bool:
    """Queue one dispatch sweep now. Returns False, leaving the rows for the periodic sweep, if the broker
    cannot be reached."""
    from .tasks import dispatch_pending_notifications  # tasks.py imports this module

    try:
        dispatch_pending_notifications.delay()
    except BROKER_ERRORS:
        logger.warning("Could not queue a dispatch sweep (broker unavailable); the periodic sweep will run it.")
        return False
    return True


# --- deliver -------------------------------------------------------------------------------------------


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Deliver one notification if it is this caller's to deliver; return the row afterwards, or None if not.

    1. Claim: one conditional UPDATE moves the row to `sending` (attempts + 1, next_attempt_at = now +
       NOTIFICATIONS_SENDING_TIMEOUT, the end of the claim). It matches only a pending row, a failed row whose
       retry is due, or a sending row whose claim expired, with attempts left. If it does not touch exactly one
       row someone else has it (or it is done): return None. Two workers can therefore never both send.
    2. The claim is committed before the transport is called (no transaction around this function), so every
       attempt leaves a trace even if the worker dies.
    3. Call the channel. On success: sent, sent_at, transport_note. On any exception: failed with last_error and
       next_attempt_at = now + exponential backoff, or dead once NOTIFICATIONS_MAX_ATTEMPTS attempts are used.
       The result is written only if the row is still in the claim this call made.

    At-least-once, not exactly-once: no transport (SMTP, an SMS gateway) takes part in our transaction. If the
    worker dies after the transport accepted the message but before step 3 is written, the row stays `sending`;
    after the timeout the sweep takes it back and it is sent once more. That window is the only way a
    duplicate can happen; the row (claim + result) rules out every other one.
    """
    now = timezone.now()
    claimable = Q(status=Status.PENDING) | Q(
        status__in=[Status.FAILED, Status.SENDING], next_attempt_at__lte=now
    )
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id, attempts__lt=conf.max_attempts()).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=now + conf.sending_timeout(),
        )
        == 1
    )
    if not claimed:
        logger.info("Notification %s not claimed: already taken, done, or not due.", notification_id)
        return None

    notification = Notification.objects.select_related("recipient_user").get(pk=notification_id)
    try:
        note = get_channel(notification.channel).send(notification)
    except Exception as exc:  # any transport failure must end up on the row, not in a lost traceback
        logger.warning(
            "Notification %s attempt %s failed.", notification.pk, notification.attempts, exc_info=True
        )
        _record_failure(notification, exc)
    else:
        _record_result(
            notification,
            status=Status.SENT,
            sent_at=timezone.now(),
            next_attempt_at=None,
            last_error="",
            transport_note=redact((note or ""), notification.secret_values())[:255],
            **redacted(notification),
        )
    notification.refresh_from_db()
    return notification


def redacted(notification: Notification) -> dict:
    """The body, subject and context without the notice's secrets: what is kept once it needs sending no more."""
    secrets = notification.secret_values()
    if not secrets:
        return {}
    context = {
        key: (REDACTED if key in notification.secret_keys else value) for key, value in notification.context.items()
    }
    return {
        "body": redact(notification.body, secrets),
        "subject": redact(notification.subject, secrets),
        "context": context,
    }


def _record_failure(notification: Notification, exc: Exception) -> None:
    error = redact(f"{type(exc).__name__}: {exc}", notification.secret_values())[:4000]
    if notification.attempts >= conf.max_attempts():
        if _record_result(
            notification, status=Status.DEAD, next_attempt_at=None, last_error=error, **redacted(notification)
        ):
            notification.status, notification.last_error = Status.DEAD, error
            notification_gave_up.send(sender=Notification, notification=notification)
    else:
        retry_at = timezone.now() + conf.retry_delay(notification.attempts)
        _record_result(notification, status=Status.FAILED, next_attempt_at=retry_at, last_error=error)


def _record_result(notification: Notification, **fields) -> bool:
    # Only within our own claim: if it expired and another worker took the row, its result wins.
    updated = Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, attempts=notification.attempts
    ).update(**fields)
    if not updated:
        logger.warning(
            "Notification %s: claim lost before the result was written (%s).", notification.pk, fields
        )
    return bool(updated)


# --- sweep ---------------------------------------------------------------------------------------------


def notifications_dispatch_pending(*, batch_size: int = 500, inline: bool = False) -> int:
    """Hand every due notification to a worker, or deliver it here with inline=True; return how many.

    1. Due rows with no attempts left (a claim that expired on the last attempt) become dead.
    2. Walk the due rows (pending, failed and due, sending with an expired claim: NotificationQuerySet.due and
       its partial index) oldest first, `batch_size` at a time by keyset, so memory and each query stay bounded
       however long the backlog.
    3. inline: deliver each row here (the claim decides). Otherwise queue a task per row, then re-arm the
       queued rows that are still due: pending, next_attempt_at = now + NOTIFICATIONS_SENDING_TIMEOUT. The
       queued task can claim a pending row at once, and the next sweep will not queue it again while it waits
       in the queue; if the task is lost the row comes due again when that time passes.
    If the broker is down the sweep stops; what it did not queue stays due for the next run (or use inline).
    """
    now = timezone.now()
    Notification.objects.due(now).filter(attempts__gte=conf.max_attempts()).update(
        status=Status.DEAD,
        next_attempt_at=None,
        last_error=Case(
            When(status=Status.SENDING, then=Value(GAVE_UP_MID_SEND)),
            default=F("last_error"),
            output_field=TextField(),
        ),
    )
    handed = 0
    after = None
    while True:
        batch = list(Notification.objects.due_batch(now, after=after, size=batch_size))
        if not batch:
            return handed
        after = batch[-1]
        ids = [pk for _at, pk in batch]
        if inline:
            handed += sum(notification_deliver(notification_id=pk) is not None for pk in ids)
        else:
            queued = []
            for pk in ids:
                if not notification_schedule_delivery(notification_id=pk):
                    break
                queued.append(pk)
            Notification.objects.due(now).filter(pk__in=queued).update(
                status=Status.PENDING, next_attempt_at=now + conf.sending_timeout()
            )
            handed += len(queued)
            if len(queued) < len(ids):
                return handed
        if len(batch) < batch_size:
            return handed


# --- in-app and admin ----------------------------------------------------------------------------------


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's unread in-app notifications read (only those in `ids` if given); return how many.

    Rows of other users are never touched, whatever ids are passed.
    """
    unread = Notification.objects.filter(recipient_user=user, channel=Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notifications_retry(*, ids) -> int:
    """Put failed and dead notifications back to pending with a fresh set of attempts, and queue them.

    Other rows among `ids` are left alone. last_error keeps the reason the last attempt failed until the next
    attempt's result replaces it.
    """
    retry_ids = list(
        Notification.objects.select_for_update()
        .filter(pk__in=ids, status__in=[Status.FAILED, Status.DEAD])
        .values_list("pk", flat=True)
    )
    Notification.objects.filter(pk__in=retry_ids).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in retry_ids:
        transaction.on_commit(partial(notification_schedule_delivery, notification_id=pk))
    return len(retry_ids)
