from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from cases.users import get_system_user
from conftest import PDF_BYTES
from groups import services
from groups.models import ConsentAct, GroupMember, MemberConsent
from notifications.models import Notification

pytestmark = pytest.mark.django_db

GYM = dict(category="lifestyle", nature="contract", product="健身年卡", facts="健身房突然闭店，年卡无法使用")


def _consumer(n):
    return {"name": f"会员{n}", "phone": f"1380000{n:04d}", "email": f"m{n}@example.com", "address": "示范市幸福路1号"}


@pytest.fixture
def group(make_case, mediator, business):
    cases = [make_case("accepted", consumer=_consumer(n), amount_paid=Decimal("3000"), **GYM) for n in range(1, 4)]
    return services.group_create(
        actor=mediator, business=business, title="健身房闭店", dispute="预付年卡无法使用", category="lifestyle",
        nature="contract", case_ids=[c.pk for c in cases],
    )


def _members(group):
    return list(group.members.order_by("pk"))


def _written(member, act, mediator):
    return services.member_consent_record(
        member_id=member.pk, act=act, actor=mediator, via=MemberConsent.Via.WRITTEN,
        document=SimpleUploadedFile("授权委托书.pdf", PDF_BYTES, content_type="application/pdf"),
    )


def test_merge_leads_with_the_first_case_and_parks_the_others_audited_and_told(group, mediator):
    lead, second, third = _members(group)
    assert group.lead_case_id == lead.case_id
    assert Case.objects.get(pk=lead.case_id).pause_kind == ""
    parked = Case.objects.get(pk=second.case_id)
    assert parked.pause_kind == "group" and parked.next_reminder_on is None  # the ladder stops
    record = second.history.latest()
    assert record.history_user == mediator and group.number in record.history_change_reason
    assert group.number in parked.history.latest().history_change_reason
    assert Notification.objects.filter(template="groups/member_joined", to_address="13800000002").count() == 1
    assert Notification.objects.filter(template="groups/member_joined", channel="email").count() == 3


def test_split_out_continues_alone_audited_and_told(group, mediator):
    _lead, second, _third = _members(group)
    services.group_member_remove(member_id=second.pk, actor=mediator, reason="消费者要求单独处理")
    second.refresh_from_db()
    case = Case.objects.get(pk=second.case_id)
    assert second.left_on is not None and case.pause_kind == "" and case.pauses.get().ended_on is not None
    assert "消费者要求单独处理" in second.history.latest().history_change_reason
    assert "消费者要求单独处理" in case.history.latest().history_change_reason
    assert Notification.objects.filter(template="groups/member_left", to_address="13800000002").exists()
    # and may be merged again
    services.group_member_add(group_id=group.pk, case_id=case.pk, actor=mediator, via=GroupMember.Via.MERGED)


def test_merge_refuses_another_business_and_a_case_in_a_group(group, make_case, mediator, other_business):
    foreign = make_case("accepted", business=other_business)
    with pytest.raises(ValidationError):
        services.group_member_add(group_id=group.pk, case_id=foreign.pk, actor=mediator, via="merged")
    with pytest.raises(ValidationError):
        services.group_member_add(group_id=group.pk, case_id=group.lead_case_id, actor=mediator, via="merged")


def test_merge_needs_a_mediator(group, make_case, business_user):
    case = make_case("accepted")
    with pytest.raises(PermissionDenied):
        services.group_member_add(group_id=group.pk, case_id=case.pk, actor=business_user, via="merged")


def test_at_most_two_representatives(group, mediator):
    ids = [m.pk for m in _members(group)]
    with pytest.raises(ValidationError):
        services.group_representatives_set(group_id=group.pk, member_ids=ids, actor=mediator)
    reps = services.group_representatives_set(group_id=group.pk, member_ids=ids[:2], actor=mediator)
    assert len(reps) == 2


def test_a_representative_cannot_settle_for_a_member_who_did_not_consent(group, mediator):
    rep, consenting, silent = _members(group)
    services.group_representatives_set(group_id=group.pk, member_ids=[rep.pk], actor=mediator)
    for act in (ConsentAct.REPRESENTATION, ConsentAct.ACCEPT_SETTLEMENT):
        _written(consenting, act, mediator)
    _written(silent, ConsentAct.REPRESENTATION, mediator)  # represented, but no consent to settle
    settle = dict(actor=mediator, accepted=True, remedy="refund", amount=Decimal("2000"), representative_id=rep.pk)
    services.member_outcome_record(member_id=consenting.pk, **settle)
    with pytest.raises(ValidationError, match="会员3|has not consented"):
        services.member_outcome_record(member_id=silent.pk, **settle)
    silent.refresh_from_db()
    assert silent.outcome == ""
    # the member's own answer counts
    services.member_outcome_record(member_id=silent.pk, actor=mediator, accepted=False)


def test_a_withdrawn_consent_no_longer_binds(group, mediator):
    rep, member, _ = _members(group)
    services.group_representatives_set(group_id=group.pk, member_ids=[rep.pk], actor=mediator)
    _written(member, ConsentAct.REPRESENTATION, mediator)
    _written(member, ConsentAct.CHANGE_DEMAND, mediator)
    services.member_consent_record(
        member_id=member.pk, act=ConsentAct.CHANGE_DEMAND, actor=mediator, via="tracking_page", given=False
    )
    bound, skipped = services.group_demand_change(
        group_id=group.pk, actor=mediator, demand="退还剩余课时费", representative_id=rep.pk
    )
    assert [m.pk for m in bound] == [rep.pk] and member in skipped
    assert Case.objects.get(pk=rep.case_id).demand == "退还剩余课时费"
    assert Case.objects.get(pk=member.case_id).demand != "退还剩余课时费"


def test_written_consent_needs_the_signed_authorisation(group, mediator):
    with pytest.raises(ValidationError):
        services.member_consent_record(
            member_id=_members(group)[0].pk, act=ConsentAct.REPRESENTATION, actor=mediator, via="written"
        )


def test_lifecycle_one_sheet_listing_members_then_outcomes_per_member(group, mediator):
    case = services.group_transfer(group_id=group.pk, actor=mediator)
    sheet = case.transfer_sheet
    text = sheet.document.text
    assert "会员1" in text and "会员3" in text and "138****0002" in text and "13800000002" not in text
    assert ["涉及金额合计", "9,000.00元"] in sheet.document.fields or any(
        row[0] == "涉及金额合计" for row in sheet.document.fields
    )
    a, b, c = _members(group)
    services.member_outcome_record(member_id=a.pk, actor=mediator, accepted=True, remedy="refund", amount=Decimal("2500"))
    services.member_outcome_record(member_id=b.pk, actor=mediator, accepted=True, remedy="refund", amount=Decimal("2000"))
    services.member_outcome_record(member_id=c.pk, actor=mediator, accepted=False)
    agreements = services.group_settle(group_id=group.pk, actor=mediator)
    assert len(agreements) == 2
    assert Case.objects.get(pk=a.case_id).money_recovered == Decimal("2500")
    resolved_b = Case.objects.get(pk=b.case_id)
    assert resolved_b.state == "resolved" and resolved_b.money_recovered == Decimal("2000")
    c.refresh_from_db()
    left = Case.objects.get(pk=c.case_id)
    assert c.left_on is not None and left.is_open and left.pause_kind == ""
    group.refresh_from_db()
    assert group.status == "settled"


def test_settle_carries_out_the_answers_and_the_lead_waits_for_the_others(group, mediator):
    lead, second, third = _members(group)
    with pytest.raises(ValidationError, match="会员1"):
        services.group_settle(group_id=group.pk, actor=mediator)
    for member in (lead, second):
        services.member_outcome_record(
            member_id=member.pk, actor=mediator, accepted=True, remedy="refund", amount=Decimal("100")
        )
    assert len(services.group_settle(group_id=group.pk, actor=mediator)) == 1  # the second; the lead waits
    group.refresh_from_db()
    assert group.status == "open"
    assert Case.objects.get(pk=second.case_id).state == "resolved"
    assert Case.objects.get(pk=lead.case_id).is_open
    services.member_outcome_record(
        member_id=third.pk, actor=mediator, accepted=True, remedy="refund", amount=Decimal("100")
    )
    assert len(services.group_settle(group_id=group.pk, actor=mediator)) == 2
    group.refresh_from_db()
    assert group.status == "settled" and Case.objects.get(pk=lead.case_id).state == "resolved"


def test_withdraw_by_representative_binds_only_consenting(group, mediator):
    rep, member, other = _members(group)
    services.group_lead_change(group_id=group.pk, member_id=other.pk, actor=mediator)
    services.group_representatives_set(group_id=group.pk, member_ids=[rep.pk], actor=mediator)
    _written(member, ConsentAct.REPRESENTATION, mediator)
    _written(member, ConsentAct.WITHDRAW_DEMAND, mediator)
    bound, skipped = services.group_demand_withdraw(
        group_id=group.pk, actor=mediator, reason="已与经营者私下和解", representative_id=rep.pk,
        member_ids=[rep.pk, member.pk],
    )
    assert {m.pk for m in bound} == {rep.pk, member.pk} and skipped == []
    assert Case.objects.get(pk=member.case_id).state == "withdrawn"
    assert Case.objects.get(pk=other.case_id).is_open


def test_the_case_audit_trail_shows_the_membership_and_consents(group, mediator):
    from backoffice.audit import case_audit_trail

    _lead, second, _third = _members(group)
    _written(second, ConsentAct.ACCEPT_SETTLEMENT, mediator)
    services.group_member_remove(member_id=second.pk, actor=mediator, reason="单独处理")
    trail = case_audit_trail(Case.objects.get(pk=second.case_id))
    whats = [str(e.what) for e in trail]
    assert any(w.startswith(("Group complaint membership", "共同投诉成员")) for w in whats)
    assert any("单独处理" in e.reason for e in trail)
    assert len([w for w in whats if w.startswith(("Consent in the group complaint", "共同投诉中的同意"))]) == 1


def test_the_lead_may_leave_and_the_next_filed_member_leads(group, mediator):
    lead, second, _third = _members(group)
    services.group_member_remove(member_id=lead.pk, actor=get_system_user(), reason="自行起诉", by_consumer=True)
    group.refresh_from_db()
    assert group.lead_case_id == second.case_id
    assert Case.objects.get(pk=second.case_id).pause_kind == ""
    assert Case.objects.get(pk=lead.case_id).is_open
    assert "自行起诉" in lead.history.latest().history_change_reason
