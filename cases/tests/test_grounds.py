"""The rejection and termination grounds seeded from domain.md are data: complete, bilingual, never deleted."""

import pytest
from django.db.models import ProtectedError

from backoffice.forms import RejectForm
from cases import services
from cases.models import RejectionGround, TerminationGround

pytestmark = pytest.mark.django_db


def test_every_list_of_domain_md_is_seeded():
    by_source = {
        source: RejectionGround.objects.filter(source=source).count()
        for source in ("acceptance_rules", "association_practice", "admin_rules_art15")
    }
    assert by_source == {"acceptance_rules": 7, "association_practice": 9, "admin_rules_art15": 5}
    assert TerminationGround.objects.count() == 8
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
    ground = RejectionGround.objects.get(code="AR07")
    services.case_reject(case_id=case.pk, actor=mediator, grounds=[ground], explanation="请先与商家协商")
    with pytest.raises(ProtectedError):
        ground.delete()
    ground.is_active = False
    ground.save()
    assert ground not in RejectForm().fields["grounds"].queryset
    assert ground in case.rejection_grounds.all()  # the old case still reads its ground
