"""The 历史记录 page in a real browser: a supervisor reads a resolved case's history (screenshot kept as an
artefact in $TEST_ARTEFACTS, default .var/artefacts/)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import StaffProfile
from mediation.services import outcomes
from portal.tests.test_browser import _admin_login, browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def artefact(name) -> Path:
    folder = Path(os.environ.get("TEST_ARTEFACTS", settings.BASE_DIR / ".var" / "artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_a_supervisor_reads_the_history_of_a_resolved_case(browser, live_server, make_case, mediator, supervisor,  # noqa: F811
                                                            time_machine):
    from selenium.webdriver.common.by import By

    StaffProfile.objects.create(user=mediator, display_name="李晓梅")
    StaffProfile.objects.create(user=supervisor, display_name="赵志强")
    case = make_case("mediating")
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    outcomes.outcome_resolve(case_id=case.pk, actor=mediator, remedies=[{"kind": "refund", "amount": Decimal("88")}])

    browser.set_window_size(1280, 1600)
    _admin_login(browser, live_server.url, supervisor, f"/admin/cases/case/{case.pk}/history/")
    main = browser.find_element(By.ID, "content-main").text
    browser.save_screenshot(str(artefact("readable-history.png")))
    first = browser.find_elements(By.CSS_SELECTOR, ".audit-trail tbody tr")[0].text
    assert "李晓梅" in first and "调解中" in first and "调解成功" in first and "88.00元" in first
    for internal in ("None", "mediating", "resolved", "pk=", "+00:00", "Deleted", "case:"):
        assert internal not in main, internal
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href*='/history/'][href$='/']:not([href$='/history/'])")


def test_the_case_page_reads_its_trail_when_the_history_section_is_opened(browser, live_server, make_case,  # noqa: F811
                                                                           mediator):
    from selenium.webdriver.common.by import By

    from portal.tests.test_browser import _wait_for

    StaffProfile.objects.create(user=mediator, display_name="李晓梅")
    case = make_case("accepted")
    browser.set_window_size(1280, 1600)
    _admin_login(browser, live_server.url, mediator, f"/admin/cases/case/{case.pk}/change/")
    holder = browser.find_element(By.CSS_SELECTOR, "[data-audit-trail-url]")
    assert not holder.find_elements(By.CSS_SELECTOR, ".audit-trail")  # not read with the page
    section = holder.find_element(By.XPATH, "./ancestor::details")
    section.find_element(By.TAG_NAME, "summary").click()
    rows = _wait_for(lambda: holder.find_elements(By.CSS_SELECTOR, ".audit-trail tbody tr"))
    browser.execute_script("arguments[0].scrollIntoView()", section)
    browser.save_screenshot(str(artefact("case-page-trail.png")))
    assert any("李晓梅" in row.text and "已受理" in row.text for row in rows), [r.text for r in rows]
