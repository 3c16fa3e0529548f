"""The business portal: sign-in, the list of open sheets, one sheet, the answer — and every way to break in."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Consumer, Document, Evidence
from conftest import PNG
from mediation.links import portal_sheet_link
from mediation.models import BusinessReply, TransferSheet
from mediation.services import transfers
from portal.access import LINK_SCOPE_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _path(link):
    """The emailed absolute link as the test client requests it (path and query)."""
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_login_is_for_business_users_and_lands_on_the_list(client, make_sheet, business_user, mediator):
    sheet = make_sheet()
    response = client.post(
        reverse("portal:login"), {"username": mediator.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session  # staff: not here
    response = client.post(
        reverse("portal:login"), {"username": business_user.username, "password": "pw-for-tests-123"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    page = client.get(reverse("portal:home")).content.decode()
    assert sheet.number in page and "双门冰箱" in page


def test_login_locks_out_the_account_at_this_address_after_failures(client, business_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert (
            client.post(
                reverse("portal:login"), {"username": business_user.username, "password": "x"}
            ).status_code
            == 200
        )
    wrong = client.post(reverse("portal:login"), {"username": business_user.username, "password": "x"})
    assert wrong.status_code == 429 and "15" in wrong.content.decode()
    good = {"username": business_user.username, "password": "pw-for-tests-123"}
    assert client.post(reverse("portal:login"), good).status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited_per_address(client, settings):
    settings.RATE_PORTAL_LOGIN_IP = "2/h"
    statuses = [
        client.post(reverse("portal:login"), {"username": f"u{i}", "password": "x"}).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_pages_need_a_signed_in_business_user(client, make_sheet, mediator):
    sheet = make_sheet()
    response = client.get(reverse("portal:sheet", args=[sheet.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))
    client.force_login(mediator)
    assert client.get(reverse("portal:home")).status_code == 403


def test_a_business_user_has_no_admin(client, business_user):
    client.force_login(business_user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_list_shows_days_left_and_overdue(client, make_sheet, business_user, time_machine):
    sheet = make_sheet()
    client.force_login(business_user)
    left = (sheet.answer_by - timezone.localdate()).days
    assert f"{left} days left" in client.get(reverse("portal:home"), **EN).content.decode()
    time_machine.move_to(
        timezone.make_aware(
            timezone.datetime.combine(sheet.answer_by + timedelta(days=3), timezone.datetime.min.time())
        )
    )
    assert "3 days overdue" in client.get(reverse("portal:home"), **EN).content.decode()


def test_the_sheet_page_masks_the_consumer(client, make_sheet, business_user):
    sheet = make_sheet()
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[sheet.pk])).content.decode()
    assert "张伟" in page and "冰箱不制冷" in page and "更换新冰箱" in page
    assert "13900001234" not in page and "139****1234" in page
    assert "110101199001011234" not in page and "1101**********1234" in page
    pdf = client.get(reverse("portal:sheet_pdf", args=[sheet.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_only_shared_evidence_is_shown_and_downloadable(client, make_sheet, business_user, mediator):
    sheet = make_sheet()
    shared = case_services.evidence_add(
        case_id=sheet.case_id,
        actor=mediator,
        file=SimpleUploadedFile("发票.png", PNG),
        description="购物发票",
        shared_with_business=True,
    )
    private = case_services.evidence_add(
        case_id=sheet.case_id,
        actor=mediator,
        file=SimpleUploadedFile("聊天.png", PNG),
        description="内部笔记照片",
    )
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[sheet.pk])).content.decode()
    assert "购物发票" in page and "内部笔记照片" not in page
    response = client.get(reverse("portal:sheet_evidence", args=[sheet.pk, shared.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert client.get(reverse("portal:sheet_evidence", args=[sheet.pk, private.pk])).status_code == 404


def test_answering_with_an_offer_through_the_portal(client, make_sheet, business_user):
    sheet = make_sheet()
    client.force_login(business_user)
    url = reverse("portal:sheet_reply", args=[sheet.pk])
    response = client.post(
        url, {"kind": "offer", "remedy": "refund", "amount": "", "explanation": "同意退款"}, **EN
    )
    assert response.status_code == 400  # a refund needs its amount; what was typed is still there
    assert "同意退款" in response.content.decode() and "State the amount" in response.content.decode()
    assert Case.objects.get(pk=sheet.case_id).state == "transferred"
    response = client.post(
        url, {"kind": "offer", "remedy": "refund", "amount": "4299", "explanation": "同意退款"}
    )
    assert response.status_code == 302
    assert BusinessReply.objects.get().amount == Decimal("4299")
    assert Case.objects.get(pk=sheet.case_id).state == "replied"
    page = client.get(reverse("portal:sheet", args=[sheet.pk])).content.decode()
    assert 'data-reply-kind="offer"' in page and reverse("portal:sheet_reply", args=[sheet.pk]) not in page


def test_uploads_are_checked_by_content(client, make_sheet, business_user):
    sheet = make_sheet()
    client.force_login(business_user)
    url = reverse("portal:sheet_evidence_upload", args=[sheet.pk])
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 this is a program, not a photo")
    response = client.post(url, {"file": fake, "description": "假照片"})
    assert response.status_code == 400 and not Evidence.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("维修单", PNG), "description": "维修单"})
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (
        item.content_type == "image/png" and item.shared_with_business and item.uploaded_by == business_user
    )


def test_messages_from_the_portal(client, make_sheet, business_user):
    sheet = make_sheet()
    client.force_login(business_user)
    client.post(reverse("portal:sheet_message", args=[sheet.pk]), {"body": "已电话联系消费者"})
    assert "已电话联系消费者" in client.get(reverse("portal:sheet", args=[sheet.pk])).content.decode()


# --- break-in attempts ----------------------------------------------------------------------------------


def _other_businesses_sheet(make_case, other_business, mediator):
    case = make_case("accepted", business=other_business)
    return transfers.case_transfer(case_id=case.pk, actor=mediator).transfer_sheet


def test_another_businesss_sheet_is_not_found_by_id(
    client, make_sheet, make_case, other_business, business_user, mediator
):
    make_sheet()
    foreign = _other_businesses_sheet(make_case, other_business, mediator)
    evidence = case_services.evidence_add(
        case_id=foreign.case_id,
        actor=mediator,
        file=SimpleUploadedFile("a.png", PNG),
        shared_with_business=True,
    )
    client.force_login(business_user)
    assert foreign.number not in client.get(reverse("portal:home")).content.decode()
    for name, args in [
        ("portal:sheet", [foreign.pk]),
        ("portal:sheet_pdf", [foreign.pk]),
        ("portal:sheet_evidence", [foreign.pk, evidence.pk]),
        ("portal:sheet", [foreign.pk + 1000]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for name, data in [
        ("portal:sheet_reply", {"kind": "accept"}),
        ("portal:sheet_message", {"body": "hi"}),
        ("portal:sheet_evidence_upload", {"file": SimpleUploadedFile("a.png", PNG)}),
    ]:
        assert client.post(reverse(name, args=[foreign.pk]), data).status_code == 404, name
    assert Case.objects.get(pk=foreign.case_id).state == "transferred"
    assert not foreign.messages.exists() and Evidence.objects.filter(case_id=foreign.case_id).count() == 1


def test_own_sheet_with_another_cases_evidence_id_is_not_found(
    client, make_sheet, make_case, other_business, business_user, mediator
):
    own = make_sheet()
    foreign = _other_businesses_sheet(make_case, other_business, mediator)
    evidence = case_services.evidence_add(
        case_id=foreign.case_id,
        actor=mediator,
        file=SimpleUploadedFile("a.png", PNG),
        shared_with_business=True,
    )
    client.force_login(business_user)
    assert client.get(reverse("portal:sheet_evidence", args=[own.pk, evidence.pk])).status_code == 404


def test_the_emailed_link_lands_on_its_sheet_and_keeps_to_that_business(
    client, make_sheet, make_case, business, other_business, mediator
):
    sheet = make_sheet()
    # the contact account also answers for a second business; a session from the link still keeps to the first
    foreign = _other_businesses_sheet(make_case, other_business, mediator)
    other_business.members.add(sheet.contact_user)
    response = client.get(_path(portal_sheet_link(sheet)))
    assert response.status_code == 302 and response["Location"] == reverse("portal:sheet", args=[sheet.pk])
    assert client.session[LINK_SCOPE_KEY] == business.pk
    assert sheet.number in client.get(response["Location"]).content.decode()
    home = client.get(reverse("portal:home")).content.decode()
    assert sheet.number in home and foreign.number not in home
    assert client.get(reverse("portal:sheet", args=[foreign.pk])).status_code == 404


def test_a_link_works_only_for_its_own_sheet(client, make_sheet, make_case, other_business, mediator):
    sheet, second_same_business = make_sheet(), make_sheet()
    foreign = _other_businesses_sheet(make_case, other_business, mediator)
    token = portal_sheet_link(sheet).split("?", 1)[1]
    for target in (second_same_business, foreign):
        response = client.get(f"{reverse('portal:sheet_link', args=[target.pk])}?{token}")
        assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_tampered_missing_and_expired_links_are_refused(client, make_sheet, time_machine):
    sheet = make_sheet()
    link = _path(portal_sheet_link(sheet))
    base, token = link.split("?sesame=")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (f"{base}?sesame={tampered}", base, f"{base}?sesame="):
        assert client.get(bad).status_code == 403, bad
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert client.get(link).status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_link_dies_with_the_account_or_its_membership(client, make_sheet):
    sheet = make_sheet()
    link = _path(portal_sheet_link(sheet))
    sheet.business.members.remove(sheet.contact_user)
    assert client.get(link).status_code == 403
    sheet.business.members.add(sheet.contact_user)
    sheet.contact_user.is_active = False
    sheet.contact_user.save()
    assert client.get(link).status_code == 403


def test_forms_are_csrf_protected(make_sheet, business_user):
    sheet = make_sheet()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(business_user)
    response = browser.post(reverse("portal:sheet_reply", args=[sheet.pk]), {"kind": "accept"})
    assert response.status_code == 403 and Case.objects.get(pk=sheet.case_id).state == "transferred"
    assert (
        Client(enforce_csrf_checks=True).post(reverse("portal:login"), {"username": "x"}).status_code == 403
    )


# --- cost ------------------------------------------------------------------------------------------------


def _bulk_sheets(n, business, mediator, start):
    consumers = Consumer.objects.bulk_create(
        [Consumer(name=f"消费者{i}", phone=f"1380000{i:04d}") for i in range(start, start + n)]
    )
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        [
            Case(
                consumer=c,
                business=business,
                mediator=mediator,
                channel="online",
                nature="quality",
                category="food",
                product=f"商品{i}",
                facts="事实",
                demand_type="refund",
                demand="退款",
                state="transferred",
                number=f"TS-2026-{start + i + 1:06d}",
                filed_on=today,
                due_on=today + timedelta(days=15),
                transferred_at=timezone.now(),
            )
            for i, c in enumerate(consumers)
        ]
    )
    documents = Document.objects.bulk_create(
        [
            Document(case=case, kind="transfer_sheet", number=f"ZB-2026-{start + i + 1:06d}", title="转办单",
                     text="转办单", issued_by=mediator, issued_on=today)
            for i, case in enumerate(cases)
        ]
    )
    TransferSheet.objects.bulk_create(
        [
            TransferSheet(
                case=case,
                business=business,
                number=document.number,
                document=document,
                answer_by=today + timedelta(days=(i % 20) - 10),
                issued_by=mediator,
                issued_at=timezone.now(),
            )
            for i, (case, document) in enumerate(zip(cases, documents, strict=True))
        ]
    )
    return TransferSheet.objects.filter(business=business).order_by("pk").first()


def _cost(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_portal_pages_cost_the_same_at_10_and_1000_sheets(client, business, business_user, mediator):
    first = _bulk_sheets(10, business, mediator, 0)
    client.force_login(business_user)
    home, sheet_page = reverse("portal:home"), reverse("portal:sheet", args=[first.pk])
    small = (_cost(client, home), _cost(client, sheet_page))
    _bulk_sheets(990, business, mediator, 10)
    large = (_cost(client, home), _cost(client, sheet_page), _cost(client, home + "?page=20"))
    assert large == (*small, small[0]), (small, large)
    assert small[0] <= 8 and small[1] <= 12
    assert TransferSheet.objects.filter(business=business).count() == 1000


def test_several_users_of_one_business_see_the_same_sheets(client, make_sheet, business):
    sheet = make_sheet()
    colleague = UserFactory()
    colleague.groups.add(Group.objects.get(name="business"))
    business.members.add(colleague)
    client.force_login(colleague)
    assert sheet.number in client.get(reverse("portal:home")).content.decode()
    assert re.search(r"ZB-\d{4}-\d{6}", client.get(reverse("portal:sheet", args=[sheet.pk])).content.decode())
