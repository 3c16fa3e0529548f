"""Printable documents (转办单, 催办通知, 调解协议书, 告知书) as PDF, with Chinese text.

Documents are plain text rendered from Django templates (so their content can be frozen as issued), then laid out
here: a title, a block of "label: value" lines, and the body's paragraphs.

The Chinese font is embedded (a subset of the glyphs used), so a document prints the same on any machine and any
reader: AR PL UMing (文鼎明体, a Song/Ming face as official letters use), from Debian's fonts-arphic-uming, which
`make install` installs (bin/install-fonts); PDF_FONT_PATH points elsewhere. Where that file is missing, ReportLab's
built-in Adobe-GB1 CID font (STSong-Light) is used, which the reader must supply, and the system check
documents.W001 says so. Either way the text stays extractable (the tests read it back).
"""

import logging
import os
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

logger = logging.getLogger(__name__)

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/arphic/uming.ttc"
FALLBACK_FONT = "STSong-Light"


def _register_font() -> tuple[str, bool]:
    """The font the documents use, and whether it is embedded."""
    path = os.environ.get("PDF_FONT_PATH", DEFAULT_FONT_PATH)
    if os.path.exists(path):
        try:
            pdfmetrics.registerFont(TTFont("UMing", path, subfontIndex=0))
            return "UMing", True
        except Exception:  # a broken or unsupported font file: say so, and still print
            logger.exception("Cannot load the PDF font %s; falling back to %s (not embedded)", path, FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT, False


FONT, FONT_EMBEDDED = _register_font()

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK", spaceAfter=2 * mm)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm
)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=10, leading=13, spaceAfter=0)
_LETTERHEAD = ParagraphStyle("letterhead", parent=_BODY, fontSize=13, alignment=TA_CENTER, spaceAfter=2 * mm)
_NUMBER = ParagraphStyle("number", parent=_BODY, fontSize=10, alignment=TA_RIGHT, spaceAfter=4 * mm)
_SIGN = ParagraphStyle("sign", parent=_BODY, fontSize=11, leading=20, spaceAfter=0)


@dataclass
class PdfDocument:
    title: str
    number: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)  # shown as a two-column table
    body: str = ""  # paragraphs separated by blank lines; single newlines are kept
    footer: str = ""  # after the body, before the signatures
    issuer: str = ""  # the issuing body: the letterhead above the title, and the name over the seal place
    date: str = ""  # the issue date as written (core.dates.cn_date), under the issuer's name
    signatures: list[str] = field(default_factory=list)  # signature lines, e.g. "甲方（签字）"
    seal: bool = True  # the seal place (盖章处) at the issuer's name


def render_pdf(document: PdfDocument) -> bytes:
    """Lay the document out on A4 and return the PDF bytes.

    From the top: the issuer as letterhead, the title, the number on the right; the table; the body; the footer;
    the signature lines (name and date, two to a row); the issuer's name and the date on the right, with the seal
    place (a dashed circle marked 盖章处) over them.
    """
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=document.title,
        subject=document.number,
        author=document.issuer,
    )
    story = []
    if document.issuer:
        story.append(Paragraph(_text(document.issuer), _LETTERHEAD))
    story.append(Paragraph(_text(document.title), _TITLE))
    if document.number:
        story.append(Paragraph(_text(f"编号：{document.number}"), _NUMBER))
    if document.fields:
        story += [_fields_table(document.fields), Spacer(0, 6 * mm)]
    story += [Paragraph(_text(p), _BODY) for p in _paragraphs(document.body)]
    if document.footer:
        story += [Spacer(0, 4 * mm)] + [Paragraph(_text(p), _BODY) for p in _paragraphs(document.footer)]
    closing = []  # the signatures and the seal stay on one page
    issuer = _SealPlace(document.issuer, document.date, document.seal) if document.issuer or document.date else None
    if document.signatures:
        # An odd signature leaves the right half of its row free: the issuer's name and seal go there.
        beside = issuer if len(document.signatures) % 2 else None
        closing += [Spacer(0, 3 * mm), _signature_table(document.signatures, beside=beside)]
        issuer = None if beside is not None else issuer
    if issuer is not None:
        closing += [Spacer(0, 2 * mm), issuer]
    if closing:
        story.append(KeepTogether(closing))
    pdf.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buffer.getvalue()


BLANK = "_"  # the line to write on (the CID font has no no-break space to underline)


def _signature_table(labels, *, beside=None):
    cells = [
        Paragraph(f"{_text(label)}：{BLANK * 12}<br/>日期：{BLANK * 6}年{BLANK * 3}月{BLANK * 3}日", _SIGN)
        for label in labels
    ]
    if beside is not None:
        beside.width = 79 * mm
        cells.append(beside)
    rows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[83 * mm, 83 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm)]))
    return table


class _SealPlace(Flowable):
    """A dashed circle marked 盖章处 where the issuer's seal goes, drawn over the issuer's name and the date."""

    def __init__(self, issuer, date, seal):
        super().__init__()
        self.issuer, self.date, self.seal = issuer, date, seal
        self.width, self.height = 166 * mm, 34 * mm

    def draw(self):
        canvas = self.canv
        right = self.width - 4 * mm
        canvas.setFont(FONT, 12)
        canvas.drawRightString(right, 14 * mm, self.issuer)
        canvas.drawRightString(right, 7 * mm, self.date)
        if self.seal:
            centre_x = right - 24 * mm
            canvas.saveState()
            canvas.setDash(2, 2)
            canvas.setStrokeColor("#999999")
            canvas.circle(centre_x, 17 * mm, 16 * mm)
            canvas.setFillColor("#999999")
            canvas.setFont(FONT, 9)
            canvas.drawCentredString(centre_x, 26 * mm, "（盖章处）")
            canvas.restoreState()


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
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
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
