"""In a real browser (headless Chromium): on the demo (seed_demo), a consumer of the closed gym finds its group
complaint on the public form, joins it online with their consents, and the mediator sees them in the group and
accepts their complaint into it."""

from io import StringIO

import pytest
from django.core.management import call_command

from groups.models import GroupComplaint, GroupMember
from portal.tests.test_browser import _click_and_wait, _fill, _submit, browser  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_consumer_joins_the_demo_group_online_and_the_mediator_sees_them(browser, live_server, settings):  # noqa: F811
    from selenium.webdriver.common.by import By

    call_command("seed_demo", stdout=StringIO())
    settings.PUBLIC_BASE_URL = live_server.url
    group = GroupComplaint.objects.get(business__name__startswith="力健健身", status="open")
    url = live_server.url

    browser.get(f"{url}/complaint/")
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"a[data-group='{group.number}']"))
    assert group.number in browser.find_element(By.ID, "group-join").text
    assert browser.find_element(By.ID, "id_business_name").get_attribute("value") == group.business.name
    _fill(
        browser,
        {
            "id_consumer_name": "马晓东",
            "id_consumer_phone": "13611112222",
            "id_consumer_address": "示范市幸福路9号",
            "id_product": "健身年卡",
            "id_purchased_on": "2026-03-01",
            "id_amount_paid": "3280.00",
            "id_facts": "力健健身俱乐部突然闭店，年卡还剩7个月无法使用。",
            "id_demand_type": "refund",
            "id_demand": "退还剩余会费1913元。",
        },
    )
    for act in ("representation", "accept_settlement"):
        browser.find_element(By.CSS_SELECTOR, f"input[name=group_consents][value={act}]").click()
    browser.find_element(By.ID, "id_consent").click()
    _submit(browser, "main form[enctype]")
    assert browser.find_element(By.ID, "tracking-number").text

    member = GroupMember.objects.get(group=group, case__consumer__name="马晓东")
    assert member.via == "online" and member.case.state == "submitted"
    assert set(member.consents.values_list("act", flat=True)) == {"representation", "accept_settlement"}

    # The mediator opens the group in the admin: the new member is listed; they accept the complaint into it.
    browser.delete_all_cookies()
    browser.get(f"{url}/admin/login/?next=/admin/groups/groupcomplaint/{group.pk}/change/")
    _fill(browser, {"id_username": "tiaojie", "id_password": "tiaojie-demo-2026"})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    members = browser.find_element(By.ID, "members-group").text
    assert "马晓东" in members and "13611112222" in members
    _click_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, f"a[href='/admin/groups/groupcomplaint/{group.pk}/act/admit/']")
    )
    _fill(browser, {"id_member": str(member.pk)})
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#content-main form input[type=submit]"))
    member.case.refresh_from_db()
    assert member.case.state == "accepted" and member.case.pause_kind == "group"
    assert "马晓东" in browser.find_element(By.ID, "members-group").text
