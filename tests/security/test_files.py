"""Stored files: judged by their content, stored under a name from the detected type, served only through the
access-checked view that every file field's `.url` points to (issue 10, points 1 and 4)."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from cases import services as case_services
from cases.models import Document, DocumentKind, Evidence, RejectionGround
from cases.validators import validate_evidence_file
from conftest import PDF_BYTES, PNG
from portal.views.public import GRANT_KEY

pytestmark = pytest.mark.django_db

JPEG_MAGIC = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def _real_jpeg_with_comment(comment: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 10)).save(out, format="JPEG", comment=comment)
    return out.getvalue()


POLYGLOTS = {
    "invoice.html": JPEG_MAGIC + b"<html><body><script>alert(document.cookie)</script></body></html>",
    "invoice.svg": JPEG_MAGIC + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "invoice.js": JPEG_MAGIC + b"\n<script>fetch('/admin/').then(r=>r.text())</script>",
    "photo.jpg": _real_jpeg_with_comment(b"<script>alert(1)</script>"),
    "png.html": PNG + b"<!DOCTYPE html><script>alert(1)</script>",
    "doc.pdf": b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF",
    "script.pdf": PDF_BYTES.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
}


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_polyglots_are_refused_by_content(name):
    with pytest.raises(ValidationError) as err:
        validate_evidence_file(SimpleUploadedFile(name, POLYGLOTS[name]))
    assert err.value.code == "file_type"


def test_polyglot_through_the_public_form_and_the_portal_is_refused(client, make_sheet, business_user):
    from portal.tests.test_public import _complaint

    upload = SimpleUploadedFile("invoice.html", POLYGLOTS["invoice.html"])
    response = client.post(reverse("public:complaint"), _complaint(evidence=[upload]))
    assert response.status_code == 400 and not Evidence.objects.exists()
    sheet = make_sheet()
    portal = Client()
    portal.force_login(business_user)
    response = portal.post(
        reverse("portal:sheet_evidence_upload", args=[sheet.pk]),
        {"file": SimpleUploadedFile("invoice.html", POLYGLOTS["invoice.svg"]), "description": "x"},
    )
    assert response.status_code == 400 and not Evidence.objects.exists()


def test_real_files_pass_and_are_stored_under_a_name_from_the_detected_type(make_case, mediator):
    case = make_case()
    png = case_services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("invoice.html", PNG))
    pdf = case_services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("x.exe", PDF_BYTES))
    jpeg = case_services.evidence_add(
        case_id=case.pk, actor=mediator, file=SimpleUploadedFile("a.jpg", _real_jpeg_with_comment(b"receipt 2026"))
    )
    assert png.file.name.endswith(".png") and "invoice" not in png.file.name
    assert pdf.file.name.endswith(".pdf") and "x.exe" not in pdf.file.name
    assert jpeg.file.name.endswith(".jpg")


def test_a_file_url_is_the_checked_view_and_media_is_not_served(make_case, mediator):
    case = make_case()
    item = case_services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("a.png", PNG))
    assert item.file.url == reverse("stored_file", kwargs={"name": item.file.name})
    anonymous = Client()
    assert anonymous.get(item.file.url).status_code == 404
    assert anonymous.get(f"/media/{item.file.name}").status_code == 404
    staff = Client()
    staff.force_login(mediator)
    response = staff.get(item.file.url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_anything_but_a_photo_or_a_pdf_is_an_attachment(make_case, mediator, settings):
    settings.EVIDENCE_ALLOWED_MIME_TYPES = [*settings.EVIDENCE_ALLOWED_MIME_TYPES]
    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64
    case = make_case()
    item = case_services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("a.html", mp3))
    assert item.file.name.endswith(".mp3")
    staff = Client()
    staff.force_login(mediator)
    response = staff.get(item.file.url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_business_reads_only_shared_evidence_and_its_documents_of_its_own_cases(
    make_sheet, business_user, other_business_user, mediator
):
    sheet = make_sheet()
    shared = case_services.evidence_add(
        case_id=sheet.case_id, actor=mediator, file=SimpleUploadedFile("a.png", PNG), shared_with_business=True
    )
    private = case_services.evidence_add(case_id=sheet.case_id, actor=mediator, file=SimpleUploadedFile("b.png", PNG))
    own, stranger = Client(), Client()
    own.force_login(business_user)
    stranger.force_login(other_business_user)
    assert own.get(shared.file.url).status_code == 200
    assert own.get(private.file.url).status_code == 404
    assert stranger.get(shared.file.url).status_code == 404
    sheet.document.refresh_from_db()
    assert sheet.document.pdf
    assert own.get(sheet.document.pdf.url).status_code == 200
    assert stranger.get(sheet.document.pdf.url).status_code == 404


def test_the_consumer_reads_their_documents_through_the_tracking_grant_only(make_case, mediator):
    case = make_case("submitted")
    case_services.case_reject(
        case_id=case.pk, actor=mediator, grounds=[RejectionGround.objects.filter(is_active=True).first()], explanation="未先协商"
    )
    notice = Document.objects.get(case=case, kind=DocumentKind.REJECTION_NOTICE)
    other = make_case("submitted")
    consumer = Client()
    assert consumer.get(notice.pdf.url).status_code == 404
    session = consumer.session
    session[GRANT_KEY] = {"case": other.pk, "until": time.time() + 600}
    session.save()
    assert consumer.get(notice.pdf.url).status_code == 404
    session[GRANT_KEY] = {"case": case.pk, "until": time.time() + 600}
    session.save()
    response = consumer.get(notice.pdf.url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_links_evidence_through_the_checked_view(client, make_case, mediator):
    case = make_case("accepted")
    item = case_services.evidence_add(case_id=case.pk, actor=mediator, file=SimpleUploadedFile("a.png", PNG))
    client.force_login(mediator)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert f'href="{item.file.url}"' in page and "/media/" not in page


def test_path_tricks_find_nothing(client, mediator):
    client.force_login(mediator)
    assert client.get("/files/../config/settings/base.py").status_code == 404
    assert client.get("/files/evidence/nothing.png").status_code == 404


PROJECT_APPS = ("accounts", "cases", "mediation", "reminders", "notifications", "documents", "reports", "portal",
                "backoffice", "workcalendar", "groups", "api", "ops")


def _project_file_fields():
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def test_every_stored_file_field_has_an_access_rule():
    """Seam between the models and the checked file view: a file field nobody registered in portal.files.OWNERS
    could be read only by superusers — or, worse, by a rule written somewhere else."""
    from portal.files import OWNERS

    owned = {(model, field) for model, field, _rule in OWNERS}
    missing = [f"{model.__name__}.{field.name}" for model, field in _project_file_fields() if (model, field.name) not in owned]
    assert not missing, f"file fields without an access rule in portal.files.OWNERS: {missing}"


def test_no_stored_file_keeps_the_uploads_own_name_or_extension():
    """Every field that takes an upload (validated by validate_evidence_file) names it from the detected type."""
    for model, field in _project_file_fields():
        if validate_evidence_file not in field.validators:
            continue
        if not callable(field.upload_to):
            pytest.fail(f"{model.__name__}.{field.name} stores files under the upload's own name")
        instance = model()
        name = field.generate_filename(instance, "evil-invoice.html")
        assert "evil-invoice" not in name and not name.endswith(".html"), f"{model.__name__}.{field.name}: {name}"
