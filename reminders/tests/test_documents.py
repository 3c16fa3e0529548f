"""The one document model: every issued kind is one cases.Document with a stored PDF; the seams between a sheet,
its urging notice and their documents; who may download which document."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases import services as case_services
from cases.documents import document_pdf
from cases.models import Document, RejectionGround
from core.dates import cn_date
from mediation.services import outcomes
from reminders.models import UrgingNotice

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def _text(document):
    return "".join(p.extract_text() for p in PdfReader(BytesIO(document_pdf(document))).pages).replace("\n", "")


def test_every_kind_is_one_document_with_a_stored_pdf(travel, sweep, make_case, make_sheet, mediator, business_user):
    from cases.models import DocumentKind, TerminationGround
    from mediation.services import transfers

    supplement = make_case("submitted")
    case_services.case_request_supplement(case_id=supplement.pk, actor=mediator, missing="购物发票；商品照片")
    rejected = make_case("submitted")
    ground = RejectionGround.objects.filter(is_active=True).first()
    case_services.case_reject(case_id=rejected.pk, actor=mediator, grounds=[ground], explanation="商品已过保修期")
    transferred = make_case("transferred")
    travel(transferred.due_on + DAY)
    sweep()
    resolved = make_case("mediating")
    outcomes.outcome_resolve(case_id=resolved.pk, actor=mediator, remedies=[{"kind": "refund", "amount": 4299}])
    make_case("appraisal")
    terminated = make_case("mediating")
    outcomes.outcome_terminate(case_id=terminated.pk, actor=mediator, ground=TerminationGround.objects.first(),
                               channel="court", explanation="双方分歧较大")
    case_services.case_close(case_id=terminated.pk, actor=mediator, note="结案")
    sheet = make_sheet()
    transfers.business_reply_submit(sheet_id=sheet.pk, actor=business_user, kind="offer", remedy="replacement",
                                    amount=None, explanation="同意更换新机")
    transfers.consumer_offer_respond(case_id=sheet.case_id, accept=True)

    documents = {d.kind: d for d in Document.objects.all()}
    assert sorted(documents) == sorted(DocumentKind.values)
    for kind, document in documents.items():
        assert document.number.startswith(f"{DocumentKind(kind).prefix}-")
        text = _text(document)
        assert document.number in text and document.official_number in text, kind
        assert "〔2026〕第" in document.official_number
        assert "示范市消费者协会" in text and "第 1 页 共" in text, kind
        assert ("盖章处" in text) == (kind != "case_file"), kind
        document.refresh_from_db()
        assert document.pdf, kind  # stored (the urging notice's on its first reading)
    assert ground.label_zh in _text(documents["rejection"]) and rejected.consumer.name in _text(documents["rejection"])
    assert "人民币肆仟贰佰玖拾玖元整" in _text(documents["agreement"])
    assert "购物发票" in _text(documents["supplement"]) and "商品照片" in _text(documents["supplement"])
    assert "第三十七条第一款第（七）项" in _text(documents["termination"])
    assert "终止调解告知书" in _text(documents["case_file"])  # the contents list names the case's documents


def test_the_sheet_pdf_and_the_sheet_agree_and_its_urging_notice_cites_it(travel, sweep, make_case):
    case = make_case("transferred")
    sheet = case.transfer_sheet
    assert sheet.number == sheet.document.number and sheet.document.case_id == case.pk
    sheet_text = _text(sheet.document)
    assert sheet.number in sheet_text and f"{cn_date(sheet.answer_by)}前" in sheet_text

    travel(case.due_on + DAY)
    sweep()
    notice = UrgingNotice.objects.get()
    assert notice.number == notice.document.number
    notice_text = _text(notice.document)
    assert sheet.number in notice_text and notice.number in notice_text
    assert ["转办单编号", sheet.number] in notice.document.fields


def test_downloads_are_checked(client, make_sheet, mediator, business_user, other_business_user, travel, sweep):
    sheet = make_sheet()
    admin_url = reverse("admin:cases_document_pdf", args=[sheet.document_id])
    portal_url = reverse("portal:sheet_pdf", args=[sheet.pk])

    assert client.get(admin_url).status_code == 302  # anonymous: to the login page
    assert client.get(portal_url).status_code in (302, 403, 404)

    client.force_login(business_user)
    assert client.get(portal_url).status_code == 200
    assert client.get(admin_url).status_code == 302  # no admin for a business user, not even its own sheet

    client.force_login(other_business_user)
    assert client.get(portal_url).status_code == 404  # another business's sheet looks missing

    client.force_login(mediator)
    response = client.get(admin_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_consumer_gets_only_their_rejection_notice(client, make_case, mediator):
    case = make_case("submitted")
    ground = RejectionGround.objects.filter(is_active=True).first()
    case_services.case_reject(case_id=case.pk, actor=mediator, grounds=[ground], explanation="超过三包期")
    url = reverse("public:rejection_pdf")
    assert client.get(url).status_code == 302  # no case granted in this session
