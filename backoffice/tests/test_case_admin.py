"""The mediators' admin through the real interface: lists, the case page, action buttons, history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Consumer, RejectionGround
from tests.admin_forms import management_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cases_case_changelist")


def _bulk_cases(n, business, mediator, start=0):
    consumers = Consumer.objects.bulk_create(
        [Consumer(name=f"消费者{i}", phone=f"1380000{i:04d}") for i in range(start, start + n)]
    )
    today = timezone.localdate()
    Case.objects.bulk_create(
        [
            Case(
                consumer=c, business=business, mediator=mediator, channel="online", nature="quality",
                category="food", product="商品", facts="事实", demand_type="refund", demand="退款",
                state="transferred", number=f"TS-2026-{start + i + 1:06d}", filed_on=today - timedelta(days=20),
                due_on=today - timedelta(days=i % 10),
            )
            for i, c in enumerate(consumers)
        ]
    )


def _changelist_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_changelist_costs_the_same_at_60_and_1000_rows(client, mediator, business):
    # Both lists have several pages (50 rows each), read in two steps: the page's ids, then its rows
    # (core.admin.CappedCountPaginator.page); a list of one page is read in one query.
    client.force_login(mediator)
    _bulk_cases(60, business, mediator)
    small, _ = _changelist_queries(client)
    small_overdue, _ = _changelist_queries(client, work="overdue")
    _bulk_cases(940, business, mediator, start=60)
    large, response = _changelist_queries(client)
    large_overdue, _ = _changelist_queries(client, work="overdue")
    assert large == small, (small, large)
    assert large_overdue == small_overdue
    assert large <= 12
    assert "天" in response.content.decode()  # "N days overdue" rendered in Chinese


def test_changelist_masks_consumer_phones_and_searches_by_phone(client, mediator, make_case):
    make_case()
    client.force_login(mediator)
    page = client.get(CHANGELIST).content.decode()
    assert "139****1234" in page and "13900001234" not in page
    assert "双门冰箱" in client.get(CHANGELIST, {"q": "1390000"}).content.decode()
    assert "双门冰箱" not in client.get(CHANGELIST, {"q": "1880000"}).content.decode()


def test_case_page_shows_actions_this_user_may_run_and_history(client, mediator, make_case):
    case = make_case("transferred")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    for name in ("record_reply", "start_mediation", "withdraw"):
        assert reverse("admin:cases_case_act", args=[case.pk, name]) in page
    assert reverse("admin:cases_case_act", args=[case.pk, "accept"]) not in page
    assert "已转办" in page  # state label in Chinese
    assert "110101199001011234" not in page  # ID number masked on the case page
    assert "1101**********1234" in page


def test_a_case_walks_through_the_admin_with_history(client, mediator, make_case):
    case = make_case()
    client.force_login(mediator)

    def act(name, **data):
        url = reverse("admin:cases_case_act", args=[case.pk, name])
        assert client.get(url).status_code == 200
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    act("accept", reason="材料齐全")
    act("transfer")
    act("start_mediation", reason="企业拒绝")
    act("resolve", terms="退款4299元", money_recovered="4299.00", refund_amount="4299.00")
    act("close", note="回访满意")
    case = Case.objects.get(pk=case.pk)
    assert case.state == "closed"
    history = list(case.history.order_by("history_date"))
    # The transfer records the business's answer date its sheet gives in a second entry.
    assert [h.history_user for h in history[1:]] == [mediator] * 6
    assert history[1].history_change_reason == "材料齐全"
    assert client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    page = client.get(reverse("admin:cases_case_trail", args=[case.pk])).content.decode()  # its 历史记录 section
    assert "退款4299元" in page and "材料齐全" in page
    assert re.search(r"已转办.*→.*调解中", page, re.S)


def test_reject_in_the_admin_requires_grounds_and_shows_the_error(client, mediator, make_case):
    case = make_case()
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[case.pk, "reject"])
    response = client.post(url, {"explanation": "不属于受理范围"})
    assert response.status_code == 200
    assert "请至少选择一项不予受理理由" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "submitted"
    ground = RejectionGround.objects.get(code="AP01")
    response = client.post(url, {"explanation": "经营者之间纠纷", "grounds": [ground.pk]})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "rejected"


def test_an_action_not_open_to_the_user_redirects_with_an_error(client, make_case, django_user_model):
    case = make_case()
    viewer = django_user_model.objects.create_user("viewer", password="x-123456789", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(viewer)
    response = client.post(reverse("admin:cases_case_act", args=[case.pk, "accept"]), {"reason": "x"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_business_users_have_no_admin(client, business_user):
    client.force_login(business_user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_registers_a_complaint_in_the_admin(client, mediator, business):
    client.force_login(mediator)
    response = client.post(
        reverse("admin:cases_case_add"),
        {
            "consumer_name": "王芳", "consumer_phone": "13900002222", "consumer_id_number": "",
            "consumer_address": "示范市", "channel": "walk_in", "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00", "business": business.pk, "product": "洗衣机", "purchased_on": "2026-10-01",
            "amount_paid": "3199", "nature": "quality", "category": "household_appliances", "facts": "漏水",
            "demand_type": "repair", "demand": "维修", "amount_claimed": "", "mediator": mediator.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(consumer__phone="13900002222")
    assert case.state == "submitted" and case.acceptance_due_on
    assert case.history.get().history_user == mediator


def test_staff_entry_with_bad_input_shows_translated_errors(client, mediator):
    client.force_login(mediator)
    response = client.post(reverse("admin:cases_case_add"), {"consumer_name": "王芳", "consumer_phone": "abc"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请输入有效的电话号码" in page and "这个字段是必填项" in page
    assert not Case.objects.exists()


def test_editing_a_case_requires_a_reason_and_records_it(client, mediator, make_case):
    case = make_case("accepted")
    client.force_login(mediator)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = {
        "channel": case.channel, "business": case.business_id, "product": "双门冰箱（BCD-500）",
        "purchased_on": "2026-03-01", "amount_paid": "4299.00", "nature": "quality",
        "category": "household_appliances", "facts": case.facts, "demand_type": case.demand_type,
        "demand": case.demand, "amount_claimed": "4299.00",
        **management_data(client, url), "notes-0-body": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "请说明修改原因" in response.content.decode()
    response = client.post(url, {**data, "change_reason": "消费者更正型号", "notes-0-body": "已电话核实型号"})
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(pk=case.pk)
    assert case.product == "双门冰箱（BCD-500）"
    assert case.history.latest().history_change_reason == "消费者更正型号"
    assert case.notes.get().author == mediator


def test_grounds_cannot_be_deleted_in_the_admin(client, supervisor):
    client.force_login(supervisor)
    ground = RejectionGround.objects.filter(is_active=True).first()
    response = client.get(reverse("admin:cases_rejectionground_delete", args=[ground.pk]))
    assert response.status_code == 403
    assert client.get(reverse("admin:cases_rejectionground_changelist")).status_code == 200


def test_history_revert_is_disabled(client, supervisor, make_case):
    case = make_case("accepted")
    client.force_login(supervisor)
    history_id = case.history.earliest().history_id
    url = reverse("admin:cases_case_simple_history", args=[case.pk, history_id])
    assert client.get(url).status_code == 200  # the old version can be read
    response = client.post(url, {"product": "被篡改", "change_reason": "回滚"})
    assert response.status_code == 403
    case = Case.objects.get(pk=case.pk)
    assert case.state == "accepted" and case.product == "双门冰箱"


def test_supervisor_reassigns_cases_in_bulk_with_a_reason(client, supervisor, mediator, other_mediator, make_case):
    cases = [make_case("accepted"), make_case("transferred")]
    client.force_login(supervisor)
    ids = [str(c.pk) for c in cases]
    response = client.post(CHANGELIST, {"action": "reassign_cases", "_selected_action": ids})
    assert response.status_code == 200 and "调解员乙" in response.content.decode()
    response = client.post(
        CHANGELIST,
        {"action": "reassign_cases", "_selected_action": ids, "apply": "1", "mediator": other_mediator.pk,
         "reason": "原承办人休假"},
    )
    assert response.status_code == 302
    for case in Case.objects.filter(pk__in=ids):
        assert case.mediator == other_mediator
        assert case.history.latest().history_user == supervisor


def test_mediators_do_not_get_the_reassign_action(client, mediator, make_case):
    case = make_case("accepted")
    client.force_login(mediator)
    assert "reassign_cases" not in client.get(CHANGELIST).content.decode()
    client.post(CHANGELIST, {"action": "reassign_cases", "_selected_action": [case.pk], "apply": "1",
                             "mediator": mediator.pk, "reason": "x"})
    assert Case.objects.get(pk=case.pk).history.count() == case.history.count()


def test_accept_is_not_offered_while_waiting_for_material(client, mediator, make_case):
    from cases import services

    case = make_case()
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="发票")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert reverse("admin:cases_case_act", args=[case.pk, "accept"]) not in page
    assert reverse("admin:cases_case_act", args=[case.pk, "supplement_received"]) in page
    assert reverse("admin:cases_case_act", args=[case.pk, "reject"]) in page


def test_a_filtered_lists_rows_lead_back_to_the_same_list(client, mediator, make_case):
    case = make_case("accepted")
    client.force_login(mediator)
    page = client.get(CHANGELIST, {"state__exact": "accepted"}).content.decode()
    change = reverse("admin:cases_case_change", args=[case.pk])
    assert f'href="{change}?_changelist_filters=state__exact%3Daccepted"' in page
    assert f'href="{change}"' in client.get(CHANGELIST).content.decode()  # no filters: the plain link
    back = client.get(f"{change}?_changelist_filters=state__exact%3Daccepted").content.decode()
    assert "history/?_changelist_filters=state__exact%3Daccepted" in back  # the case page keeps them (save, history)


def test_the_rows_checkbox_is_djangos_markup(make_case):
    from django.contrib import admin

    from reminders.models import OverdueCase

    case = make_case("accepted")
    for model, row in ((Case, case), (OverdueCase, OverdueCase.objects.get(pk=case.pk))):
        model_admin = admin.site._registry[model]
        assert model_admin.action_checkbox(row) == admin.ModelAdmin.action_checkbox(model_admin, row)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_badges_state_label_is_the_fields_display(language):
    from django.utils import translation

    from backoffice.admin.badges import state_label
    from cases.choices import CaseState

    with translation.override(language):
        for state in CaseState.values:
            assert state_label(state) == Case(state=state).get_state_display()
