from io import BytesIO

import pytest
from pypdf import PdfReader

from documents.pdf import PdfDocument, render_pdf


def _text_of(pdf_bytes):
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf_bytes)).pages)


def test_chinese_text_renders_and_can_be_read_back():
    pdf = render_pdf(
        PdfDocument(
            title="消费者投诉转办单",
            number="ZB-2026-000123",
            fields=[("被投诉经营者", "华联电器商场"), ("诉求", "更换新冰箱 <b>&</b>")],
            body="经审查，本会已受理该投诉。\n\n请于2026年12月8日前答复。",
            footer="示范市消费者协会",
        )
    )
    assert pdf.startswith(b"%PDF")
    text = _text_of(pdf)
    for expected in (
        "消费者投诉转办单",
        "ZB-2026-000123",
        "华联电器商场",
        "更换新冰箱 <b>&</b>",
        "请于2026年12月8日前答复",
        "示范市消费者协会",
    ):
        assert expected in text.replace("\n", ""), expected


def test_long_documents_flow_onto_more_pages():
    pdf = render_pdf(PdfDocument(title="调解协议书", body="\n\n".join(["双方同意的条款。" * 20] * 30)))
    assert len(PdfReader(BytesIO(pdf)).pages) > 1


def test_the_chinese_font_is_embedded_where_the_project_installed_it():
    """bin/install-fonts (make install) provides AR PL UMing; CI must embed it, elsewhere a missing font skips."""
    import os

    from pypdf import PdfReader

    from documents import pdf

    if not pdf.FONT_EMBEDDED:
        if os.environ.get("CI"):
            pytest.fail("CI must embed the PDF font: make install runs bin/install-fonts")
        pytest.skip("the PDF font is not installed here (bin/install-fonts)")
    data = pdf.render_pdf(pdf.PdfDocument(title="调解协议书", number="XY-2026-000001", body="甲乙双方自愿达成如下协议。"))
    reader = PdfReader(BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = []
    for ref in fonts.values():
        font = ref.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object().get("/FontDescriptor")
            if descriptor is not None:
                descriptors.append(descriptor.get_object())
    assert any("/FontFile2" in d for d in descriptors), "no embedded TrueType font"
    assert "调解协议书" in reader.pages[0].extract_text()
