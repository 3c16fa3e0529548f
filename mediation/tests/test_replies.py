"""The business's answer (portal), messages, and the consumer's response and rating (tracking page)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Case
from cases.users import get_system_user
from mediation.models import BusinessReply, ConsumerResponse, FollowUp, SheetMessage
from mediation.services import follow_up, transfers
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _offer(sheet, user, **kwargs):
    data = {
        "kind": "offer",
        "remedy": "refund",
        "amount": Decimal("3000.00"),
        "explanation": "同意退款",
    } | kwargs
    return transfers.business_reply_submit(sheet_id=sheet.pk, actor=user, **data)


def test_a_reply_moves_the_case_to_replied_as_the_business_user(make_sheet, business_user, mediator):
    sheet = make_sheet()
    reply = _offer(sheet, business_user)
    case = Case.objects.get(pk=sheet.case_id)
    assert case.state == "replied" and not reply.is_late
    assert "3000.00" in case.reply_summary and "同意退款" in case.reply_summary
    latest = case.history.first()
    assert latest.state == "replied" and latest.history_user == business_user
    assert reply.history.get().history_user == business_user
    # the mediator is told in the application and by email; the consumer by SMS
    assert (
        Notification.objects.filter(template="mediation/business_reply", recipient_user=mediator).count() == 2
    )
    offer = Notification.objects.get(template="cases/consumer_notice", dedupe_key__startswith="delivery:",
                                     body__contains="选择接受")
    assert offer.to_address == "13900001234" and "查询" in offer.body


def test_a_late_reply_is_accepted_and_marked_late(make_sheet, business_user, time_machine):
    sheet = make_sheet()
    time_machine.move_to(sheet.answer_by + timedelta(days=2))
    reply = _offer(sheet, business_user)
    assert reply.is_late
    assert Case.objects.get(pk=sheet.case_id).state == "replied"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "offer", "remedy": ""}, "remedy"),
        ({"kind": "offer", "remedy": "compensation", "amount": None}, "amount"),
        ({"kind": "offer", "remedy": "refund", "amount": Decimal("-1")}, "amount"),
        ({"kind": "dispute", "explanation": "  "}, "explanation"),
        ({"kind": "maybe"}, "kind"),
    ],
)
def test_incomplete_replies_are_refused(make_sheet, business_user, data, field):
    sheet = make_sheet()
    with pytest.raises(ValidationError) as err:
        _offer(sheet, business_user, **data)
    assert field in err.value.message_dict
    assert Case.objects.get(pk=sheet.case_id).state == "transferred" and not BusinessReply.objects.exists()


def test_a_repair_offer_needs_no_amount_and_a_dispute_keeps_its_reasons(make_sheet, business_user):
    repair = _offer(make_sheet(), business_user, remedy="repair", amount=None)
    assert repair.amount is None
    dispute = transfers.business_reply_submit(
        sheet_id=make_sheet().pk,
        actor=business_user,
        kind="dispute",
        remedy="refund",
        explanation="已过保修期",
    )
    assert dispute.remedy == "" and not dispute.consumer_can_decide


def test_another_business_cannot_answer(make_sheet, other_business_user, mediator):
    sheet = make_sheet()
    with pytest.raises(PermissionDenied):
        _offer(sheet, other_business_user)
    with pytest.raises(PermissionDenied):
        transfers.sheet_message_add(sheet_id=sheet.pk, actor=other_business_user, body="我来看看")
    assert Case.objects.get(pk=sheet.case_id).state == "transferred"
    assert not SheetMessage.objects.exists()


def test_a_sheet_is_answered_once(make_sheet, business_user):
    sheet = make_sheet()
    _offer(sheet, business_user)
    with pytest.raises(ValidationError):
        _offer(sheet, business_user, amount=Decimal("1"))
    assert BusinessReply.objects.get().amount == Decimal("3000.00")


def test_no_reply_once_the_association_mediates(make_sheet, business_user, mediator):
    sheet = make_sheet()
    from cases.services import case_start_mediation

    case_start_mediation(case_id=sheet.case_id, actor=mediator, reason="企业逾期未答复")
    with pytest.raises(ValidationError):
        _offer(sheet, business_user)


def test_business_messages_notify_the_mediator(make_sheet, business_user, mediator):
    sheet = make_sheet()
    message = transfers.sheet_message_add(sheet_id=sheet.pk, actor=business_user, body="已联系消费者")
    assert message.side == "business" and message.history.get().history_user == business_user
    assert Notification.objects.get(template="mediation/business_message").recipient_user == mediator
    with pytest.raises(ValidationError):
        transfers.sheet_message_add(sheet_id=sheet.pk, actor=business_user, body="   ")


def test_accepting_the_offer_resolves_the_case_with_the_amount(make_sheet, business_user, mediator):
    sheet = make_sheet()
    _offer(sheet, business_user)
    response = transfers.consumer_offer_respond(case_id=sheet.case_id, accept=True, comment="可以")
    case = Case.objects.get(pk=sheet.case_id)
    assert case.state == "resolved" and case.money_recovered == Decimal("3000.00")
    latest = case.history.first()
    assert latest.history_user == get_system_user()
    assert "同意退款" in latest.history_change_reason
    assert response.decision == ConsumerResponse.Decision.ACCEPTED and response.comment == "可以"
    # The outcome is recorded as on any resolution (the remedy offered), but no mediation took place: a 和解记录
    # is issued, not a 调解协议书, and it names no mediator.
    remedy = case.remedies.get()
    assert (remedy.kind, remedy.amount) == ("refund", Decimal("3000.00"))
    record = case.documents.get(kind="settlement")
    assert record.title == "和解记录" and "主持调解" not in record.text and "未另行组织调解" in record.text
    assert not case.documents.filter(kind="agreement").exists()
    assert set(case.deliveries.filter(document=record).values_list("party", flat=True)) == {"consumer", "business"}
    notices = Notification.objects.filter(template="mediation/consumer_response", recipient_user=mediator)
    assert notices.count() == 2
    with pytest.raises(ValidationError):
        transfers.consumer_offer_respond(case_id=sheet.case_id, accept=False)


def test_refusing_the_offer_starts_mediation(make_sheet, business_user):
    sheet = make_sheet()
    _offer(sheet, business_user)
    transfers.consumer_offer_respond(case_id=sheet.case_id, accept=False, comment="金额太低")
    case = Case.objects.get(pk=sheet.case_id)
    assert case.state == "mediating"
    assert "金额太低" in case.history.first().history_change_reason


def test_a_dispute_is_not_put_to_the_consumer(make_sheet, business_user):
    sheet = make_sheet()
    transfers.business_reply_submit(
        sheet_id=sheet.pk, actor=business_user, kind="dispute", explanation="非质量问题"
    )
    with pytest.raises(ValidationError):
        transfers.consumer_offer_respond(case_id=sheet.case_id, accept=True)
    assert Case.objects.get(pk=sheet.case_id).state == "replied"


def test_accepting_the_demand_recovers_the_value_demanded(make_sheet, business_user):
    """The business accepts the demand without naming an amount: 挽回经济损失 is the value the consumer claimed (or
    the price paid), never 0 for a replacement worth thousands."""
    sheet = make_sheet()
    transfers.business_reply_submit(sheet_id=sheet.pk, actor=business_user, kind="accept", amount=None)
    transfers.consumer_offer_respond(case_id=sheet.case_id, accept=True)
    case = Case.objects.get(pk=sheet.case_id)
    expected = case.amount_claimed if case.amount_claimed is not None else case.amount_paid
    assert expected and case.money_recovered == expected


def test_the_consumer_rates_after_the_outcome(make_sheet, business_user):
    sheet = make_sheet()
    _offer(sheet, business_user)
    with pytest.raises(ValidationError):
        follow_up.consumer_rate(case_id=sheet.case_id, satisfaction=5)
    transfers.consumer_offer_respond(case_id=sheet.case_id, accept=True)
    rating = follow_up.consumer_rate(case_id=sheet.case_id, satisfaction=4, comment="处理及时")
    assert rating.channel == FollowUp.Channel.ONLINE and rating.recorded_by == get_system_user()


def test_the_case_page_shows_the_reply_and_the_consumer_response(client, make_sheet, business_user, mediator):
    from django.urls import reverse

    sheet = make_sheet()
    _offer(sheet, business_user, explanation="愿意全额退款")
    transfers.consumer_offer_respond(case_id=sheet.case_id, accept=False, comment="还要赔偿交通费")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[sheet.case_id])).content.decode()
    assert "愿意全额退款" in page and "3000.00" in page and "不接受经营者答复" in page
    trail = client.get(reverse("admin:cases_case_trail", args=[sheet.case_id])).content.decode()
    assert "还要赔偿交通费" in trail  # the section the page reads when it is opened
