"""The consumers' public pages: the online complaint, the receipt, tracking, answering the offer, rating."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Business, Case, Evidence, RejectionGround
from cases.users import get_system_user
from conftest import PDF_BYTES, PNG
from mediation.models import FollowUp
from mediation.services import transfers
from notifications.models import Notification
from portal import tracking
from portal.services import PRIVACY_NOTICE_VERSION

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _complaint(**overrides):
    data = {
        "consumer_name": "李娜",
        "consumer_phone": "13800138000",
        "consumer_id_number": "110101199001011234",
        "consumer_address": "示范市东路1号",
        "consumer_email": "",
        "business_name": "示范电器商场",
        "business_address": "示范市中山路88号",
        "business_phone": "",
        "product": "电饭煲",
        "purchased_on": "2026-03-01",
        "amount_paid": "399.00",
        "category": "household_appliances",
        "nature": "quality",
        "facts": "使用一周后无法加热",
        "demand_type": "replacement",
        "demand": "更换新电饭煲",
        "amount_claimed": "",
        "consent": "on",
        "website": "",
    }
    return data | overrides


def _file(client, **overrides):
    return client.post(reverse("public:complaint"), _complaint(**overrides))


def _receipt(client):
    page = client.get(reverse("public:receipt")).content.decode()
    number = re.search(r'id="tracking-number"[^>]*>([^<]+)<', page).group(1)
    secret = re.search(r'id="tracking-secret"[^>]*>([^<]+)<', page).group(1)
    return number, secret


def test_an_online_complaint_becomes_a_submitted_case_with_a_receipt(client):
    evidence = [SimpleUploadedFile("发票.png", PNG), SimpleUploadedFile("说明书.pdf", PDF_BYTES)]
    response = client.post(reverse("public:complaint"), _complaint(evidence=evidence))
    assert response.status_code == 302 and response["Location"] == reverse("public:receipt")
    case = Case.objects.get()
    assert case.state == "submitted" and case.channel == "online" and case.consumer.name == "李娜"
    assert (
        case.product == "电饭煲"
        and case.amount_paid == Decimal("399.00")
        and case.purchased_on == date(2026, 3, 1)
    )
    record = case.history.get()
    # recorded as the system user, with the version of the privacy notice the consumer accepted
    assert record.history_user == get_system_user() and PRIVACY_NOTICE_VERSION in record.history_change_reason
    assert sorted(Evidence.objects.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]
    business = Business.objects.get()
    assert business.name == "示范电器商场" and case.business == business
    number, secret = _receipt(client)
    assert number == tracking.tracking_number(case) and re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", secret)
    # only a hash of the secret is kept, and the receipt is shown once
    assert case.tracking_secret_hash == tracking.secret_hash(secret) and secret.replace("-", "") not in str(
        list(Case.objects.values())
    )
    assert client.get(reverse("public:receipt")).status_code == 302


def test_the_complaint_names_an_existing_business_by_its_name(client, business):
    _file(client, business_name=f"  {business.name} ")
    assert Case.objects.get().business == business and Business.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"consent": ""}, "privacy notice"),
        ({"consumer_phone": "call me"}, "valid phone"),
        ({"purchased_on": (date.today() + timedelta(days=3)).isoformat()}, "future"),
        ({"facts": ""}, "required"),
        ({"website": "http://spam.example"}, "empty"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_stays(client, overrides, error):
    response = client.post(reverse("public:complaint"), _complaint(**overrides), **EN)
    assert response.status_code == 400 and error in response.content.decode()
    assert "使用一周后无法加热" in response.content.decode() or not overrides.get("facts", True)
    assert not Case.objects.exists() and not Business.objects.exists()


def test_evidence_is_checked_by_content_not_by_name(client):
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not a photo")
    response = client.post(reverse("public:complaint"), _complaint(evidence=[fake]), **EN)
    assert response.status_code == 400 and "not accepted" in response.content.decode()
    assert not Case.objects.exists() and not Evidence.objects.exists()
    too_many = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(6)]
    assert client.post(reverse("public:complaint"), _complaint(evidence=too_many)).status_code == 400


def test_filing_is_rate_limited_without_a_captcha(client, settings):
    settings.RATE_COMPLAINT_IP = "2/h"
    assert _file(client, consent="").status_code == 400  # mistakes being fixed do not count
    assert [_file(client).status_code for _ in range(3)] == [302, 302, 429]
    assert Case.objects.count() == 2


def test_the_pages_switch_to_english(client):
    assert 'lang="zh-Hans"' in client.get(reverse("public:complaint")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("public:complaint")})
    page = client.get(reverse("public:complaint")).content.decode()
    assert '<html lang="en">' in page and "File a consumer complaint" in page


def test_the_complaint_form_is_csrf_protected():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("public:complaint"), _complaint()).status_code == 403
    page = browser.get(reverse("public:complaint")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'enctype="multipart/form-data"' in page


# --- tracking --------------------------------------------------------------------------------------------


def _filed(client):
    _file(client)
    number, secret = _receipt(client)
    client.post(reverse("public:track_leave"))
    return Case.objects.get(), number, secret


def _track(client, number, secret):
    return client.post(reverse("public:track"), {"s-number": number, "s-secret": secret})


def test_number_and_secret_open_the_progress_page(client):
    case, number, secret = _filed(client)
    assert client.get(reverse("public:status")).status_code == 302  # nothing granted yet
    response = _track(client, number.lower(), secret.replace("-", " ").lower())
    assert response.status_code == 302 and response["Location"] == reverse("public:status")
    page = client.get(reverse("public:status")).content.decode()
    assert number in page and "电饭煲" in page
    assert (
        'data-step="received" data-status="done"' in page
        and 'data-step="screening" data-status="current"' in page
    )
    # nothing personal beyond what the consumer needs
    assert "13800138000" not in page and "110101199001011234" not in page


def test_a_wrong_or_borrowed_secret_opens_nothing(client):
    case, number, secret = _filed(client)
    other_client = Client()
    _file(other_client, consumer_name="王芳")
    other_number, other_secret = _receipt(other_client)
    for n, s in [
        (number, "AAAA-BBBB-CCCC-DDDD"),
        (number, other_secret),
        (other_number, secret),
        ("WS99999999", secret),
        ("TS-2026-000001", secret),
    ]:
        assert _track(client, n, s).status_code == 400, (n, s)
        assert client.get(reverse("public:status")).status_code == 302


def test_the_case_number_works_once_filed(client, mediator):
    case, number, secret = _filed(client)
    Case.objects.filter(pk=case.pk).update(mediator=mediator)
    case = case_services.case_accept(case_id=case.pk, actor=mediator)
    assert _track(client, case.number, secret).status_code == 302
    page = client.get(reverse("public:status")).content.decode()
    assert case.number in page and 'data-step="screening" data-status="done"' in page


def test_tracking_is_rate_limited_per_number(client, settings):
    settings.RATE_TRACKING_NUMBER = "3/h"
    case, number, secret = _filed(client)
    assert [_track(client, number, "WRONG-SECRET").status_code for _ in range(3)] == [400, 400, 400]
    assert _track(client, number, secret).status_code == 429


def test_number_and_phone_send_a_code_by_sms(client):
    case, number, _secret = _filed(client)
    response = client.post(reverse("public:track"), {"p-number": number, "p-phone": "138 0013 8000"})
    assert response["Location"] == reverse("public:track_code")
    sms = Notification.objects.get(channel="sms", template="portal/tracking_code")
    assert sms.to_address == "13800138000"
    code = re.search(r"\d{6}", sms.body).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert client.post(reverse("public:track_code"), {"code": wrong}).status_code == 400
    assert client.post(reverse("public:track_code"), {"code": code})["Location"] == reverse("public:status")
    assert "电饭煲" in client.get(reverse("public:status")).content.decode()


def test_a_wrong_phone_gets_the_same_answer_and_no_sms(client):
    case, number, _secret = _filed(client)
    response = client.post(reverse("public:track"), {"p-number": number, "p-phone": "13900000000"})
    assert response["Location"] == reverse("public:track_code")
    assert not Notification.objects.filter(channel="sms", template="portal/tracking_code").exists()
    for code in ("000000", "123456"):
        client.post(reverse("public:track_code"), {"code": code})
    assert client.get(reverse("public:status")).status_code == 302


def test_codes_allow_five_tries(client):
    case, number, _secret = _filed(client)
    client.post(reverse("public:track"), {"p-number": number, "p-phone": "13800138000"})
    code = re.search(r"\d{6}", Notification.objects.get(channel="sms", template="portal/tracking_code").body).group(0)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(reverse("public:track_code"), {"code": wrong})
    response = client.post(reverse("public:track_code"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("public:track")
    assert client.get(reverse("public:status")).status_code == 302


def test_the_grant_expires(client, time_machine):
    case, number, secret = _filed(client)
    _track(client, number, secret)
    time_machine.move_to(timezone.now() + timedelta(minutes=31))
    assert client.get(reverse("public:status")).status_code == 302


def test_a_rejected_complaint_shows_the_notice(client, mediator):
    case, number, secret = _filed(client)
    case_services.case_reject(
        case_id=case.pk,
        actor=mediator,
        grounds=[RejectionGround.objects.filter(is_active=True).first()],
        explanation="未先与经营者协商",
    )
    _track(client, number, secret)
    page = client.get(reverse("public:status")).content.decode()
    assert 'data-step="screening" data-status="failed"' in page and "未先与经营者协商" in page
    assert "不予受理告知书" in page


# --- the offer and the rating ----------------------------------------------------------------------------


@pytest.fixture
def offered(client, make_sheet, business_user):
    """A consumer with a granted tracking session on a case the business answered with an offer."""
    sheet = make_sheet()
    secret = tracking.new_secret()
    Case.objects.filter(pk=sheet.case_id).update(tracking_secret_hash=tracking.secret_hash(secret))
    transfers.business_reply_submit(
        sheet_id=sheet.pk,
        actor=business_user,
        kind="offer",
        remedy="refund",
        amount=Decimal("2000"),
        explanation="退还部分货款",
    )
    assert _track(client, tracking.tracking_number(sheet.case), secret).status_code == 302
    return sheet


def test_the_consumer_accepts_the_offer_and_rates_the_handling(client, offered):
    page = client.get(reverse("public:status")).content.decode()
    assert 'data-step="answer" data-status="current"' in page and "2000" in page and "退还部分货款" in page
    assert reverse("public:respond") in page
    assert (
        client.post(reverse("public:respond"), {"decision": "accept", "comment": "同意"}).status_code == 302
    )
    case = Case.objects.get(pk=offered.case_id)
    assert case.state == "resolved" and case.money_recovered == Decimal("2000")
    page = client.get(reverse("public:status")).content.decode()
    assert 'data-step="outcome" data-status="done"' in page and reverse("public:rate") in page
    assert client.post(reverse("public:rate"), {"satisfaction": "5", "comment": "很满意"}).status_code == 302
    follow_up = FollowUp.objects.get(case=case)
    assert (follow_up.channel, follow_up.satisfaction, follow_up.comment) == ("online", 5, "很满意")
    page = client.get(reverse("public:status")).content.decode()
    assert 'data-rated="5"' in page and reverse("public:rate") not in page
    response = client.post(reverse("public:rate"), {"satisfaction": "1"})
    assert response.status_code == 400 and FollowUp.objects.get().satisfaction == 5


def test_the_consumer_refuses_the_offer(client, offered):
    client.post(reverse("public:respond"), {"decision": "refuse", "comment": "金额不够"})
    assert Case.objects.get(pk=offered.case_id).state == "mediating"
    page = client.get(reverse("public:status")).content.decode()
    assert 'data-step="mediation" data-status="current"' in page
    response = client.post(reverse("public:respond"), {"decision": "accept"})
    assert response.status_code == 400 and Case.objects.get(pk=offered.case_id).state == "mediating"


def test_an_incomplete_answer_keeps_the_comment(client, offered):
    response = client.post(reverse("public:respond"), {"comment": "我再想想"})
    assert response.status_code == 400 and "我再想想" in response.content.decode()
    assert Case.objects.get(pk=offered.case_id).state == "replied"


def test_answers_need_a_granted_session(offered):
    stranger = Client()
    assert stranger.post(reverse("public:respond"), {"decision": "accept"})["Location"] == reverse(
        "public:track"
    )
    assert Case.objects.get(pk=offered.case_id).state == "replied"
