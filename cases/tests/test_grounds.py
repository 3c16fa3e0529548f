"""The rejection and termination grounds seeded from domain.md are data: complete, bilingual, never deleted."""

import pytest
from django.db.models import ProtectedError

from backoffice.forms import RejectForm
from cases import services
from cases.models import RejectionGround, TerminationGround

pytestmark = pytest.mark.django_db


def test_every_list_of_domain_md_is_seeded():
    by_source = {
        source: RejectionGround.objects.filter(source=source, is_active=True).count()
        for source in ("acceptance_rules", "association_practice", "admin_rules_art15")
    }
    assert by_source == {"acceptance_rules": 7, "association_practice": 9, "admin_rules_art15": 6}
    assert TerminationGround.objects.filter(is_active=True).count() == 9
    assert RejectionGround.objects.filter(label_zh="经营者之间的购销纠纷", advised_channel="court").exists()
    assert RejectionGround.objects.filter(label_zh="被投诉方不明确").exists()
    assert TerminationGround.objects.filter(label_zh__contains="鉴定").exists()


@pytest.mark.parametrize("model", [RejectionGround, TerminationGround])
def test_each_ground_is_complete_in_both_languages(model):
    for ground in model.objects.all():
        assert ground.code and ground.label_zh and ground.label_en and ground.advice_zh and ground.advice_en
        assert ground.advised_channel


def test_a_used_ground_cannot_be_deleted_and_a_deactivated_one_is_not_offered(make_case, mediator):
    case = make_case()
    ground = RejectionGround.objects.get(code="AR17")
    services.case_reject(case_id=case.pk, actor=mediator, grounds=[ground], explanation="请先与商家协商")
    with pytest.raises(ProtectedError):
        ground.delete()
    ground.is_active = False
    ground.save()
    assert ground not in RejectForm().fields["grounds"].queryset
    assert ground in case.rejection_grounds.all()  # the old case still reads its ground


# --- the corrections of migration 0015 (issue 11), against 市场监督管理投诉举报处理暂行办法 arts. 15 and 21 ----------

ZANXING = "《市场监督管理投诉举报处理暂行办法》"


def _active(model, code):
    return model.objects.get(code=code, is_active=True)


def test_corrected_rows_are_replaced_never_rewritten():
    old = {g.code: g for g in RejectionGround.objects.filter(code__in=["AR05", "AR07", "AP09", "AD04", "AD05"])}
    assert not any(g.is_active for g in old.values())
    # The old texts stay as notices quoted them.
    assert old["AR07"].label_zh == "未先与经营者协商，或已进入行政复议、诉讼等司法程序"
    assert old["AP09"].label_zh == "其他违反法律法规的情形"
    assert not TerminationGround.objects.get(code="T03").is_active
    assert not TerminationGround.objects.get(code="T06").is_active


def test_corrected_texts_and_articles_match_the_sources():
    R, T = RejectionGround, TerminationGround
    # AR07 was two grounds: two rows, and reconsideration is not called a judicial procedure.
    assert _active(R, "AR17").label_zh == "未先与经营者协商"
    assert _active(R, "AR18").label_zh == "争议已申请行政复议，或者已进入仲裁、诉讼程序"
    assert "司法程序" not in _active(R, "AR18").label_zh
    assert _active(R, "AP19").label_zh == "不符合法律、法规规定的其他情形"
    ad14 = _active(R, "AD14")
    assert ad14.label_zh.startswith("除法律另有规定外") and ad14.article == f"{ZANXING}第十五条第（四）项"
    ad06 = _active(R, "AD06")
    assert ad06.label_zh == "法律、法规、规章规定不予受理的其他情形" and ad06.article == f"{ZANXING}第十五条第（六）项"
    assert [_active(R, f"AD0{n}").article for n in (1, 2, 3)] == [
        f"{ZANXING}第十五条第（{n}）项" for n in ("一", "二", "三")
    ]
    t13 = _active(T, "T13")
    assert t13.article.startswith(f"{ZANXING}第二十一条第（五）项") and t13.fact_check == "past_mediation_limit"
    t16 = _active(T, "T16")
    assert t16.label_zh == "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解"
    assert t16.article == f"{ZANXING}第二十一条第（三）项"
    t17 = _active(T, "T17")
    assert "第二十一条第（六）项" in t17.article and t17.fact_check == "after_acceptance"
    t04 = _active(T, "T04")
    assert t04.article == f"{ZANXING}第二十一条第（二）项" and t04.fact_check == "appraisal_in_dispute"


@pytest.mark.parametrize("model", [RejectionGround, TerminationGround])
def test_no_active_ground_points_back_to_the_association(model):
    assert not model.objects.filter(is_active=True, advised_channel="association").exists()


def test_a_ground_advising_this_association_is_refused_by_validation():
    from django.core.exceptions import ValidationError

    ground = RejectionGround(code="X1", label_zh="x", label_en="x", source="local", advised_channel="association")
    with pytest.raises(ValidationError, match="请建议本会调解以外的其他途径"):
        ground.full_clean()


def test_an_inactive_ground_is_refused_by_the_service(make_case, mediator):
    from django.core.exceptions import ValidationError

    case = make_case()
    with pytest.raises(ValidationError, match="已停用"):
        services.case_reject(
            case_id=case.pk, actor=mediator, grounds=[RejectionGround.objects.get(code="AR07")], explanation="x"
        )
    assert case.rejection_grounds.count() == 0
