from io import BytesIO

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
