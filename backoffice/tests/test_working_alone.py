"""A mediator can take a new case all the way without a supervisor (issue "One truth", item 7): accepting makes
them the 承办人 of a case nobody has, they can claim (认领) unassigned cases, the 承办人 picker works for every staff
role; and the case page's action forms are safe to post twice."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case, CasePause
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cases_case_changelist")


def _act_url(case, name):
    return reverse("admin:cases_case_act", args=[case.pk, name])


def _page(client, case):
    return client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_mediator_alone_takes_a_new_case_from_acceptance_to_agreement(client, mediator, make_case):
    case = make_case(mediator=None)
    client.force_login(mediator)

    def act(name, **data):
        response = client.post(_act_url(case, name), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not [m for m in _messages(response) if "不" in m], _messages(response)

    act("accept", reason="材料齐全")
    accepted = Case.objects.get(pk=case.pk)
    assert accepted.mediator == mediator
    assert "承办人" in accepted.history.latest().history_change_reason
    act("transfer")
    act("start_mediation", reason="企业拒绝")
    act("resolve", terms="退款4299元", money_recovered="4299.00", refund_amount="4299.00")
    assert Case.objects.get(pk=case.pk).state == "resolved"


def test_accepting_keeps_a_mediator_already_in_charge(make_case, mediator, other_mediator):
    case = make_case(mediator=other_mediator)
    case = services.case_accept(case_id=case.pk, actor=mediator)
    assert case.mediator == other_mediator
    assert "承办人" not in case.history.latest().history_change_reason


def test_claim_is_offered_only_on_an_unassigned_case_and_a_double_post_claims_once(client, mediator, make_case):
    assigned, unassigned = make_case(), make_case(mediator=None)
    client.force_login(mediator)
    assert _act_url(assigned, "claim") not in _page(client, assigned)
    assert _act_url(unassigned, "claim") in _page(client, unassigned)
    assert client.get(_act_url(unassigned, "claim")).status_code == 200

    first = client.post(_act_url(unassigned, "claim"))
    second = client.post(_act_url(unassigned, "claim"))
    assert first.status_code == second.status_code == 302
    assert any("认领" in m for m in _messages(first))
    assert any("不能执行此操作" in m for m in _messages(second)), _messages(second)
    case = Case.objects.get(pk=unassigned.pk)
    assert case.mediator == mediator
    assert case.history.filter(history_change_reason__startswith="认领").count() == 1
    assert _act_url(case, "claim") not in _page(client, case)


def test_claiming_a_case_someone_has_is_refused_with_their_name(make_case, mediator, other_mediator, business_user):
    case = make_case()
    with pytest.raises(ValidationError) as refused:
        services.case_claim(case_id=case.pk, actor=other_mediator)
    assert "调解员甲" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.case_claim(case_id=make_case(mediator=None).pk, actor=business_user)
    assert Case.objects.get(pk=case.pk).mediator == mediator


def test_a_supervisor_claims_too(make_case, supervisor):
    case = services.case_claim(case_id=make_case(mediator=None).pk, actor=supervisor)
    assert Case.objects.get(pk=case.pk).mediator == supervisor


def test_the_list_action_claims_the_unassigned_cases_and_names_the_others(client, mediator, other_mediator, make_case):
    free = [make_case(mediator=None), make_case(mediator=None)]
    taken = make_case(mediator=other_mediator)
    client.force_login(mediator)
    assert "claim_cases" in client.get(CHANGELIST).content.decode()
    response = client.post(
        CHANGELIST, {"action": "claim_cases", "_selected_action": [c.pk for c in [*free, taken]]}
    )
    assert response.status_code == 302
    messages = _messages(response)
    assert any("2" in m and "认领" in m for m in messages) and any("调解员乙" in m for m in messages), messages
    assert set(Case.objects.filter(mediator=mediator).values_list("pk", flat=True)) == {c.pk for c in free}
    assert Case.objects.get(pk=taken.pk).mediator == other_mediator


def test_the_mediator_picker_lists_the_staff_for_a_mediator_and_nobody_else(client, mediator, supervisor, make_case,
                                                                          business_user):
    inactive = UserFactory(is_staff=True, is_active=False, first_name="离职调解员")
    inactive.groups.add(*mediator.groups.all())
    case = make_case(mediator=None)
    client.force_login(mediator)
    page = _page(client, case)
    select = page[page.index('name="mediator"'):]
    select = select[: select.index("</select>")]
    assert "调解员甲" in select and "主管" in select
    assert "离职调解员" not in select and business_user.username not in select
    assert "autocomplete" not in page.split('name="mediator"')[0][-400:]
    assert "/admin/auth/user/" not in select  # no links into the user accounts


def test_a_mediator_picks_a_mediator_for_an_unassigned_case_but_cannot_reassign(client, mediator, other_mediator,
                                                                               make_case):
    from tests.admin_forms import management_data

    case = make_case("accepted", mediator=None, actor=None)
    url = reverse("admin:cases_case_change", args=[case.pk])
    client.force_login(mediator)
    case = Case.objects.get(pk=case.pk)
    data = {
        "channel": case.channel, "business": case.business_id, "product": case.product,
        "purchased_on": "2026-03-01", "amount_paid": "4299.00", "nature": case.nature, "category": case.category,
        "facts": case.facts, "demand_type": case.demand_type, "demand": case.demand, "amount_claimed": "4299.00",
        "mediator": other_mediator.pk, "change_reason": "交给乙办", **management_data(client, url),
        "notes-0-body": "",
    }
    assert case.mediator == mediator  # the accepting mediator took it on
    response = client.post(url, data)
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).mediator == mediator  # read-only for a mediator: not reassigned


def test_material_received_posted_twice_records_it_once(client, mediator, make_case):
    case = make_case()
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    client.force_login(mediator)
    first = client.post(_act_url(case, "supplement_received"), {"note": "发票已补"})
    second = client.post(_act_url(case, "supplement_received"), {"note": "发票已补"})
    assert first.status_code == second.status_code == 302
    assert any("不能执行此操作" in m for m in _messages(second)), _messages(second)
    assert CasePause.objects.get(case=case).ended_on is not None
    assert case.history.filter(history_change_reason__startswith="已收到补充材料").count() == 1


def test_material_requested_twice_opens_one_pause(client, mediator, make_case):
    case = make_case()
    client.force_login(mediator)
    first = client.post(_act_url(case, "request_supplement"), {"missing": "购物发票"})
    second = client.post(_act_url(case, "request_supplement"), {"missing": "购物发票"})
    assert first.status_code == second.status_code == 302
    assert any("不能执行此操作" in m for m in _messages(second)), _messages(second)
    assert CasePause.objects.filter(case=case).count() == 1


def test_the_services_refuse_the_second_submit_with_a_message(make_case, mediator):
    case = make_case()
    services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    with pytest.raises(ValidationError, match="已处于等待状态"):
        services.case_request_supplement(case_id=case.pk, actor=mediator, missing="购物发票")
    services.case_supplement_received(case_id=case.pk, actor=mediator)
    with pytest.raises(ValidationError, match="未在等待补充材料"):
        services.case_supplement_received(case_id=case.pk, actor=mediator)
