"""The group complaint through its screens: the admin's group page and actions, staff intake, the hot-spots view's
"propose a group", the online form's "join a group complaint" and the member's tracking page."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from conftest import PDF_BYTES
from groups import services
from groups.models import GroupComplaint, GroupMember

pytestmark = pytest.mark.django_db

GYM = dict(category="lifestyle", nature="contract", product="健身年卡", facts="健身房突然闭店，年卡无法使用，要求退款")


@pytest.fixture
def group(make_case, mediator, business):
    cases = [
        make_case("accepted", consumer={"name": f"会员{n}", "phone": f"1380000{n:04d}", "address": "示范市幸福路1号"}, **GYM) for n in range(1, 3)
    ]
    return services.group_create(
        actor=mediator, business=business, title="健身房闭店", dispute="预付年卡无法使用", category="lifestyle",
        nature="contract", case_ids=[c.pk for c in cases],
    )


def _act(client, group, action, data=None):
    return client.post(reverse("admin:groups_groupcomplaint_act", args=[group.pk, action]), data or {})


def test_group_list_change_page_and_every_action_form_render(client, mediator, group):
    client.force_login(mediator)
    assert client.get(reverse("admin:groups_groupcomplaint_changelist")).status_code == 200
    assert client.get(reverse("admin:groups_groupcomplaint_add")).status_code == 200
    page = client.get(reverse("admin:groups_groupcomplaint_change", args=[group.pk])).content.decode()
    assert "会员1" in page and "13800000001" in page  # staff see the contact details
    from backoffice.admin.groups import ACTIONS

    offered = [a.name for a in ACTIONS if a.offered(group)]
    assert "transfer" in offered and "admit" not in offered  # nobody waits for screening
    for action in ACTIONS:
        response = client.get(reverse("admin:groups_groupcomplaint_act", args=[group.pk, action.name]))
        assert response.status_code == (200 if action.name in offered else 302), action.name
        assert (f"/act/{action.name}/" in page) == (action.name in offered)


def test_group_page_query_count_is_flat(client, mediator, group, make_case, django_assert_max_num_queries):
    client.force_login(mediator)
    url = reverse("admin:groups_groupcomplaint_change", args=[group.pk])
    client.get(url)
    for n in range(3, 9):
        case = make_case("accepted", consumer={"name": f"会员{n}", "phone": f"1380000{n:04d}", "address": "示范市幸福路1号"}, **GYM)
        services.group_member_add(group_id=group.pk, case_id=case.pk, actor=mediator, via="merged")
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_merge_and_split_in_the_admin_are_audited(client, mediator, group, make_case):
    client.force_login(mediator)
    case = make_case("accepted", consumer={"name": "新会员", "phone": "13811110000", "address": "示范市幸福路1号"}, **GYM)
    response = _act(client, group, "merge", {"case_number": case.number})
    assert response.status_code == 302
    member = GroupMember.objects.get(case=case)
    assert member.history.latest().history_user == mediator
    response = _act(client, group, "split", {"member": member.pk, "reason": "消费者要求单独处理"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.left_on and "消费者要求单独处理" in Case.objects.get(pk=case.pk).history.latest().history_change_reason


def test_a_refused_action_shows_the_reason_and_keeps_the_input(client, mediator, group, make_case, other_business):
    client.force_login(mediator)
    foreign = make_case("accepted", business=other_business)
    response = _act(client, group, "merge", {"case_number": foreign.number})
    assert response.status_code == 200 and foreign.number in response.content.decode()
    assert not GroupMember.objects.filter(case=foreign).exists()


def test_written_consent_upload_and_representatives(client, mediator, group):
    client.force_login(mediator)
    first = group.members.order_by("pk").first()
    pdf = SimpleUploadedFile("授权委托书.pdf", PDF_BYTES, content_type="application/pdf")
    response = _act(client, group, "consent", {"member": first.pk, "act": "representation", "given": "1",
                                                "document": pdf, "note": ""})
    assert response.status_code == 302
    stored = first.consents.get().document
    assert stored.name.endswith(".pdf") and "授权委托书" not in stored.name  # named from the detected type
    assert client.get(stored.url).status_code == 200  # the checked file view, for staff who read evidence
    response = _act(client, group, "representatives", {"members": [first.pk]})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.is_representative


def test_business_users_cannot_reach_the_group_pages_nor_the_authorisations(client, business_user, group, mediator):
    consent = services.member_consent_record(
        member_id=group.members.first().pk, act="representation", actor=mediator, via="written",
        document=SimpleUploadedFile("授权委托书.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    client.force_login(business_user)
    assert client.get(consent.document.url).status_code in (403, 404)
    response = client.get(reverse("admin:groups_groupcomplaint_change", args=[group.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_intake_joins_an_open_group(client, mediator, business, group):
    client.force_login(mediator)
    response = client.post(
        reverse("admin:cases_case_add"),
        {
            "consumer_name": "王芳", "consumer_phone": "13900002222", "consumer_id_number": "",
            "consumer_address": "示范市", "channel": "walk_in", "received_at_0": "2026-06-15",
            "received_at_1": "10:00:00", "business": business.pk, "product": "健身年卡", "purchased_on": "2026-01-01",
            "amount_paid": "3199", "nature": "contract", "category": "lifestyle", "facts": "健身房闭店",
            "demand_type": "refund", "demand": "退款", "amount_claimed": "", "mediator": mediator.pk,
            "join_group": group.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = GroupMember.objects.get(case__consumer__phone="13900002222")
    assert member.group == group and member.via == "intake"


def test_supervisor_proposes_a_group_from_similar_complaints(client, supervisor, make_case):
    cases = [make_case("accepted", consumer={"name": f"家长{n}", "phone": f"1370000{n:04d}", "address": "示范市幸福路1号"}, **GYM) for n in range(3)]
    client.force_login(supervisor)
    page = client.get(reverse("admin:groups_hotspots")).content.decode()
    assert all(f'value="{c.pk}"' in page for c in cases)
    ids = [str(c.pk) for c in cases]
    form = client.post(reverse("admin:groups_propose"), {"cases": ids})
    assert form.status_code == 200
    response = client.post(
        reverse("admin:groups_propose"), {"cases": ids, "title": "健身房闭店", "dispute": "预付卡无法使用"}
    )
    assert response.status_code == 302
    group = GroupComplaint.objects.get()
    assert group.members.count() == 3 and group.created_by == supervisor
    page = client.get(reverse("admin:groups_hotspots")).content.decode()
    assert not any(f'name="cases" value="{c.pk}"' in page for c in cases)  # grouped now


# --- the public pages --------------------------------------------------------------------------------------


def _complaint(group, **overrides):
    data = {
        "consumer_name": "李娜", "consumer_phone": "13800138000", "consumer_id_number": "", "consumer_address": "示范市东路1号",
        "consumer_email": "", "business_name": "别的名字", "business_address": "别的地址", "business_phone": "",
        "product": "健身年卡", "purchased_on": "2026-03-01", "amount_paid": "3000.00", "category": "lifestyle",
        "nature": "contract", "facts": "闭店", "demand_type": "refund", "demand": "退款", "amount_claimed": "",
        "consent": "on", "website": "", "group": group.number, "group_consents": ["representation"],
    }
    return data | overrides


def test_the_form_offers_the_open_groups_and_joining_one(client, group):
    page = client.get(reverse("public:complaint")).content.decode()
    assert group.number in page and "会员1" not in page  # the business and title, nobody's data
    page = client.get(reverse("public:complaint"), {"group": group.number}).content.decode()
    assert 'id="group-join"' in page and group.business.name in page
    response = client.post(reverse("public:complaint"), _complaint(group))
    assert response.status_code == 302
    member = GroupMember.objects.get(case__consumer__name="李娜")
    assert member.group == group and member.case.business == group.business  # the group's business, not the typed one
    assert list(member.consents.values_list("act", "via")) == [("representation", "tracking_page")]


def test_joining_a_closed_group_is_refused_clearly_and_keeps_the_input(client, group):
    GroupComplaint.objects.filter(pk=group.pk).update(status="settled")
    response = client.post(reverse("public:complaint"), _complaint(group))
    assert response.status_code == 400
    page = response.content.decode()
    assert "李娜" in page and not Case.objects.filter(consumer__name="李娜").exists()


def test_the_member_gives_consent_and_leaves_on_the_tracking_page(client, group, mediator):
    client.post(reverse("public:complaint"), _complaint(group, group_consents=[]))
    member = GroupMember.objects.get(case__consumer__name="李娜")
    services.group_member_admit(member_id=member.pk, actor=mediator)
    page = client.get(reverse("public:status")).content.decode()
    assert 'id="group"' in page and group.number in page
    assert re.search(r'data-act="accept_settlement" data-given="0"', page)
    client.post(reverse("public:group_answer"), {"act": "accept_settlement", "given": "1"})
    assert services.consent_of(member, "accept_settlement")
    client.post(reverse("public:group_answer"), {"leave": "1", "reason": "想自己处理"})
    member.refresh_from_db()
    case = Case.objects.get(pk=member.case_id)
    assert member.left_on and "想自己处理" in member.leave_reason and case.pause_kind == ""
    assert 'id="group"' not in client.get(reverse("public:status")).content.decode()


def test_the_tracking_page_answer_needs_the_grant(client, group):
    response = client.post(reverse("public:group_answer"), {"leave": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("public:track")


def test_the_business_sees_the_members_masked_on_its_sheet(client, business_user, group, mediator):
    case = services.group_transfer(group_id=group.pk, actor=mediator)
    client.force_login(business_user)
    page = client.get(reverse("portal:sheet", args=[case.transfer_sheet.pk])).content.decode()
    assert "会员2" in page and "138****0002" in page and "13800000002" not in page


def test_lawsuit_support_on_a_single_case_and_its_bundle(client, mediator, make_case):
    case = make_case("mediating")
    client.force_login(mediator)
    response = client.post(
        reverse("admin:groups_case_lawsuit", args=[case.pk]),
        {"kind": "support", "addressee": "示范市人民法院", "reasons": "支持消费者起诉"},
    )
    assert response.status_code == 302
    assert case.lawsuit_supports.get().recorded_by == mediator
    pdf = client.get(reverse("admin:groups_case_bundle", args=[case.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Decimal(case.amount_paid) > 0


def test_the_member_answers_the_settlement_put_to_them_on_the_tracking_page(client, group, mediator):
    from django.test import Client

    from notifications.models import Notification

    client.post(reverse("public:complaint"), _complaint(group, group_consents=[]))  # holds the tracking grant
    member = GroupMember.objects.get(case__consumer__name="李娜")
    services.group_member_admit(member_id=member.pk, actor=mediator)
    staff = Client()
    staff.force_login(mediator)
    response = _act(staff, group, "offer", {"member": member.pk, "remedy": "refund", "amount": "2100.00"})
    assert response.status_code == 302
    assert Notification.objects.filter(template="groups/offer", to_address="13800138000").exists()
    page = client.get(reverse("public:status")).content.decode()
    assert 'id="group-offer"' in page and "2100.00" in page
    client.post(reverse("public:group_answer"), {"offer": "accept"})
    member.refresh_from_db()
    assert member.outcome == "accepted" and member.outcome_amount == Decimal("2100.00")
    assert member.outcome_by_representative is None
    assert 'id="group-offer"' not in client.get(reverse("public:status")).content.decode()


def test_the_list_and_the_hot_spots_cost_the_same_queries_at_any_size(
    client, supervisor, mediator, make_case, business
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def costs():
        counts = []
        for url in (reverse("admin:groups_groupcomplaint_changelist"), reverse("admin:groups_hotspots")):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    client.force_login(supervisor)
    for n in range(3):
        make_case("accepted", consumer={"name": f"甲{n}", "phone": f"1350000{n:04d}", "address": "示范市幸福路1号"}, **GYM)
    small = costs()
    cases = [make_case("accepted", consumer={"name": f"乙{n}", "phone": f"1351000{n:04d}", "address": "示范市幸福路1号"}, **GYM) for n in range(12)]
    services.group_create(actor=mediator, business=business, title="一", dispute="一", category="lifestyle",
                          nature="contract", case_ids=[c.pk for c in cases[:4]])
    services.group_create(actor=mediator, business=business, title="二", dispute="二", category="lifestyle",
                          nature="contract", case_ids=[c.pk for c in cases[4:6]])
    assert costs() == small
