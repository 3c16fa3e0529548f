"""Delivery (送达): every document and notice of a case to the parties, one cases.Delivery row per attempt.

`case_notify` is the one service: the step of the case (received, accepted, rejected …), its document if it has
one, and who must hear of it. For the consumer: an SMS to their phone (always; it carries the tracking number and
the tracking page's address), an email with the document's text where they gave an address, and — a document
without an email address to send it to — a letter, queued for staff to print and post (the letter queue,
backoffice). For the business: the portal (the document is there to read and download), an email where it has an
address, else a letter. SMS and email go through the outbox; whether they went is the outbox row's state, and a
message the outbox gives up on (notifications.signals.notification_gave_up) reaches the mediator.

Each (case, step, party, method) is delivered once: calling again returns the rows made the first time.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.people import display_name
from accounts.people import staff_phone as people_staff_phone
from core.association import association, public_link
from core.audit import record_text, save_audited
from core.dates import cn_date
from notifications.models import Notification
from notifications.services import notification_enqueue

from .documents import plain_text
from .models import Case, Delivery, Document

P, M = Delivery.Party, Delivery.Method

# What the consumer is told at each step (SMS and email); {document} is the document's title.
CONSUMER_STEPS = {
    "received": "您的投诉已收到，查询号{tracking}。本会将在7个工作日内决定是否受理。",
    "supplement": "您的投诉材料尚不齐全，请查看《{document}》并在查询页面上传补充材料，查询号{tracking}。",
    "accepted": "您的投诉已受理（案件编号{case_number}），承办人{mediator}，联系电话{phone}。详见《{document}》。",
    "rejected": "经审查，本会对您的投诉决定不予受理，理由及建议的解决途径见《{document}》。",
    "transferred": "您的投诉（案件编号{case_number}）已转经营者处理，经营者应于{answer_by}前答复。",
    "offer": "经营者已答复您的投诉（案件编号{case_number}），请登录查询页面选择接受或不接受。",
    "resolved": "您的投诉（案件编号{case_number}）已调解成功，请查看《{document}》并按约定履行。",
    "settled": "您已接受经营者的处理方案，双方达成和解（案件编号{case_number}），详见《{document}》。",
    "terminated": "您的投诉（案件编号{case_number}）调解终止，原因及可选择的解决途径见《{document}》。",
    "performance_due": "协议约定的履行期限（{performance_due}）已到，请在查询页面确认经营者是否已履行。",
    "follow_up": "您的投诉（案件编号{case_number}）已办结，请在查询页面对本会的处理进行评价。",
    "closed": "您的投诉（案件编号{case_number}）已结案归档。感谢您的配合。",
    "urging": "本会已就您的投诉向经营者发出《{document}》。",
}
BUSINESS_STEPS = {
    "urging": "贵单位未在期限内答复本会转办的投诉，现发出《{document}》，请尽快答复。",
    "resolved": "本会主持调解的投诉（案件编号{case_number}）已达成协议，请查看《{document}》并按期履行。",
    "settled": "消费者已接受贵单位的处理方案（案件编号{case_number}），详见《{document}》，请按承诺履行。",
    "terminated": "本会对投诉（案件编号{case_number}）的调解已终止，详见《{document}》。",
    "performance_due": "协议约定的履行期限（{performance_due}）已到，请在经营者平台确认履行情况。",
    "transferred": "本会向贵单位转办投诉，详见《{document}》，请于{answer_by}前答复。",
}


STEP_LABELS = {
    "received": gettext_lazy("Notice: complaint received"),
    "supplement": gettext_lazy("Notice: material missing"),
    "accepted": gettext_lazy("Notice: complaint accepted"),
    "rejected": gettext_lazy("Notice: complaint not accepted"),
    "transferred": gettext_lazy("Notice: complaint transferred to the business"),
    "offer": gettext_lazy("Notice: the business's answer waits for the consumer"),
    "resolved": gettext_lazy("Notice: agreement"),
    "settled": gettext_lazy("Notice: settlement"),
    "terminated": gettext_lazy("Notice: mediation terminated"),
    "performance_due": gettext_lazy("Notice: performance due"),
    "follow_up": gettext_lazy("Notice: follow-up request"),
    "closed": gettext_lazy("Notice: case closed"),
    "urging": gettext_lazy("Notice: urging notice"),
}


def step_label(step: str) -> str:
    return str(STEP_LABELS.get(step.split(":")[0], step))


def case_notify(*, case: Case, step: str, document: Document | None = None, parties=(P.CONSUMER,), actor=None):
    """Deliver the step's notice (and its document) to the parties; the caller holds the transaction. Returns the
    Delivery rows."""
    from .users import get_system_user

    actor = actor or get_system_user()
    key = f"{step}:{document.number}" if document is not None else step
    deliveries = []
    if P.CONSUMER in parties and step in CONSUMER_STEPS:
        deliveries += _to_consumer(case, step, key, document, actor)
    if P.BUSINESS in parties and case.business_id and (step in BUSINESS_STEPS or document is not None):
        deliveries += _to_business(case, step, key, document, actor)
    return deliveries


def _context(case, step, document, texts):
    particulars = association()
    mediator = case.mediator
    return {
        "tracking": case.tracking_number,
        "case_number": case.number or case.tracking_number,
        "mediator": _staff_name(mediator) or "本会工作人员",
        "phone": staff_phone(mediator) or particulars.phone,
        "document": document.title if document is not None else "",
        "answer_by": cn_date(case.answer_due_on) if case.answer_due_on else "",
        "performance_due": cn_date(case.performance_due_on) if case.performance_due_on else "",
    }


def _message(case, step, document, texts):
    context = _context(case, step, document, texts)
    return texts.get(step, "").format(**context) if step in texts else (
        f"本会向您送达《{document.title}》。" if document is not None else ""
    )


def _to_consumer(case, step, key, document, actor):
    consumer = case.consumer
    message = _message(case, step, document, CONSUMER_STEPS)
    track_url = public_link(reverse("public:track"))
    rows = []
    if consumer.phone:
        rows.append(_outbox(case, key, P.CONSUMER, M.SMS, consumer.phone, consumer.name, document, actor,
                            template="cases/consumer_notice", message=message, url=track_url))
    if consumer.email:
        rows.append(_outbox(case, key, P.CONSUMER, M.EMAIL, consumer.email, consumer.name, document, actor,
                            template="cases/consumer_notice", message=message, url=track_url))
    elif document is not None and consumer.address:
        rows.append(_letter(case, key, P.CONSUMER, consumer.address, consumer.name, document, actor))
    return rows


def _to_business(case, step, key, document, actor):
    business = case.business
    message = _message(case, step, document, BUSINESS_STEPS)
    rows = []
    if document is not None:
        rows.append(_record(case, key, P.BUSINESS, M.PORTAL, "", business.name, document, actor,
                            status=Delivery.Status.SENT))
    if business.email:
        rows.append(_outbox(case, key, P.BUSINESS, M.EMAIL, business.email, business.name, document, actor,
                            template="cases/business_notice", message=message,
                            url=public_link(reverse("portal:home"))))
    elif document is not None and business.address:
        rows.append(_letter(case, key, P.BUSINESS, business.address, business.name, document, actor))
    return rows


def _record(case, key, party, method, address, recipient, document, actor, **fields):
    existing = Delivery.objects.filter(case=case, step=key, party=party, method=method).first()
    if existing is not None:
        return existing
    delivery = Delivery(
        case=case, step=key, party=party, method=method, address=address, recipient=recipient, document=document,
        created_at=timezone.now(), **fields,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent sweep may have recorded it first
            return save_audited(
                delivery, actor,
                reason=record_text(gettext_lazy("Delivery: %(what)s by %(how)s"),
                                   what=document.number if document else key, how=delivery.get_method_display()),
            )
    except IntegrityError:
        return Delivery.objects.get(case=case, step=key, party=party, method=method)


def _outbox(case, key, party, method, address, recipient, document, actor, *, template, message, url):
    delivery = _record(case, key, party, method, address, recipient, document, actor)
    if delivery.notification_id is not None:
        return delivery
    particulars = association()
    delivery.notification = notification_enqueue(
        channel=method,
        template=template,
        to_address=address,
        about=delivery,
        dedupe_key=f"delivery:{delivery.pk}",
        context={
            "association": particulars.name,
            "phone": particulars.phone,
            "recipient": recipient,
            "message": message,
            "url": url,
            "document_title": document.title if document is not None else "",
            "document_number": document.official_number or document.number if document is not None else "",
            "document_text": plain_text(document) if document is not None and method == M.EMAIL else "",
        },
    )
    delivery.save(update_fields=["notification"])
    return delivery


def _letter(case, key, party, address, recipient, document, actor):
    return _record(case, key, party, M.LETTER, address, recipient, document, actor, status=Delivery.Status.QUEUED)


def sheet_delivered(*, case: Case, document: Document, notification: Notification | None, actor) -> list:
    """The transfer sheet's deliveries to the business: the portal, and the email its dispatch put in the outbox
    (mediation.services.transfers), or a letter where the business has no email address."""
    key = f"transferred:{document.number}"
    business = case.business
    rows = [_record(case, key, P.BUSINESS, M.PORTAL, "", business.name, document, actor, status=Delivery.Status.SENT)]
    if notification is not None:
        rows.append(_record(case, key, P.BUSINESS, M.EMAIL, notification.to_address, business.name, document, actor,
                            notification=notification))
    elif business.address:
        rows.append(_letter(case, key, P.BUSINESS, business.address, business.name, document, actor))
    return rows


# --- the letter queue -----------------------------------------------------------------------------------


def letters_mark_posted(*, delivery_ids, actor, posted_on=None) -> int:
    """Staff record that the printed letters went in the post on `posted_on` (today by default)."""
    from core.audit import require_perm

    require_perm(actor, "cases.mediate_case")
    posted_on = posted_on or timezone.localdate()
    count = 0
    with transaction.atomic():
        rows = Delivery.objects.select_for_update().filter(
            pk__in=list(delivery_ids), method=M.LETTER, status=Delivery.Status.QUEUED
        )
        for delivery in rows:
            delivery.status, delivery.posted_on, delivery.posted_by = Delivery.Status.POSTED, posted_on, actor
            save_audited(delivery, actor, reason=record_text(gettext_lazy("Letter posted on %(date)s"),
                                                             date=posted_on.isoformat()))
            count += 1
    return count


def portal_document_read(*, document: Document, actor) -> None:
    """A member of the business opened the document in the portal: its portal delivery has arrived."""
    Delivery.objects.filter(
        document=document, party=P.BUSINESS, method=M.PORTAL, status=Delivery.Status.SENT
    ).update(status=Delivery.Status.DELIVERED)


# --- failures -------------------------------------------------------------------------------------------


def on_notification_gave_up(sender, notification: Notification, **kwargs):
    """The outbox gave up on a message: if it was a delivery, the case's mediator is told (once)."""
    if notification.content_type_id is None or notification.content_type.model_class() is not Delivery:
        return
    delivery = Delivery.objects.select_related("case__mediator", "document").filter(
        pk=notification.object_id
    ).first()
    if delivery is None:
        return
    claimed = Delivery.objects.filter(pk=delivery.pk, failure_reported=False).update(
        failure_reported=True, status=Delivery.Status.FAILED
    )
    mediator = delivery.case.mediator
    if not claimed or mediator is None:
        return
    notification_enqueue(
        channel="in_app",
        template="cases/delivery_failed",
        recipient_user=mediator,
        about=delivery,
        dedupe_key=f"delivery-failed:{delivery.pk}",
        context={
            "case_number": delivery.case.number or delivery.case.tracking_number,
            "what": delivery.document.title if delivery.document_id else step_label(delivery.step),
            "method": str(delivery.get_method_display()),
            "address": delivery.address,
            "error": notification.last_error[:200],
            "case_url": public_link(reverse("admin:cases_case_change", args=[delivery.case_id])),
        },
    )


def _staff_name(user) -> str:
    return display_name(user) if user is not None else ""


def staff_phone(user) -> str:
    """The staff member's own phone (accounts.people), "" when none."""
    return people_staff_phone(user) if user is not None else ""
