"""Evidence uploads: size and type limits judged by content, with clear translated errors."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Evidence
from conftest import PDF_BYTES as PDF
from conftest import PNG
from tests.admin_forms import management_data

pytestmark = pytest.mark.django_db


def test_a_real_png_is_stored_with_its_sniffed_type(make_case, mediator):
    case = make_case()
    item = services.evidence_add(
        case_id=case.pk, actor=mediator, file=SimpleUploadedFile("发票.png", PNG), description="发票"
    )
    assert item.content_type == "image/png" and item.size == len(PNG) and item.uploaded_by == mediator
    assert item.history.get().history_user == mediator


def test_type_is_judged_by_content_not_by_name(make_case, mediator):
    case = make_case()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        services.evidence_add(
            case_id=case.pk, actor=mediator, file=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image at all")
        )
    assert err.value.code == "file_type"
    assert not Evidence.objects.exists()
    pdf_named_txt = services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("a.txt", PDF))
    assert pdf_named_txt.content_type == "application/pdf"


def test_oversized_files_are_refused(make_case, mediator, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    case = make_case()
    with pytest.raises(ValidationError) as err:
        services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("big.png", PNG + b"0" * 2000))
    assert err.value.code == "file_too_large"
    with pytest.raises(ValidationError) as err:
        services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("empty.png", b""))
    assert err.value.code == "file_empty"


def test_admin_inline_upload_rejects_a_disguised_file_and_keeps_the_rest(client, mediator, make_case):
    case = make_case("accepted")
    client.force_login(mediator)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = {
        "channel": case.channel, "business": case.business_id, "product": case.product,
        "purchased_on": "2026-03-01", "amount_paid": "4299.00", "nature": case.nature, "category": case.category,
        "facts": case.facts, "demand_type": case.demand_type, "demand": case.demand, "amount_claimed": "4299.00",
        **management_data(client, url, extra_forms={"evidence": 1}),
        "evidence-0-file": SimpleUploadedFile("invoice.pdf", b"#!/bin/sh\nrm -rf /\n"),
        "evidence-0-description": "发票", "notes-0-body": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "不支持该文件类型" in response.content.decode()
    assert not Evidence.objects.exists()
    data["evidence-0-file"] = SimpleUploadedFile("invoice.png", PNG)
    response = client.post(url, data)
    assert response.status_code == 302
    assert Evidence.objects.get().content_type == "image/png"
