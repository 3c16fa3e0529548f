"""The whole path in a real browser (headless Chromium through Selenium): a consumer files a complaint on the
public form, a mediator accepts and transfers it in the admin, the business opens the portal through the emailed
link and answers with an offer, the consumer accepts it and rates the handling, and the tracking page shows each
step. CI must run it (.ci/run installs Chromium); elsewhere it is skipped only when Chromium is absent."""

import os
import re
import shutil
import time
from decimal import Decimal

import pytest
from django.core import mail

from cases.models import Case
from conftest import PNG
from mediation.models import FollowUp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("CI"):
            pytest.fail(
                "CI must run the browser test: .ci/run installs chromium and chromium-driver with apt-get."
            )
        pytest.skip("headless Chromium is not installed here (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--lang=zh-CN",
        "--window-size=420,900",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _fill(driver, values):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    for element_id, value in values.items():
        element = driver.find_element(By.ID, element_id)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        elif element.get_attribute("type") == "date":
            driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)


def _click_and_wait(driver, element):
    """Click, then wait until the next page has loaded: the old page's window carries a marker the new one lacks.

    (Selenium's staleness_of can raise instead of returning while Chromium swaps the documents.)"""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__leaving = true")
    element.click()
    WebDriverWait(driver, 15, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script("return !window.__leaving && document.readyState === 'complete'")
    )


def _submit(driver, form_selector="main form"):
    from selenium.webdriver.common.by import By

    selector = f"{form_selector} button[type=submit], {form_selector} input[type=submit]"
    _click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, selector))


def _steps(driver):
    from selenium.webdriver.common.by import By

    return {
        li.get_attribute("data-step"): li.get_attribute("data-status")
        for li in driver.find_elements(By.CSS_SELECTOR, "ol.steps li")
    }


def _wait_for(condition, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def _admin_login(browser, url, user, next_url):
    from selenium.webdriver.common.by import By

    browser.get(f"{url}/admin/login/?next={next_url}")
    _fill(browser, {"id_username": user.username, "id_password": "pw-for-tests-123"})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))


def _act(browser, case, action, values=None):
    """Press the case page's button for `action`, fill its form, submit; back on the case page."""
    from selenium.webdriver.common.by import By

    change = f"/admin/cases/case/{case.pk}/change/"
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"a[href='/admin/cases/case/{case.pk}/act/{action}/']"))
    _fill(browser, values or {})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#content-main form input[type=submit]"))
    assert browser.current_url.endswith(change), browser.find_element(By.ID, "content-main").text


def test_a_mediator_alone_takes_an_online_complaint_to_an_agreement(browser, live_server, settings, mediator):
    """No supervisor anywhere: the mediator claims the new online complaint, accepts, transfers, mediates and
    records the agreement in the admin; the case ends resolved with its 调解协议书."""
    from selenium.webdriver.common.by import By

    from portal.services import complaint_submit_online

    settings.PUBLIC_BASE_URL = live_server.url
    case, _secret = complaint_submit_online(
        consumer={"name": "吴刚", "phone": "13600136000", "address": "示范市光明路2号"},
        business={"name": "示范眼镜店", "address": "示范市光明路1号"},
        product="近视眼镜", purchased_on="2026-04-01", amount_paid=Decimal("880.00"), category="household_appliances",
        nature="quality", facts="镜片一周内脱膜", demand_type="replacement", demand="更换镜片", amount_claimed=Decimal("880.00"),
    )
    assert case.mediator is None
    _admin_login(browser, live_server.url, mediator, f"/admin/cases/case/{case.pk}/change/")
    _act(browser, case, "claim")
    assert Case.objects.get(pk=case.pk).mediator == mediator
    _act(browser, case, "accept")
    _act(browser, case, "transfer")
    _act(browser, case, "start_mediation", {"id_reason": "企业未在答复期限内答复，直接调解"})
    _act(browser, case, "resolve", {"id_replacement_details": "更换同款镜片", "id_terms": "经营者为消费者免费更换镜片"})
    case.refresh_from_db()
    assert case.state == "resolved" and case.mediator == mediator
    assert case.documents.filter(kind="agreement").exists()
    assert "调解成功" in browser.find_element(By.CSS_SELECTOR, ".case-state-label").text


def test_complaint_to_offer_accepted_in_a_browser(
    browser, live_server, settings, mediator, business, tmp_path
):
    from selenium.webdriver.common.by import By

    settings.PUBLIC_BASE_URL = live_server.url
    url = live_server.url

    # 1. The consumer files the complaint on the public form, with a photo as evidence.
    browser.get(f"{url}/complaint/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    photo = tmp_path / "发票.png"
    photo.write_bytes(PNG)
    _fill(
        browser,
        {
            "id_consumer_name": "周丽",
            "id_consumer_phone": "13700137000",
            "id_consumer_id_number": "310101199202021234",
            "id_consumer_address": "示范市人民路8号",
            "id_business_name": business.name,
            "id_business_address": business.address,
            "id_product": "智能手表",
            "id_purchased_on": "2026-04-01",
            "id_amount_paid": "1299.00",
            "id_category": "household_appliances",
            "id_nature": "quality",
            "id_facts": "收到后屏幕无法点亮",
            "id_demand_type": "refund",
            "id_demand": "退货退款",
            "id_amount_claimed": "1299.00",
        },
    )
    browser.find_element(By.ID, "id_evidence").send_keys(str(photo))
    browser.find_element(By.ID, "id_consent").click()
    _submit(browser, "main form[enctype]")
    number = browser.find_element(By.ID, "tracking-number").text
    secret = browser.find_element(By.ID, "tracking-secret").text
    case = Case.objects.get()
    assert case.state == "submitted" and case.evidence.get().content_type == "image/png"

    # 2. A mediator accepts it (and so takes it on) and transfers it in the admin: nobody assigned it.
    assert case.mediator is None
    browser.delete_all_cookies()
    _admin_login(browser, url, mediator, f"/admin/cases/case/{case.pk}/change/")
    for action in ("accept", "transfer"):
        _act(browser, case, action)
    case.refresh_from_db()
    assert case.state == "transferred" and case.mediator == mediator

    # 3. The business opens the portal through the emailed link and offers a refund.
    message = _wait_for(lambda: next((m for m in mail.outbox if business.email in m.to), None))
    link = re.search(r"http://\S+/portal/link/\d+/\?sesame=\S+", message.body).group(0)
    browser.delete_all_cookies()
    browser.get(link)
    assert case.transfer_sheet.number in browser.find_element(By.TAG_NAME, "h1").text
    assert "137****7000" in browser.page_source and "13700137000" not in browser.page_source
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=offer]").click()
    _fill(browser, {"id_remedy": "refund", "id_amount": "1299.00", "id_explanation": "同意七日内全额退款"})
    _submit(browser, "#answer form")
    assert browser.find_element(By.CSS_SELECTOR, "[data-reply-kind=offer]")
    assert Case.objects.get(pk=case.pk).state == "replied"

    # 4. The consumer follows the complaint, sees each step, accepts the offer and rates the handling.
    browser.delete_all_cookies()
    browser.get(f"{url}/complaint/track/")
    _fill(browser, {"id_s-number": number, "id_s-secret": secret})
    _submit(browser, "main form[aria-labelledby=by-secret]")
    assert _steps(browser) == {
        "received": "done",
        "screening": "done",
        "forwarded": "done",
        "answer": "current",
        "mediation": "todo",
        "outcome": "todo",
    }
    assert (
        "同意七日内全额退款" in browser.page_source and case.transfer_sheet.number not in browser.page_source
    )
    browser.find_element(By.CSS_SELECTOR, "input[name=decision][value=accept]").click()
    _submit(browser, "#offer form")
    assert _steps(browser) == {
        "received": "done",
        "screening": "done",
        "forwarded": "done",
        "answer": "done",
        "mediation": "todo",
        "outcome": "done",
    }
    case.refresh_from_db()
    assert case.state == "resolved" and case.money_recovered == Decimal("1299.00")
    browser.find_element(By.CSS_SELECTOR, "input[name=satisfaction][value='5']").click()
    _fill(browser, {"id_comment": "处理很快"})
    _submit(browser, "#rating form")
    assert browser.find_element(By.CSS_SELECTOR, "[data-rated='5']")
    assert FollowUp.objects.get(case=case).channel == "online"
    browser.save_screenshot(str(tmp_path / "tracking.png"))
