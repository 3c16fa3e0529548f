"""Documents where their readers are, in a real browser: the consumer downloads the rejection notice and the
agreement from the tracking page, the business sees its 催办 in the portal, the mediator sees on the case page
where each document went (the delivery records)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from cases import services as cases
from cases.models import RejectionGround
from mediation.services import outcomes, transfers
from portal.services import complaint_submit_online
from portal.tests.test_browser import _admin_login, _click_and_wait, _fill, _submit, browser  # noqa: F401
from reminders.services import deadlines_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COMPLAINT = dict(
    product="电热水壶", purchased_on="2026-05-01", amount_paid=Decimal("199.00"), category="household_appliances",
    nature="quality", facts="使用三次后底座漏电", demand_type="refund", demand="退货退款", amount_claimed=Decimal("199.00"),
)


def _online(name, phone):
    return complaint_submit_online(
        consumer={"name": name, "phone": phone, "address": "示范市幸福路3号"},
        business={"name": "示范小家电店", "address": "示范市光明路2号"},
        **COMPLAINT,
    )


def _track(driver, url, case, secret):
    driver.delete_all_cookies()
    driver.get(f"{url}/complaint/track/")
    _fill(driver, {"id_s-number": case.tracking_number, "id_s-secret": secret})
    _submit(driver, "main form[aria-labelledby=by-secret]")


def _download(driver, kind):
    """Fetch the document's link with the page's own session: (content type, first bytes, size)."""
    from selenium.webdriver.common.by import By

    link = driver.find_element(By.CSS_SELECTOR, f"#documents li[data-kind={kind}] a")
    return driver.execute_async_script(
        """const done = arguments[1];
        fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done(
            [r.headers.get('content-type'), String.fromCharCode(...new Uint8Array(b.slice(0, 5))), b.byteLength])));""",
        link.get_attribute("href"),
    )


def test_the_consumer_downloads_the_rejection_notice_and_the_agreement(browser, live_server, settings, mediator):  # noqa: F811
    settings.PUBLIC_BASE_URL = live_server.url
    rejected, secret = _online("买买提·艾力", "13600136001")
    ground = RejectionGround.objects.filter(is_active=True).first()
    cases.case_reject(case_id=rejected.pk, actor=mediator, grounds=[ground], explanation="已超过三包期限")
    _track(browser, live_server.url, rejected, secret)
    content_type, head, size = _download(browser, "rejection")
    assert content_type == "application/pdf" and head == "%PDF-" and size > 10_000
    assert "不予受理告知书" in browser.page_source

    agreed, secret = _online("周丽", "13600136002")
    cases.case_accept(case_id=agreed.pk, actor=mediator)
    transfers.case_transfer(case_id=agreed.pk, actor=mediator)
    cases.case_start_mediation(case_id=agreed.pk, actor=mediator, reason="直接调解")
    outcomes.outcome_resolve(case_id=agreed.pk, actor=mediator, remedies=[{"kind": "refund", "amount": Decimal("199")}])
    _track(browser, live_server.url, agreed, secret)
    content_type, head, size = _download(browser, "agreement")
    assert content_type == "application/pdf" and head == "%PDF-"
    assert "受理通知书" in browser.page_source  # the acceptance notice is there too


def test_the_business_sees_its_urging_notice_in_the_portal(browser, live_server, settings, make_sheet, business_user):  # noqa: F811
    from selenium.webdriver.common.by import By

    settings.PUBLIC_BASE_URL = live_server.url
    sheet = make_sheet()
    deadlines_sweep(today=sheet.answer_by + timedelta(days=1), dispatch=False)
    urging = sheet.case.documents.get(kind="urging")
    browser.get(f"{live_server.url}/portal/login/")
    _fill(browser, {"id_username": business_user.username, "id_password": "pw-for-tests-123"})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    browser.get(f"{live_server.url}/portal/sheets/{sheet.pk}/")
    item = browser.find_element(By.CSS_SELECTOR, "#documents li[data-kind=urging]")
    assert "催办通知书" in item.text and urging.official_number in item.text
    content_type, head, _size = _download(browser, "urging")
    assert content_type == "application/pdf" and head == "%PDF-"
    assert sheet.case.deliveries.get(document=urging, method="portal").status == "delivered"


def test_the_mediator_sees_where_each_document_went(browser, live_server, settings, make_case, mediator, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    settings.PUBLIC_BASE_URL = live_server.url
    case = make_case("accepted", consumer={"name": "张伟", "phone": "13900001234", "address": "示范市幸福路12号"})
    _admin_login(browser, live_server.url, mediator, f"/admin/cases/case/{case.pk}/change/")
    rows = browser.find_elements(By.CSS_SELECTOR, "[id^=deliveries] tr, .inline-group tr")
    text = " ".join(row.text for row in rows)
    notice = case.documents.get(kind="acceptance")
    assert notice.number in text and "13900001234" in text and "示范市幸福路12号" in text
    browser.save_screenshot(str(tmp_path / "deliveries.png"))
