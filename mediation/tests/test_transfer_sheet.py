"""Transfer sheets (转办单): issued with the transfer in one transaction, numbered gap-free, frozen, printable,
emailed with a portal link, re-sent on demand."""

import re
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cases import services as case_services
from cases.documents import document_pdf, plain_text
from cases.models import Case
from cases.users import get_system_user
from mediation.models import TransferSheet, TransferSheetDispatch
from mediation.services import transfers
from notifications.models import Notification

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"ZB-\d{4}-\d{6}")


def test_transfer_issues_a_numbered_sheet_with_the_complaint(make_case, mediator, business):
    case = make_case("accepted")
    case = transfers.case_transfer(case_id=case.pk, actor=mediator)
    sheet = TransferSheet.objects.get(case=case)
    assert case.state == "transferred"
    assert sheet.number == f"ZB-{sheet.issued_at.year}-000001"
    assert sheet.business == business and sheet.issued_by == mediator
    assert case.filed_on < sheet.answer_by <= case.due_on
    for expected in (
        case.number,
        business.name,
        "双门冰箱",
        "冰箱不制冷",
        "更换新冰箱",
        "4,299.00元",
        "调解员甲",
        f"{sheet.answer_by:%Y年%-m月%-d日}前",
        "/portal/",
    ):
        assert expected in plain_text(sheet.document), expected
    # the consumer's phone and ID number are masked on a document that goes to the business
    assert "13900001234" not in plain_text(sheet.document) and "139****1234" in plain_text(sheet.document)
    assert "110101199001011234" not in plain_text(sheet.document)
    assert sheet.history.get().history_user == mediator
    assert case.history.first().history_user == mediator


def test_the_sheet_text_is_frozen_as_issued(make_sheet, mediator):
    sheet = make_sheet()
    case = sheet.case
    case.facts = "后来改写的事实"
    case_services.case_update(case=case, actor=mediator, reason="更正", changed=["facts"])
    sheet.refresh_from_db()
    assert "冰箱不制冷" in plain_text(sheet.document) and "后来改写的事实" not in plain_text(sheet.document)
    assert "冰箱不制冷" in _pdf_text(document_pdf(sheet.document))


def test_the_pdf_renders_the_chinese_text(make_sheet, business):
    sheet = make_sheet()
    text = _pdf_text(document_pdf(sheet.document))
    for expected in (
        "消费者投诉转办单",
        sheet.number,
        business.name,
        "冰箱不制冷",
        "更换新冰箱",
        "答复期限",
        "示范市消费者协会",
    ):
        assert expected in text, expected


def _pdf_text(pdf):
    assert pdf.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).replace("\n", "")


def test_the_sheet_is_emailed_to_the_business_contact_with_a_portal_link(
    make_case, mediator, business, django_capture_on_commit_callbacks
):
    case = make_case("accepted")
    with django_capture_on_commit_callbacks(execute=True):
        transfers.case_transfer(case_id=case.pk, actor=mediator)
    sheet = TransferSheet.objects.get(case=case)
    dispatch = sheet.dispatches.get()
    assert (
        dispatch.kind == "issued" and dispatch.to_address == business.email and dispatch.sent_by == mediator
    )
    assert dispatch.notification.status == Notification.Status.SENT
    (message,) = mail.outbox
    assert message.to == [business.email] and sheet.number in message.subject
    link = re.search(r"http://\S+/portal/link/(\d+)/\?sesame=\S+", message.body)
    assert link and int(link.group(1)) == sheet.pk
    assert "冰箱不制冷" in message.body  # the sheet as issued travels with the email
    # the link signs in an account that answers for this business only
    assert sheet.contact_user.businesses.get() == business
    assert not sheet.contact_user.has_usable_password()


def test_a_refused_transfer_issues_nothing_and_keeps_the_numbers_gap_free(make_case, mediator):
    unassigned = make_case("accepted", mediator=None, actor=get_system_user())
    with pytest.raises(ValidationError):
        transfers.case_transfer(case_id=unassigned.pk, actor=mediator)
    assert not TransferSheet.objects.exists() and Case.objects.get(pk=unassigned.pk).state == "accepted"
    sheet = transfers.case_transfer(case_id=make_case("accepted").pk, actor=mediator).transfer_sheet
    assert sheet.number.endswith("-000001")


def test_a_business_user_cannot_transfer(make_case, business_user):
    case = make_case("accepted")
    with pytest.raises(PermissionDenied):
        transfers.case_transfer(case_id=case.pk, actor=business_user)
    assert not TransferSheet.objects.exists()


def test_without_an_email_address_the_sheet_is_issued_but_not_sent(make_case, mediator, business):
    business.email = ""
    business.save()
    sheet = transfers.case_transfer(case_id=make_case("accepted").pk, actor=mediator).transfer_sheet
    assert not sheet.dispatches.exists() and sheet.contact_user is None
    assert not Notification.objects.filter(channel="email").exists()


def test_the_contact_account_is_the_member_with_the_contact_address(
    make_case, mediator, business, business_user
):
    business.email = business_user.email.upper()
    business.save()
    sheet = transfers.case_transfer(case_id=make_case("accepted").pk, actor=mediator).transfer_sheet
    assert sheet.contact_user == business_user


def test_resending_is_recorded_and_sends_a_fresh_link(
    make_sheet, mediator, django_capture_on_commit_callbacks
):
    sheet = make_sheet()
    with django_capture_on_commit_callbacks(execute=True):
        again = transfers.transfer_sheet_resend(
            case_id=sheet.case_id, actor=mediator, to_address="boss@example.com", note="原邮箱退信"
        )
    assert again.kind == TransferSheetDispatch.Kind.RESENT and again.sent_by == mediator
    assert list(sheet.dispatches.values_list("to_address", flat=True)) == [
        sheet.business.email,
        "boss@example.com",
    ]
    assert {h.history_user for h in again.history.all()} == {mediator}
    assert mail.outbox[-1].to == ["boss@example.com"] and "/portal/link/" in mail.outbox[-1].body
    assert Notification.objects.filter(template="mediation/transfer_sheet").count() == 2


def test_resending_needs_the_transfer_permission_and_an_open_case(make_sheet, business_user, mediator):
    sheet = make_sheet()
    with pytest.raises(PermissionDenied):
        transfers.transfer_sheet_resend(case_id=sheet.case_id, actor=business_user)
    case_services.case_withdraw(case_id=sheet.case_id, actor=mediator, reason="撤诉")
    with pytest.raises(ValidationError):
        transfers.transfer_sheet_resend(case_id=sheet.case_id, actor=mediator)
    assert sheet.dispatches.count() == 1


# --- the admin -------------------------------------------------------------------------------------------


def test_the_case_page_transfer_button_issues_the_sheet(client, make_case, mediator):
    case = make_case("accepted")
    client.force_login(mediator)
    response = client.post(reverse("admin:cases_case_act", args=[case.pk, "transfer"]), {"reason": ""})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "transferred"
    assert NUMBER.fullmatch(TransferSheet.objects.get(case=case).number)


def test_the_case_page_shows_the_sheet_resends_it_and_messages_the_business(client, make_sheet, mediator):
    sheet = make_sheet()
    client.force_login(mediator)
    change = reverse("admin:cases_case_change", args=[sheet.case_id])
    page = client.get(change).content.decode()
    assert sheet.number in page and reverse("admin:cases_document_pdf", args=[sheet.document_id]) in page
    for action in ("resend_transfer_sheet", "message_business"):
        assert reverse("admin:cases_case_act", args=[sheet.case_id, action]) in page
    client.post(
        reverse("admin:cases_case_act", args=[sheet.case_id, "resend_transfer_sheet"]), {"to_address": ""}
    )
    assert sheet.dispatches.count() == 2
    client.post(
        reverse("admin:cases_case_act", args=[sheet.case_id, "message_business"]), {"body": "请尽快答复"}
    )
    message = sheet.messages.get()
    assert message.side == "association" and message.author == mediator
    assert Notification.objects.filter(
        template="mediation/association_message", to_address=sheet.business.email
    )
    assert "请尽快答复" in client.get(change).content.decode()


def test_sheet_actions_are_not_offered_without_a_sheet(client, make_case, mediator):
    case = make_case("accepted")  # every transfer issues a sheet: before it, there is none
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert reverse("admin:cases_case_act", args=[case.pk, "resend_transfer_sheet"]) not in page


def test_the_pdf_downloads_from_the_admin_for_staff_only(client, make_sheet, mediator, business_user):
    sheet = make_sheet()
    url = reverse("admin:cases_document_pdf", args=[sheet.document_id])
    client.force_login(business_user)
    assert client.get(url).status_code == 302  # not staff: sent to the admin login
    client.force_login(mediator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{sheet.number}.pdf"' in response["Content-Disposition"]
    assert "冰箱不制冷" in _pdf_text(b"".join(response))


def test_sheet_changelist_and_change_page_cost_the_same_at_any_size(client, make_sheet, mediator):
    client.force_login(mediator)
    url = reverse("admin:mediation_transfersheet_changelist")
    sheets = [make_sheet()]

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = cost()
    sheets += [make_sheet() for _ in range(4)]
    assert cost() == small
    page = client.get(reverse("admin:mediation_transfersheet_change", args=[sheets[0].pk]))
    assert page.status_code == 200 and sheets[0].number in page.content.decode()
