"""Printable documents (转办单, 催办通知, 调解协议书, 告知书) as PDF, with Chinese text.

Documents are plain text rendered from Django templates (so their content can be frozen as issued), then laid out
here: a title, a block of "label: value" lines, and the body's paragraphs. Chinese uses ReportLab's built-in
Adobe-GB1 CID font (STSong-Light): nothing to download or ship, every Chinese-capable PDF reader has it, and the
text stays extractable (the tests read it back).
"""

from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK", spaceAfter=3 * mm)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm
)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BODY, fontSize=10, alignment=TA_CENTER, spaceAfter=6 * mm)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=10, leading=15)


@dataclass
class PdfDocument:
    title: str
    number: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)  # shown as a two-column table
    body: str = ""  # paragraphs separated by blank lines; single newlines are kept
    footer: str = ""


def render_pdf(document: PdfDocument) -> bytes:
    """Lay the document out on A4 and return the PDF bytes."""
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=document.title,
        subject=document.number,
    )
    story = [Paragraph(_text(document.title), _TITLE)]
    if document.number:
        story.append(Paragraph(_text(document.number), _SUBTITLE))
    if document.fields:
        story += [_fields_table(document.fields), Spacer(0, 6 * mm)]
    story += [Paragraph(_text(p), _BODY) for p in _paragraphs(document.body)]
    if document.footer:
        story += [Spacer(0, 10 * mm), Paragraph(_text(document.footer), _BODY)]
    pdf.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


def _fields_table(fields):
    rows = [
        [Paragraph(_text(label), _CELL), Paragraph(_text(value or "—"), _CELL)] for label, value in fields
    ]
    table = Table(rows, colWidths=[38 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), "#f0f0f0"),
            ]
        )
    )
    return table


def _paragraphs(body):
    return [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _text(value):
    """Escape for ReportLab's mini-markup and keep line breaks."""
    return escape(str(value)).replace("\n", "<br/>")


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.drawRightString(A4[0] - 22 * mm, 12 * mm, f"第 {doc.page} 页")
    canvas.restoreState()
