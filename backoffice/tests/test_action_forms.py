"""The case page's action forms help: the reject form groups the grounds by their rule with the advice and shows
the complaint beside it; the appraisal form proposes no responsible party and never the association."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from backoffice.forms import AppraisalConclusionForm, RejectForm
from cases import services
from cases.models import GroundSource, RejectionGround
from mediation.services import appraisal

pytestmark = pytest.mark.django_db


def test_the_reject_form_groups_every_active_ground_by_source():
    groups = RejectForm().grounds_by_source()
    labels = [label for label, _items in groups]
    assert len(labels) == len(set(labels)) >= 2
    assert set(labels) <= {str(label) for label in GroundSource.labels}
    shown = [ground.pk for _label, items in groups for _box, ground in items]
    assert sorted(shown) == sorted(RejectionGround.objects.filter(is_active=True).values_list("pk", flat=True))
    for _label, items in groups:
        assert len({ground.source for _box, ground in items}) == 1


def test_the_reject_page_shows_the_facts_the_material_and_the_advice(client, mediator, make_case):
    case = make_case("submitted")
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 10)).save(out, format="PNG")
    services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("小票.png", out.getvalue()),
                          description="购物小票")
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_act", args=[case.pk, "reject"])).content.decode()
    assert case.facts in page and "购物小票" in page and "evidence-thumb" in page
    ground = RejectionGround.objects.filter(is_active=True).exclude(advice_zh="").first()
    assert ground.advice_zh in page
    assert page.count("<legend>") >= 2


def test_the_appraisal_form_proposes_no_party_and_never_the_association(make_case):
    form = AppraisalConclusionForm(case=make_case("accepted"))
    choices = [value for value, _label in form.fields["responsible_party"].choices]
    assert choices[0] == "" and "association" not in choices
    assert form.fields["responsible_party"].initial is None and form.fields["fee_borne_by"].initial is None
    assert not AppraisalConclusionForm({"conclusion": "合格", "received_on": "2026-06-15"}, case=None).is_valid()


def test_the_service_refuses_the_association_as_the_responsible_party(make_case, mediator):
    case = make_case("appraisal")
    with pytest.raises(ValidationError):
        appraisal.appraisal_conclude(case_id=case.pk, actor=mediator, conclusion="合格",
                                     responsible_party="association", fee_borne_by="business")


def test_a_stored_evidence_file_is_shown_by_preview_and_name_not_path(client, mediator, make_case):
    case = make_case("accepted")
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, format="JPEG")
    services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("receipt.jpg", out.getvalue()))
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    shown = page.split('class="evidence-thumb"')[1].split("</a>")[0]
    name = shown.split("<span>")[1].split("</span>")[0]
    assert name.endswith(".jpg") and "/" not in name  # the file's name, not its storage path
