"""Rule sets as data: each seeded rule set's periods, counted by hand on the 2026 calendar, a case keeping the rules
it was accepted under, and the extension by both parties' consent.

2026 calendar used below: Labour Day May 1–5 off (Sat May 9 worked); Dragon Boat Jun 19 off. Every case here is
filed (受理) on Mon 2 Mar 2026.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import deadlines, services
from cases.deadlines import Due, acceptance_due, business_answer_due, handling_due, mediation_due
from cases.models import Case, ConsentMethod, MediationExtension, RuleSet
from mediation.services.transfers import case_transfer

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
FILED = date(2026, 3, 2)  # Monday
APPRAISAL = [(date(2026, 3, 10), date(2026, 3, 20), "appraisal")]  # Mar 11–20 left out: 10 calendar days


def rules(code):
    return RuleSet.objects.get(code=code)


def use_only(code):
    """The association follows only this rule set (from its effective date)."""
    RuleSet.objects.update(is_active=False)
    RuleSet.objects.filter(code=code).update(is_active=True)
    return rules(code)


def _on(time_machine, day):
    time_machine.move_to(datetime.combine(day, time(10), tzinfo=TZ), tick=False)


def test_the_seeded_rule_sets_cite_their_sources():
    zanxing, shishi, shanghai, zhejiang = (
        rules(c) for c in ("zanxing-banfa-2022", "shishi-tiaoli-2024", "shanghai-2014", "zhejiang")
    )
    assert zanxing.is_active and not (shishi.is_active or shanghai.is_active or zhejiang.is_active)
    assert "第二十一条第（五）项" in zanxing.mediation_article and "第二十条" in zanxing.mediation_article
    assert (shishi.mediation_days, shishi.mediation_unit, shishi.mediation_excludes_appraisal) == (60, "calendar", True)
    assert "第四十六条第（三）项" in shishi.mediation_article and shishi.effective_from == date(2024, 7, 1)
    assert (shanghai.mediation_days, shanghai.extension_days) == (60, 30)
    assert "第五十六条" in shanghai.extension_article
    assert (zhejiang.acceptance_days, zhejiang.acceptance_unit, zhejiang.answer_days) == (5, "working", 5)


def test_zanxing_banfa_45_working_days_from_acceptance():
    # Mar: 3-6 (4), 9-13 (9), 16-20 (14), 23-27 (19), 30-31 (21); Apr: 1-3 (24), Qingming Apr 4-6 off, 7-10 (28),
    # 13-17 (33), 20-24 (38), 27-30 (42); May 1-5 off, May 6-8 (45) -> Fri May 8.
    assert mediation_due(FILED, rules=rules("zanxing-banfa-2022")) == Due(date(2026, 5, 8), False)


def test_shishi_tiaoli_60_days_with_appraisal_time_excluded():
    shishi = rules("shishi-tiaoli-2024")
    # Mar 2 + 60 = Fri May 1, Labour Day (May 1-5) -> Wed May 6.
    assert mediation_due(FILED, rules=shishi) == Due(date(2026, 5, 6), False)
    # Appraisal Mar 10-20 not counted (10 days): Mar 2 + 70 = Mon May 11, a working day.
    assert mediation_due(FILED, APPRAISAL, rules=shishi) == Due(date(2026, 5, 11), False)


def test_shanghai_60_days_appraisal_counted_and_30_more_with_consent():
    shanghai = rules("shanghai-2014")
    assert mediation_due(FILED, rules=shanghai) == Due(date(2026, 5, 6), False)  # as above: May 1 -> May 6
    # 上海's article says nothing of appraisal time: it is counted, so the pause changes nothing.
    assert mediation_due(FILED, APPRAISAL, rules=shanghai) == Due(date(2026, 5, 6), False)
    # +30 with both parties' consent: Mar 2 + 90 = Sun May 31 -> Mon Jun 1.
    assert mediation_due(FILED, rules=shanghai, extended_days=30) == Due(date(2026, 6, 1), False)


def test_zhejiang_accepts_in_5_working_days_and_the_business_answers_in_5():
    zhejiang = rules("zhejiang")
    assert acceptance_due(FILED, rules=zhejiang) == Due(date(2026, 3, 9), False)  # Mar 3, 4, 5, 6, 9
    # Transferred Tue Mar 3 + 5 = Sun Mar 8 -> Mon Mar 9 (before the handling deadline, Mar 2 + 15 = Tue Mar 17).
    assert business_answer_due(date(2026, 3, 3), filed_on=FILED, rules=zhejiang) == Due(date(2026, 3, 9), False)
    assert handling_due(FILED, rules=zhejiang) == Due(date(2026, 3, 17), False)


def test_no_rule_set_in_force_is_a_clear_error():
    RuleSet.objects.update(is_active=False)
    with pytest.raises(deadlines.NoRuleSetError, match="没有生效的规则集"):
        deadlines.rules_in_force(FILED)


def test_a_region_s_own_rule_set_wins_for_its_businesses(business):
    from cases.models import Region

    region = Region.objects.create(code="SH", name="示范区")
    shanghai = rules("shanghai-2014")
    shanghai.region, shanghai.is_active = region, True
    shanghai.save()
    assert deadlines.rules_in_force(FILED, region.pk) == shanghai
    assert deadlines.rules_in_force(FILED, None).code == "zanxing-banfa-2022"


def test_a_case_keeps_the_rules_it_was_accepted_under(make_case, mediator, time_machine):
    """The 实施条例 is adopted from 1 Apr 2026: the case filed on 2 Mar keeps 暂行办法's 45 working days, also when
    its dates are recomputed (calendar change, appraisal) later; a case filed after the change gets 60 days."""
    _on(time_machine, FILED)
    old = make_case("accepted")
    assert old.rule_set.code == "zanxing-banfa-2022" and old.mediation_due_on == date(2026, 5, 8)

    new_rules = rules("shishi-tiaoli-2024")
    new_rules.effective_from, new_rules.is_active = date(2026, 4, 1), True
    new_rules.save()
    _on(time_machine, date(2026, 4, 7))
    services.case_deadlines_recompute(case_ids=[old.pk])
    old.refresh_from_db()
    assert (old.rule_set.code, old.mediation_due_on, old.due_on) == ("zanxing-banfa-2022", date(2026, 5, 8), date(2026, 3, 17))

    new = make_case("accepted")  # filed Tue Apr 7: + 60 = Sat Jun 6 -> Mon Jun 8
    assert new.rule_set == new_rules and new.mediation_due_on == date(2026, 6, 8)


def test_a_rule_set_a_case_was_accepted_under_is_frozen(make_case):
    case = make_case("accepted")
    zanxing = case.rule_set
    zanxing.mediation_days = 60
    with pytest.raises(ValidationError, match="不得修改"):
        zanxing.save()
    zanxing.refresh_from_db()
    zanxing.effective_to = date(2026, 12, 31)  # ending it is allowed
    zanxing.save()
    zanxing.refresh_from_db()
    assert zanxing.effective_to == date(2026, 12, 31) and zanxing.mediation_days == 45


def _extend(case, actor, **overrides):
    kwargs = dict(
        case_id=case.pk, actor=actor, consumer_consent_on=date(2026, 4, 20),
        consumer_consent_method=ConsentMethod.SIGNED, business_consent_on=date(2026, 4, 21),
        business_consent_method=ConsentMethod.PHONE, note="双方同意继续调解",
    )
    return services.case_mediation_extend(**{**kwargs, **overrides})


def test_shanghai_extension_by_consent_records_both_consents_and_moves_the_limit(make_case, mediator, time_machine):
    use_only("shanghai-2014")
    _on(time_machine, FILED)
    case = make_case("mediating")
    assert case.rule_set.code == "shanghai-2014" and case.mediation_due_on == date(2026, 5, 6)
    _on(time_machine, date(2026, 4, 22))
    extension = _extend(case, mediator)
    case.refresh_from_db()
    assert case.mediation_extended_days == 30 and case.mediation_due_on == date(2026, 6, 1)
    assert (extension.consumer_consent_on, extension.business_consent_on) == (date(2026, 4, 20), date(2026, 4, 21))
    assert "第五十六条" in extension.article
    assert "第五十六条" in deadlines.citations(case)["mediation_due_on"]
    assert "30" in case.history.first().history_change_reason
    with pytest.raises(ValidationError, match="已经双方同意延长过"):
        _extend(case, mediator)


def test_extension_refused_where_the_rules_allow_none_or_consent_is_missing(make_case, mediator, business_user):
    case = make_case("mediating")  # 暂行办法: no extension
    with pytest.raises(ValidationError, match="不允许经同意延长调解"):
        _extend(case, mediator, consumer_consent_on=date(2026, 6, 15), business_consent_on=date(2026, 6, 15))
    use_only("shanghai-2014")
    shanghai_case = make_case("mediating")
    with pytest.raises(ValidationError, match="请登记消费者同意的日期"):
        _extend(shanghai_case, mediator, consumer_consent_on=None)
    with pytest.raises(ValidationError, match="同意日期须在受理日至今天之间"):
        _extend(shanghai_case, mediator, consumer_consent_on=date(2026, 6, 15), business_consent_on=date(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        _extend(shanghai_case, business_user, consumer_consent_on=date(2026, 6, 15),
                business_consent_on=date(2026, 6, 15))
    assert not MediationExtension.objects.exists()


def test_seam_extension_clears_the_mediation_limit_flag_and_the_sweep_agrees(make_case, mediator, time_machine):
    """The ladder flags the limit the day after it; an extension moves the limit and the flag goes."""
    from reminders.services import deadlines_sweep

    use_only("shanghai-2014")
    _on(time_machine, FILED)
    case = make_case("mediating")
    _on(time_machine, date(2026, 5, 7))
    deadlines_sweep()
    case.refresh_from_db()
    assert case.mediation_limit_reached_on == date(2026, 5, 6)
    _extend(case, mediator, consumer_consent_on=date(2026, 5, 7), business_consent_on=date(2026, 5, 7))
    case = Case.objects.get(pk=case.pk)
    assert case.mediation_due_on == date(2026, 6, 1) and case.mediation_limit_reached_on is None


def test_seam_transfer_sheet_and_case_page_cite_the_rule(make_case, mediator, admin_client, time_machine):
    _on(time_machine, FILED)
    case = make_case("accepted")
    _on(time_machine, date(2026, 3, 3))
    case_transfer(case_id=case.pk, actor=mediator)
    sheet_fields = dict(case.documents.get(kind="transfer_sheet").fields)
    assert "2026年3月10日前" in sheet_fields["答复期限"] and "本会转办规则" in sheet_fields["答复期限"]
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "第二十一条第（五）项" in page and "市场监督管理投诉举报处理暂行办法（2022年修订）" in page
