"""The workbench, the case page's deadline badge, the search and the duplicate warning in headless Chromium, at
1,280 px, in zh-hans and English. Screenshots are kept in .var/screenshots/ (gitignored) to look at."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from cases import services
from cases.models import Case
from cases.numbering import tracking_number
from conftest import PINNED_NOW
from mediation.services.escalation import escalation_propose
from portal.tests.test_browser import CHROMEDRIVER, CHROMIUM, _admin_login, _click_and_wait, _fill

SHOTS = Path(__file__).resolve().parents[2] / ".var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def wide_browser():
    if not (CHROMIUM and CHROMEDRIVER):
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
        "--window-size=1280,1000",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(3)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _shot(driver, name):
    """A full-page screenshot at 1,280 px wide; returns whether the page, or the case list's table inside its
    scrolling box, is wider than the room it has."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height + 120, 800), 4000))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    return driver.execute_script(
        "var r = document.querySelector('#changelist .results');"
        "return document.documentElement.scrollWidth > window.innerWidth"
        " || (r !== null && r.scrollWidth > r.clientWidth + 1)"
    )


def _english(driver, url):
    driver.add_cookie({"name": "django_language", "value": "en"})
    driver.get(url)


@pytest.fixture
def caseload(make_case, mediator, other_mediator, supervisor, business):
    """An overdue case (filed 30 days ago), one due today-ish, one waiting for the business, an unassigned
    complaint, and a proposed escalation."""
    with time_machine.travel(PINNED_NOW - timedelta(days=30), tick=False):
        overdue = make_case(
            "mediating",
            consumer={"name": "李娜", "phone": "13812345678", "id_number": "", "address": "示范市中山路1号"},
            product="美的变频空调",
            facts="空调制冷效果差，售后两次上门未修好。",
        )
    waiting = make_case(
        "transferred",
        consumer={"name": "王强", "phone": "13987654321", "id_number": "", "address": "示范市中山路1号"},
    )
    unassigned = make_case(
        "submitted",
        mediator=None,
        consumer={"name": "赵敏", "phone": "13700001111", "id_number": "", "address": "示范市中山路1号"},
    )
    other = make_case("mediating", actor=other_mediator, mediator=other_mediator)
    escalation_propose(case_id=other.pk, actor=other_mediator, kind="report", reasons="多次催办仍不答复。")
    return {"overdue": overdue, "waiting": waiting, "unassigned": unassigned, "other": other}


def test_a_mediators_workbench_counts_and_claims(wide_browser, live_server, mediator, caseload):
    from selenium.webdriver.common.by import By

    browser = wide_browser
    _admin_login(browser, live_server.url, mediator, "/admin/")
    tiles = {
        a.get_attribute("data-work"): a.find_element(By.CSS_SELECTOR, ".count").text
        for a in browser.find_elements(By.CSS_SELECTOR, ".work-mine a[data-work]")
    }
    assert tiles["overdue"] == "1" and tiles["business"] == "1", tiles
    assert "工作台" in browser.title or "工作台" in browser.find_element(By.TAG_NAME, "h1").text
    assert not _shot(browser, "workbench-mediator-zh")

    # the overdue count opens the list of exactly that case
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".work-mine a[data-work=overdue]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1 and caseload["overdue"].number in rows[0].text
    assert "逾期" in rows[0].find_element(By.CSS_SELECTOR, ".case-due-danger").text
    assert not _shot(browser, "case-list-overdue-zh")  # the columns fit 1,280 px

    # 认领 the unassigned complaint from the workbench
    browser.get(f"{live_server.url}/admin/")
    _click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, f"button[data-claim='{caseload['unassigned'].pk}']")
    )
    assert Case.objects.get(pk=caseload["unassigned"].pk).mediator == mediator

    _english(browser, f"{live_server.url}/admin/")
    assert "Overdue" in browser.find_element(By.CSS_SELECTOR, ".work-mine").text
    assert not _shot(browser, "workbench-mediator-en")
    # the whole list in English, where the headings and states are longest, fits 1,280 px too
    browser.get(f"{live_server.url}/admin/cases/case/")
    assert "Submitted (awaiting screening)" in browser.find_element(By.ID, "result_list").text
    assert not _shot(browser, "case-list-en")


def test_a_supervisors_workbench_shows_the_association(
    wide_browser, live_server, supervisor, mediator, other_mediator, caseload
):
    from selenium.webdriver.common.by import By

    browser = wide_browser
    _admin_login(browser, live_server.url, supervisor, "/admin/")
    by_mediator = browser.find_element(By.CSS_SELECTOR, ".work-by-mediator").text
    assert mediator.first_name in by_mediator and other_mediator.first_name in by_mediator
    association = {
        a.get_attribute("data-work"): a.find_element(By.CSS_SELECTOR, ".count").text
        for a in browser.find_elements(By.CSS_SELECTOR, ".work-association a[data-work]")
    }
    assert association["all-overdue"] == "1" and association["all-escalations"] == "1", association
    assert association["all-unassigned"] == "1"
    assert caseload["other"].number in browser.find_element(By.CSS_SELECTOR, ".work-escalations").text
    assert browser.find_element(By.CSS_SELECTOR, "[data-month=received]").text.isdigit()
    assert not _shot(browser, "workbench-supervisor-zh")
    _english(browser, f"{live_server.url}/admin/")
    assert "Escalations waiting for a decision" in browser.page_source
    assert not _shot(browser, "workbench-supervisor-en")


def test_the_case_page_shows_the_overdue_badge_and_the_next_step(
    wide_browser, live_server, mediator, caseload
):
    from selenium.webdriver.common.by import By

    browser = wide_browser
    case = caseload["overdue"]
    days = (PINNED_NOW.date() - case.due_on).days
    _admin_login(browser, live_server.url, mediator, f"/admin/cases/case/{case.pk}/change/")
    badge = browser.find_element(By.CSS_SELECTOR, ".case-headline .case-due-danger").text
    assert f"逾期 {days} 天" in badge, badge
    assert "调解" in browser.find_element(By.CSS_SELECTOR, ".case-next-step").text
    assert not _shot(browser, "case-page-badge-zh")
    _english(browser, f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    assert (
        f"{days} days overdue"
        in browser.find_element(By.CSS_SELECTOR, ".case-headline .case-due-danger").text
    )
    assert not _shot(browser, "case-page-badge-en")


@pytest.mark.parametrize("term", ["ws", "李娜", "变频空调", "上门 修好", "5678"])
def test_search_finds_the_case(wide_browser, live_server, mediator, caseload, term):
    from selenium.webdriver.common.by import By

    browser = wide_browser
    case = caseload["overdue"]
    term = tracking_number(case) if term == "ws" else term
    _admin_login(browser, live_server.url, mediator, "/admin/cases/case/")
    _fill(browser, {"searchbar": term})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#changelist-search input[type=submit]"))
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")]
    assert rows and case.number in rows[0], (term, rows)
    assert all(caseload["waiting"].number not in r for r in rows)
    if term == "变频空调":
        assert not _shot(browser, "search-product-zh")


def test_the_same_consumer_again_is_flagged_at_intake_and_in_screening(
    wide_browser, live_server, mediator, business, caseload
):
    from selenium.webdriver.common.by import By

    browser = wide_browser
    first = caseload["overdue"]
    again = services.case_register(
        actor=mediator,
        consumer={"name": "李娜", "phone": "13812345678", "id_number": "", "address": "示范市中山路1号"},
        business=business,
        channel="phone",
        nature="quality",
        category="household_appliances",
        product="美的变频空调",
        facts="空调又坏了。",
        demand_type="repair",
        demand="维修",
        mediator=mediator,
    )
    _admin_login(browser, live_server.url, mediator, "/admin/cases/case/?work=screening")
    flagged = browser.find_element(By.CSS_SELECTOR, "#result_list a.case-duplicate")
    assert flagged.get_attribute("href").endswith(f"/admin/cases/case/{first.pk}/change/")
    _click_and_wait(
        browser,
        browser.find_element(
            By.CSS_SELECTOR, f"#result_list a[href^='/admin/cases/case/{again.pk}/change/']"
        ),
    )
    warning = browser.find_element(By.CSS_SELECTOR, ".case-duplicates")
    assert first.number in warning.text
    assert warning.find_element(By.TAG_NAME, "a").get_attribute("href").endswith(f"/{first.pk}/change/")
    assert not _shot(browser, "duplicate-warning-zh")
