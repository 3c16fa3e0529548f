"""Evidence previews: a photo and a PDF's first page get a small PNG once, on upload; other files get none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from cases import services
from cases.models import Evidence

pytestmark = pytest.mark.django_db


def _jpeg(size=(1600, 1200)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("收据.jpg", out.getvalue(), content_type="image/jpeg")


def _pdf():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.rect(50, 50, 400, 600, fill=1)
    page.showPage()
    page.save()
    return SimpleUploadedFile("发票.pdf", out.getvalue(), content_type="application/pdf")


def _size(field):
    with field.open("rb"):
        return Image.open(io.BytesIO(field.read())).size


def test_a_photo_gets_a_thumbnail(make_case, mediator):
    case = make_case("accepted")
    item = services.evidence_add(case_id=case.pk, actor=mediator, file=_jpeg())
    assert item.preview.name.endswith(".png")
    assert max(_size(item.preview)) <= 480
    assert _size(item.file) == (1600, 1200)  # the original is stored whole


def test_a_pdf_gets_its_first_page(make_case, mediator):
    case = make_case("accepted")
    item = services.evidence_add(case_id=case.pk, actor=mediator, file=_pdf())
    width, height = _size(item.preview)
    assert height == 480 and width < height  # a portrait A4 page
    with item.file.open("rb"):
        assert item.file.read(5) == b"%PDF-"


def test_a_file_that_cannot_be_drawn_has_no_preview():
    from cases.previews import preview_of

    broken = SimpleUploadedFile("坏.pdf", b"%PDF-1.4\n" + b"\0" * 400, content_type="application/pdf")
    assert preview_of(broken, "application/pdf") is None and broken.tell() == 0  # rewound for storing
    assert preview_of(SimpleUploadedFile("a.mp3", b"ID3" + b"\0" * 100), "audio/mpeg") is None


def test_the_command_makes_missing_previews_once(make_case, mediator):
    case = make_case("accepted")
    item = services.evidence_add(case_id=case.pk, actor=mediator, file=_jpeg())
    Evidence.objects.filter(pk=item.pk).update(preview="")
    rows = item.history.count()
    call_command("make_evidence_previews")
    item.refresh_from_db()
    assert item.preview and item.history.count() == rows
