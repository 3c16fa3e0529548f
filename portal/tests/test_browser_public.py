"""The consumers' and businesses' pages in a real browser at a phone's width (420 px): the landing page at `/`,
the public list of businesses (header, language switch, "as of" date, names that do not break one character per
line), and a business's history of answered sheets with its documents. Screenshots are kept in
$TEST_ARTEFACTS (default .var/artefacts/) to look at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.tests.test_browser_history import artefact
from portal.tests.test_browser import _click_and_wait, _fill, browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _no_sideways_scroll(driver):
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_landing_page_leads_consumers_on(browser, live_server):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get(live_server.url + "/")
    browser.save_screenshot(str(artefact("landing-phone.png")))
    main = browser.find_element(By.TAG_NAME, "main")
    targets = {a.get_attribute("pathname") for a in main.find_elements(By.CSS_SELECTOR, "a.button")}
    assert {"/complaint/", "/complaint/track/", "/public/businesses/"} <= targets
    assert "投诉" in main.text
    staff = browser.find_element(By.CSS_SELECTOR, ".staff-login a[href^='/admin/']")
    size = lambda element: float(element.value_of_css_property("font-size").removesuffix("px"))  # noqa: E731
    assert size(staff) < size(main.find_element(By.TAG_NAME, "h1"))  # discreet
    assert _no_sideways_scroll(browser)


def test_the_public_list_reads_on_a_phone(browser, live_server, make_case, time_machine):  # noqa: F811
    from selenium.webdriver.common.by import By

    case = make_case("transferred")
    case.business.name = "示范市华东电器有限公司中山路分店"
    case.business.save()
    time_machine.move_to(timezone.now() + timedelta(days=40))  # past the answer deadline: listed

    browser.get(live_server.url + "/public/businesses/")
    browser.save_screenshot(str(artefact("public-list-phone.png")))
    assert browser.find_element(By.CSS_SELECTOR, "header").text
    assert browser.find_element(By.ID, "language-select")
    assert "截至" in browser.find_element(By.CSS_SELECTOR, ".as-of").text
    name = browser.find_element(By.CSS_SELECTOR, ".business-name span")
    assert "华东电器" in name.text
    # The name takes the row's width: a few lines at most, not one or two characters per line.
    line_height = browser.execute_script(
        "var s = getComputedStyle(arguments[0]); return parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.5;",
        name,
    )
    assert name.size["width"] >= 200, name.size
    assert name.size["height"] <= 5 * line_height, (name.size, line_height)
    assert _no_sideways_scroll(browser)

    _fill(browser, {"business-search": "华东电器"})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.search button"))
    assert "华东电器" in browser.find_element(By.CSS_SELECTOR, ".public-list").text


def test_a_business_finds_its_answered_sheets_in_its_history(browser, live_server, make_case, business_user):  # noqa: F811
    from selenium.webdriver.common.by import By

    case = make_case("replied")  # the mediator recorded the business's answer given by phone
    browser.get(live_server.url + "/portal/login/")
    _fill(browser, {"id_username": business_user.username, "id_password": "pw-for-tests-123"})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form [type=submit]"))
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a[href='/portal/history/']"))
    browser.save_screenshot(str(artefact("portal-history-phone.png")))
    row = browser.find_element(By.CSS_SELECTOR, f"tr[data-sheet='{case.transfer_sheet.pk}']")
    assert case.transfer_sheet.number in row.text and "已答复" in row.text
    assert "请于" not in row.text  # answered: no "answer by" any more
    assert row.find_elements(By.CSS_SELECTOR, ".doc-links a")  # the transfer sheet it received, at least
    assert _no_sideways_scroll(browser)
