"""Required material and parties (暂行办法 arts. 7, 9–10): the consumer's address, an agent with ID and power of
attorney on staff intake and the online form, and a 举报 recorded apart and referred to the regulator."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Agent, Case
from conftest import PDF_BYTES
from portal.tests.test_public import _complaint

pytestmark = pytest.mark.django_db


def _poa(name="授权委托书.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_consumer_s_address_is_required_material(make_case, mediator):
    case = make_case(consumer={"name": "张伟", "phone": "13900001234"})
    assert case.missing_material() == ["消费者地址"]
    with pytest.raises(ValidationError, match="缺少"):
        services.case_accept(case_id=case.pk, actor=mediator)


def test_an_agent_needs_an_id_and_a_power_of_attorney(make_case, mediator):
    with pytest.raises(ValidationError) as refused:
        make_case(agent={"name": "李律师", "id_number": "", "power_of_attorney": None})
    assert set(refused.value.message_dict) == {"agent_id_number", "agent_power_of_attorney"}
    assert not Agent.objects.exists()
    with pytest.raises(ValidationError):  # not a PDF or image, whatever its name says
        make_case(agent={"name": "李律师", "id_number": "110101198001011234", "power_of_attorney": _poa(content=b"MZ")})
    case = make_case(agent={
        "name": "李律师", "id_number": "110101198001011234", "phone": "13700000000", "relationship": "律师",
        "power_of_attorney": _poa(),
    })
    assert case.agent.power_of_attorney_content_type == "application/pdf"
    assert case.missing_material() == []
    services.case_accept(case_id=case.pk, actor=mediator)


def test_staff_intake_with_an_agent(client, mediator, business):
    client.force_login(mediator)
    data = {
        "consumer_name": "王芳", "consumer_phone": "13900002222", "consumer_id_number": "",
        "consumer_address": "示范市", "channel": "walk_in", "received_at_0": "2026-06-15",
        "received_at_1": "10:00:00", "business": business.pk, "product": "洗衣机", "purchased_on": "2026-06-01",
        "amount_paid": "3199", "nature": "quality", "category": "household_appliances", "facts": "漏水",
        "demand_type": "repair", "demand": "维修", "amount_claimed": "", "mediator": mediator.pk,
        "agent_name": "王小芳", "agent_id_number": "", "report_text": "",
    }
    page = client.post(reverse("admin:cases_case_add"), data)
    assert page.status_code == 200 and not Case.objects.filter(consumer__phone="13900002222").exists()
    data |= {"agent_id_number": "110101199501011234", "agent_relationship": "女儿", "agent_power_of_attorney": _poa()}
    response = client.post(reverse("admin:cases_case_add"), data)
    assert response.status_code == 302
    agent = Case.objects.get(consumer__phone="13900002222").agent
    assert (agent.name, agent.relationship) == ("王小芳", "女儿")
    without_address = client.post(reverse("admin:cases_case_add"), data | {"consumer_address": "", "consumer_phone": "13900003333"})
    assert without_address.status_code == 200 and not Case.objects.filter(consumer__phone="13900003333").exists()


def test_online_form_requires_the_address_and_takes_an_agent_and_a_report(client):
    missing = client.post(reverse("public:complaint"), _complaint(consumer_address=""))
    assert missing.status_code == 400 and not Case.objects.exists()
    no_poa = client.post(reverse("public:complaint"), _complaint(agent_name="赵律师", agent_id_number="110101198001011234"))
    assert no_poa.status_code == 400 and not Case.objects.exists()
    filed = client.post(reverse("public:complaint"), _complaint(
        agent_name="赵律师", agent_id_number="110101198001011234", agent_phone="13800000001",
        agent_power_of_attorney=_poa(), report="该商场销售假冒品牌电饭煲",
    ))
    assert filed.status_code == 302
    case = Case.objects.get()
    assert case.agent.name == "赵律师" and case.report_text == "该商场销售假冒品牌电饭煲"


def test_a_report_is_referred_to_the_regulator_once(make_case, mediator, business_user):
    case = make_case(report_text="商家虚假宣传降噪效果")
    with pytest.raises(PermissionDenied):
        services.case_report_refer(case_id=case.pk, actor=business_user, regulator="示范市市场监督管理局")
    services.case_report_refer(case_id=case.pk, actor=mediator, regulator="示范市市场监督管理局", note="附投诉材料")
    case.refresh_from_db()
    assert (case.report_referred_to, case.report_referred_on) == ("示范市市场监督管理局", date(2026, 6, 15))
    assert case.state == "submitted"  # the complaint goes its own way
    with pytest.raises(ValidationError, match="举报已于2026-06-15移送"):
        services.case_report_refer(case_id=case.pk, actor=mediator, regulator="x")
    plain = make_case()
    with pytest.raises(ValidationError, match="没有可移送的举报"):
        services.case_report_refer(case_id=plain.pk, actor=mediator, regulator="x")


def test_the_referral_is_an_action_on_the_case_page(make_case, mediator, client):
    from backoffice.actions import available_actions

    case = make_case(report_text="假冒商品")
    assert "refer_report" in [a.name for a in available_actions(case, mediator)]
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[case.pk, "refer_report"])
    response = client.post(url, {"regulator": "示范市市场监督管理局", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.report_referred_on is not None
    assert "refer_report" not in [a.name for a in available_actions(case, mediator)]


def test_an_agent_recorded_after_intake_through_the_case_page(make_case, mediator, client):
    from backoffice.actions import available_actions

    case = make_case()
    assert "record_agent" in [a.name for a in available_actions(case, mediator)]
    client.force_login(mediator)
    url = reverse("admin:cases_case_act", args=[case.pk, "record_agent"])
    refused = client.post(url, {"name": "钱律师", "id_number": "110101198001011234"})
    assert refused.status_code == 200 and not Agent.objects.exists()
    done = client.post(url, {"name": "钱律师", "id_number": "110101198001011234", "power_of_attorney": _poa()})
    assert done.status_code == 302
    assert Case.objects.get(pk=case.pk).agent.name == "钱律师"
    with pytest.raises(ValidationError, match="已有委托代理人"):
        services.case_agent_set(case_id=case.pk, actor=mediator, name="x", id_number="y", power_of_attorney=_poa())
