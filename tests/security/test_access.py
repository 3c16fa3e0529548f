"""Access: portal membership chosen by supervisors only and audited; signed links die when the contact address
changes; the publication privacy guard; ID numbers masked (issue 10, point 4)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import management_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _business_form(client, business, members):
    url = reverse("admin:cases_business_change", args=[business.pk])
    data = {
        "name": business.name, "credit_code": business.credit_code or "", "address": business.address,
        "contact_person": business.contact_person, "phone": business.phone, "email": business.email,
        "region": business.region_id or "", "members": [u.pk for u in members],
        **management_data(client, url),
    }
    return client.post(url, data)


def test_a_mediator_cannot_make_themselves_a_portal_user(business, mediator):
    client = Client()
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_business_change", args=[business.pk])).content.decode()
    assert 'name="members"' not in page
    _business_form(client, business, [mediator])
    assert not business.members.filter(pk=mediator.pk).exists()


def test_a_supervisor_chooses_portal_users_and_the_history_records_it(business, supervisor):
    newcomer = UserFactory(username="xinren")
    client = Client()
    client.force_login(supervisor)
    response = _business_form(client, business, [newcomer])
    assert response.status_code == 302
    assert list(business.members.all()) == [newcomer]
    latest = business.history.latest()
    assert latest.history_user == supervisor
    assert [m.user_id for m in latest.members.all()] == [newcomer.pk]
    before = business.history.earliest()
    assert newcomer.pk not in [m.user_id for m in before.members.all()]



def test_a_signed_link_dies_when_the_business_contact_email_changes(make_sheet):
    from mediation.links import portal_sheet_link

    sheet = make_sheet()
    link = "/" + portal_sheet_link(sheet).split("://", 1)[1].split("/", 1)[1]
    assert Client().get(link).status_code == 302
    business = sheet.business
    business.email = "new-contact@example.cn"
    business.save()
    assert Client().get(link).status_code == 403
    fresh = "/" + portal_sheet_link(sheet).split("://", 1)[1].split("/", 1)[1]
    assert Client().get(fresh).status_code == 302


@pytest.mark.parametrize(
    "leak",
    ["139 0000 1234", "139-0000-1234", "１３９００００１２３４", "１３９ ００００ １２３４", "张 伟", "张　伟",
     "110101 19900101 1234", "１１０１０１１９９００１０１１２３４"],
)
def test_the_privacy_guard_sees_through_spacing_and_full_width_forms(make_case, mediator, supervisor, leak):
    from datetime import date

    from django.core.exceptions import ValidationError

    from mediation.models import Publication
    from mediation.services.escalation import (
        escalation_decide,
        escalation_propose,
        escalation_publication_record,
    )

    case = make_case("terminated")
    assert case.consumer.phone == "13900001234" and case.consumer.name == "张伟"
    proposal = escalation_propose(
        case_id=case.pk, actor=mediator, kind="publicity", reasons="多次拒不答复转办单，拒不履行法定义务"
    )
    escalation_decide(case_id=case.pk, escalation_id=proposal.pk, actor=supervisor, approve=True, note="同意")
    with pytest.raises(ValidationError):
        escalation_publication_record(
            case_id=case.pk, escalation_id=proposal.pk, actor=mediator, outlet="示范日报",
            published_on=date.today(), title="曝光", summary=f"消费者{leak}投诉该商场",
        )
    assert not Publication.objects.exists()


def test_the_privacy_guard_lets_ordinary_numbers_through():
    from core.text import mentions

    assert not mentions("2026年6月15日，涉案金额4299元", "13900001234")
    assert mentions("电话 +86 139 0000 1234", "13900001234")


def test_secrets_leave_the_outbox_once_sent_and_never_reach_the_sms_log(
    client, caplog, django_capture_on_commit_callbacks, make_sheet
):
    import logging

    from notifications.models import Notification
    from portal.tests.test_public import _filed

    case, number, _secret = _filed(client)
    with caplog.at_level(logging.INFO, logger="notifications.sms"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("public:track"), {"p-number": number, "p-phone": "13800138000"})
    sms = Notification.objects.get(template="portal/tracking_code")
    assert sms.status == "sent"
    assert not any(ch.isdigit() for ch in sms.context["code"]) and "[***]" in sms.body
    assert sms.body.count("[***]") == 1
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "SMS (not sent" in logged and "[***]" in logged

    with django_capture_on_commit_callbacks(execute=True):
        sheet = make_sheet()
    email = Notification.objects.get(template="mediation/transfer_sheet", object_id=str(sheet.pk))
    assert email.status == "sent" and "sesame=" not in email.body and "sesame" not in str(email.context)
    from django.core import mail

    assert any("sesame=" in m.body for m in mail.outbox)  # the business did get its link


def test_the_consumer_page_masks_the_id_number_for_a_mediator(make_case, mediator, supervisor):
    case = make_case()
    consumer = case.consumer
    url = reverse("admin:cases_consumer_change", args=[consumer.pk])
    client = Client()
    client.force_login(mediator)
    page = client.get(url).content.decode()
    assert "110101199001011234" not in page and "1101**********1234" in page
    data = {"name": consumer.name, "phone": consumer.phone, "id_number": "", "address": "", "email": ""}
    assert client.post(url, data).status_code == 302
    consumer.refresh_from_db()
    assert consumer.id_number == "110101199001011234"  # an empty box keeps the number
    consumer.address = "新地址"
    consumer.save()
    history = client.get(reverse("admin:cases_consumer_history", args=[consumer.pk])).content.decode()
    assert "110101199001011234" not in history
    version = consumer.history.first().history_id
    assert client.get(reverse("admin:cases_consumer_simple_history", args=[consumer.pk, version])).status_code == 403
    boss = Client()
    boss.force_login(supervisor)
    assert "110101199001011234" in boss.get(url).content.decode()
