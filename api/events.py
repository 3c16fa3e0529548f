"""Events partners are told about, recorded where the domain changes and published once that has committed.

1. Record (inside the domain's transaction, so a rolled-back action tells nobody): a case's FSM transition
   (django_fsm's post_transition) for the partner that forwarded it; a new transfer sheet or a message from the
   association (post_save) for the sheet's platform business. Urging notices (催办) are issued in bulk by the
   deadline sweep, so they are collected afterwards by `urging_collect` (once per partner and notice: a unique
   constraint).
2. Publish (`events_publish`, on commit and from the beat task): claim the event with a conditional UPDATE (two
   publishers never both take it), freeze its payload, and put its webhook in the outbox (`notifications`), whose
   dedupe key `api-event:<id>` makes it one delivery per event, retried with backoff until the receiver says 2xx.
   The webhook is signed: X-Xiehui-Signature = HMAC-SHA256 of "<timestamp>.<body>" with the partner's secret.
"""

import json
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save
from django.utils import timezone
from django_fsm.signals import post_transition

from cases.choices import CaseState
from cases.models import Case
from mediation.models import SheetMessage, TransferSheet
from notifications.services import notification_enqueue
from reminders.models import UrgingNotice

from . import keys
from .models import ApiEvent, EventKind, Handoff, Partner
from .payloads import backfill, sheet_payload
from .serializers import MessageSerializer

TRANSITION_EVENTS = {
    CaseState.ACCEPTED: EventKind.ACCEPTED,
    CaseState.REJECTED: EventKind.REJECTED,
    CaseState.TRANSFERRED: EventKind.TRANSFERRED,
    CaseState.REPLIED: EventKind.REPLIED,
    CaseState.MEDIATING: EventKind.MEDIATING,
    CaseState.RESOLVED: EventKind.RESOLVED,
    CaseState.TERMINATED: EventKind.TERMINATED,
    CaseState.WITHDRAWN: EventKind.WITHDRAWN,
    CaseState.CLOSED: EventKind.CLOSED,
}
SHEET_EVENTS = {EventKind.SHEET_ISSUED, EventKind.SHEET_URGED, EventKind.SHEET_MESSAGE}


def connect():
    post_transition.connect(on_case_transition, sender=Case, dispatch_uid="api.events.transition")
    post_save.connect(on_sheet_saved, sender=TransferSheet, dispatch_uid="api.events.sheet")
    post_save.connect(on_message_saved, sender=SheetMessage, dispatch_uid="api.events.message")


# --- 1. record ----------------------------------------------------------------------------------------------


def _record(partner_ids, *, kind, case_id, object_id=None):
    events = [ApiEvent(partner_id=pk, kind=kind, case_id=case_id, object_id=object_id) for pk in partner_ids]
    if not events:
        return
    for event in events:
        event.save()
    transaction.on_commit(partial(events_publish, event_ids=[e.pk for e in events]))


def on_case_transition(sender, instance, name, source, target, **kwargs):
    kind = TRANSITION_EVENTS.get(target)
    if kind is None or instance.pk is None:
        return
    partners = Handoff.objects.filter(case_id=instance.pk, partner__is_active=True).values_list("partner_id", flat=True)
    _record(list(partners), kind=kind, case_id=instance.pk)


def _business_partners(business_id):
    return list(
        Partner.objects.filter(kind=Partner.Kind.BUSINESS, business_id=business_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


def on_sheet_saved(sender, instance, created, **kwargs):
    if created:
        _record(_business_partners(instance.business_id), kind=EventKind.SHEET_ISSUED, case_id=instance.case_id,
                object_id=instance.pk)


def on_message_saved(sender, instance, created, **kwargs):
    if created and instance.side == SheetMessage.Side.ASSOCIATION:
        business_id = TransferSheet.objects.filter(pk=instance.sheet_id).values_list("business_id", flat=True).first()
        _record(_business_partners(business_id), kind=EventKind.SHEET_MESSAGE, case_id=instance.case_id,
                object_id=instance.pk)


def urging_collect() -> int:
    """Record a `sheet.urged` event for every urging notice to a platform business issued since it became a
    partner and not recorded yet. Returns how many were recorded."""
    created = 0
    for partner in Partner.objects.filter(kind=Partner.Kind.BUSINESS, is_active=True):
        notices = (
            UrgingNotice.objects.filter(
                case__business_id=partner.business_id, issued_on__gte=timezone.localdate(partner.created_at)
            )
            .filter(~Exists(ApiEvent.objects.filter(partner=partner, kind=EventKind.SHEET_URGED, object_id=OuterRef("pk"))))
            .values_list("pk", "case_id")
        )
        rows = [
            ApiEvent(partner=partner, kind=EventKind.SHEET_URGED, case_id=case_id, object_id=pk)
            for pk, case_id in notices
        ]
        created += len(ApiEvent.objects.bulk_create(rows, ignore_conflicts=True))
    return created


# --- 2. publish ---------------------------------------------------------------------------------------------


def events_publish(*, event_ids=None, limit=500) -> int:
    """Freeze and send the events not yet published (these ones, or the oldest `limit`). Returns how many."""
    pending = ApiEvent.objects.filter(published_at__isnull=True).order_by("pk")
    if event_ids is not None:
        pending = pending.filter(pk__in=list(event_ids))
    published = 0
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            if not ApiEvent.objects.filter(pk=pk, published_at__isnull=True).update(published_at=timezone.now()):
                continue  # another publisher took it
            event = ApiEvent.objects.select_related("partner", "case").get(pk=pk)
            event.payload = {
                "id": event.pk,
                "kind": event.kind,
                "occurred_at": timezone.localtime(event.occurred_at).isoformat(),
                "data": _data(event),
            }
            event.save(update_fields=["payload"])
            if event.partner.webhook_url and event.partner.webhook_secret:
                event.notification = _webhook(event)
                event.save(update_fields=["notification"])
            published += 1
    return published


def _data(event) -> dict:
    if event.kind in SHEET_EVENTS:
        sheet = TransferSheet.objects.select_related("case", "case__consumer", "reply").get(case_id=event.case_id)
        data = {"sheet": sheet_payload(sheet)}
        if event.kind == EventKind.SHEET_MESSAGE:
            data["message"] = dict(MessageSerializer(SheetMessage.objects.get(pk=event.object_id)).data)
        elif event.kind == EventKind.SHEET_URGED:
            notice = UrgingNotice.objects.get(pk=event.object_id)
            data["urging_notice"] = {
                "number": notice.number, "round": notice.round, "issued_on": notice.issued_on.isoformat(),
                "answer_was_due": notice.deadline.isoformat(),
                "new_answer_by": notice.answer_by.isoformat() if notice.answer_by else None,
            }
        return data
    handoff = Handoff.objects.get(case_id=event.case_id)
    return {"case": backfill(event.case, handoff)}


def _webhook(event):
    body = json.dumps(event.payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    timestamp = str(int(timezone.now().timestamp()))
    return notification_enqueue(
        channel="webhook",
        template="api/webhook",
        to_address=event.partner.webhook_url,
        about=event,
        dedupe_key=f"api-event:{event.pk}",
        context={
            "payload": body,
            "headers": {
                "X-Xiehui-Event": event.kind,
                "X-Xiehui-Event-Id": str(event.pk),
                "X-Xiehui-Timestamp": timestamp,
                "X-Xiehui-Signature": "sha256=" + keys.sign(event.partner.webhook_secret, timestamp, body),
            },
        },
    )
