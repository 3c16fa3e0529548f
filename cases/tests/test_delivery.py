"""Delivery (送达): every step reaches the consumer (SMS always, email where given, a letter for a document when
there is no email), documents reach the business (portal, email or letter); each once; failures reach the mediator;
the letter queue prints and records posting."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import services
from cases.delivery import case_notify, letters_mark_posted
from cases.models import Delivery, Document, RejectionGround
from notifications.models import Notification
from notifications.services import notification_deliver

pytestmark = pytest.mark.django_db

WITH_EMAIL = {"name": "买买提·艾力", "phone": "13900002222", "email": "maimaiti@example.com", "address": "示范市天山路1号"}
BY_PHONE = {"name": "张伟", "phone": "13900001234", "address": "示范市幸福路12号"}


def _sms(case):
    return Notification.objects.filter(channel="sms", dedupe_key__startswith="delivery:",
                                       object_id__in=[str(pk) for pk in case.deliveries.values_list("pk", flat=True)])


def test_the_consumer_is_told_at_receipt_with_the_tracking_number(make_case):
    case = make_case("submitted", consumer=BY_PHONE)
    sms = _sms(case).get()
    assert case.tracking_number in sms.body and "/complaint/track/" in sms.body
    assert "12315" not in sms.body and "0000-88886666" in sms.body  # the association's own phone


def test_acceptance_is_a_document_emailed_where_there_is_an_email_and_posted_otherwise(make_case):
    emailed = make_case("accepted", consumer=WITH_EMAIL)
    notice = emailed.documents.get(kind="acceptance")
    methods = set(emailed.deliveries.filter(document=notice).values_list("method", flat=True))
    assert methods == {"sms", "email"}
    email = Delivery.objects.get(document=notice, method="email").notification
    assert notice.number in email.body and emailed.number in email.body and email.to_address == WITH_EMAIL["email"]
    posted = make_case("accepted", consumer=BY_PHONE)
    letter = posted.deliveries.get(method="letter", document__kind="acceptance")
    assert (letter.status, letter.address, letter.recipient) == ("queued", BY_PHONE["address"], "张伟")


def test_each_step_is_delivered_once(make_case):
    case = make_case("accepted", consumer=WITH_EMAIL)
    notice = case.documents.get(kind="acceptance")
    before = Delivery.objects.count(), Notification.objects.count()
    case_notify(case=case, step="accepted", document=notice)
    assert (Delivery.objects.count(), Notification.objects.count()) == before


def test_a_rejection_reaches_a_phone_complainant_by_letter(make_case, mediator):
    case = make_case("submitted", consumer=BY_PHONE, channel="phone")
    ground = RejectionGround.objects.filter(is_active=True).first()
    services.case_reject(case_id=case.pk, actor=mediator, grounds=[ground], explanation="商品已过保修期")
    notice = case.documents.get(kind="rejection")
    assert set(case.deliveries.filter(document=notice).values_list("method", flat=True)) == {"sms", "letter"}


def test_the_business_gets_its_documents_in_the_portal_and_by_email(make_sheet):
    sheet = make_sheet()
    rows = sheet.case.deliveries.filter(document=sheet.document, party="business")
    assert set(rows.values_list("method", flat=True)) == {"portal", "email"}
    assert rows.get(method="email").notification.template == "mediation/transfer_sheet"
    assert sheet.case.deliveries.filter(step="transferred", party="consumer", method="sms").exists()


def test_a_failed_delivery_reaches_the_mediator(make_case, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    case = make_case("submitted", consumer=BY_PHONE)
    delivery = case.deliveries.get(method="sms")
    from unittest import mock

    with mock.patch("notifications.channels.SmsChannel.send", side_effect=RuntimeError("gateway down")):
        notification_deliver(notification_id=delivery.notification_id)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.current_status == "failed"
    alert = Notification.objects.get(template="cases/delivery_failed", recipient_user=case.mediator)
    assert "gateway down" in alert.body and delivery.address in alert.body and case.tracking_number in alert.body


def test_the_letter_queue_prints_labels_and_documents_and_records_posting(make_case, client, mediator):
    case = make_case("accepted", consumer=BY_PHONE)
    letter = case.deliveries.get(method="letter")
    client.force_login(mediator)
    url = reverse("admin:cases_delivery_changelist")
    assert "?method__exact=letter&amp;status__exact=queued" in client.get(url).content.decode()
    page = client.get(url + "?method__exact=letter&status__exact=queued").content.decode()
    assert BY_PHONE["address"] in page
    response = client.post(url, {"action": "print_letters", "_selected_action": [letter.pk]})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert BY_PHONE["address"] in text and "张伟" in text and "受理通知书" in text
    assert len(reader.pages) >= 2  # the labels, then the document
    assert letters_mark_posted(delivery_ids=[letter.pk], actor=mediator) == 1
    letter.refresh_from_db()
    assert letter.status == "posted" and letter.posted_on and letter.posted_by == mediator
    assert letters_mark_posted(delivery_ids=[letter.pk], actor=mediator) == 0


def test_the_case_page_shows_where_each_document_went(make_case, client, mediator):
    case = make_case("accepted", consumer=WITH_EMAIL)
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    notice = Document.objects.get(case=case, kind="acceptance")
    assert notice.number in page and WITH_EMAIL["email"] in page and "送达" in page
