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
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts as rl_ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import paragraph as rl_paragraph

logger = logging.getLogger(__name__)

DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/arphic/uming.ttc"
FALLBACK_FONT = "STSong-Light"

# The fallback chain (bin/install-fonts installs every file): a character the main face lacks is set in the first
# face below that has it, character by character, so a name such as 买买提·艾力, a GB 18030 character of CJK
# Extension B (𠮷) or an emoji never turns its neighbours into boxes. What no face has prints as MISSING.
FALLBACK_FACES = [
    ("HanaMinA", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),  # CJK Ext. A and rarer BMP ideographs
    ("HanaMinB", "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"),  # CJK Ext. B–F (GB 18030's plane 2)
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Latin, symbols
    ("Symbola", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),  # emoji, in black and white
]
MISSING = "□"
# Marks that only modify the character before them (emoji presentation, joiners, skin tones): dropped, so that a
# sequence prints as its base character instead of a run of boxes.
_MODIFIERS = {0x200D, 0xFE0E, 0xFE0F, 0x20E3, *range(0x1F3FB, 0x1F400)}


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


def _register_fallbacks() -> list[tuple[str, frozenset]]:
    faces = []
    for name, path in FALLBACK_FACES:
        if not os.path.exists(path):
            continue
        try:
            font = TTFont(name, path)
        except Exception:
            logger.exception("Cannot load the fallback PDF font %s", path)
            continue
        pdfmetrics.registerFont(font)
        faces.append((name, frozenset(font.face.charToGlyph)))
    return faces


FONT, FONT_EMBEDDED = _register_font()
_FONT_CHARS = (
    frozenset(pdfmetrics.getFont(FONT).face.charToGlyph) if FONT_EMBEDDED else None  # None: the CID font's range
)
FALLBACKS = _register_fallbacks()


def font_runs(value: str) -> list[tuple[str, str]]:
    """The text cut into (font name, text) runs: each character in the first face of the chain that has it."""
    runs: list[tuple[str, str]] = []
    for char in str(value):
        code = ord(char)
        if code in _MODIFIERS:
            continue
        font = _face_for(char, code)
        if font is None:
            font, char = FONT, MISSING
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def _face_for(char, code):
    if char in "\n\t" or _in_main_face(code):
        return FONT
    for name, chars in FALLBACKS:
        if code in chars:
            return name
    if unicodedata.category(char) == "Zs":
        return FONT
    return None


def _in_main_face(code):
    if _FONT_CHARS is not None:
        return code in _FONT_CHARS
    return code < 0x10000 and not 0xE000 <= code < 0xF900  # the CID font: the BMP, no private use


_BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK", spaceAfter=2 * mm)
_TITLE = ParagraphStyle(
    "title", parent=_BODY, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm
)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=10, leading=13, spaceAfter=0)
_LETTERHEAD = ParagraphStyle(
    "letterhead", parent=_BODY, fontSize=20, leading=28, alignment=TA_CENTER, textColor="#c00000", spaceAfter=1 * mm
)
_OFFICIAL_NUMBER = ParagraphStyle("official", parent=_BODY, fontSize=11, alignment=TA_CENTER, spaceAfter=5 * mm)
_NUMBER = ParagraphStyle("number", parent=_BODY, fontSize=9, alignment=TA_RIGHT, spaceAfter=3 * mm)
_ADDRESSEE = ParagraphStyle("addressee", parent=_BODY, spaceAfter=2 * mm)
_SIGN = ParagraphStyle("sign", parent=_BODY, fontSize=11, leading=20, spaceAfter=0)


@dataclass
class PdfDocument:
    title: str
    number: str = ""  # the register number (ZB-2026-000123), small on the right
    official_number: str = ""  # the 文号 (示消转〔2026〕第123号), centred under the letterhead
    addressee: str = ""  # 主送: the person or body the document is addressed to, "张三："
    fields: list[tuple[str, str]] = field(default_factory=list)  # shown as a two-column table
    body: str = ""  # paragraphs separated by blank lines; single newlines are kept
    footer: str = ""  # after the body, before the signatures
    issuer: str = ""  # the issuing body: the letterhead above the title, and the name over the seal place
    date: str = ""  # the issue date as written (core.dates.cn_date), under the issuer's name
    signatures: list[str] = field(default_factory=list)  # signature lines, e.g. "甲方（签字）"
    seal: bool = True  # the seal place (盖章处) at the issuer's name
    seal_image: str = ""  # a file with the association's seal (PNG with transparency), applied over the place


def render_pdf(document: PdfDocument) -> bytes:
    """Lay the document out on A4 and return the PDF bytes.

    From the top: the issuer as letterhead, the 文号, the title, the register number on the right; the addressee;
    the table; the body; the footer; the signature lines (name and date, two to a row); the issuer's name and the
    date on the right, with the seal place (a dashed circle marked 盖章处, or the seal image) over them; on every
    page "第 N 页 共 M 页".
    """
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=26 * mm,
        rightMargin=26 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
        title=document.title,
        subject=document.official_number or document.number,
        author=document.issuer,
        creator=document.issuer,
        lang="zh-CN",
        initialFontName=FONT,  # the page's opening font (ReportLab's Helvetica would be one not embedded)
    )
    story = []
    if document.issuer:
        story.append(Paragraph(_text(document.issuer), _LETTERHEAD))
    if document.official_number:
        story.append(Paragraph(_text(document.official_number), _OFFICIAL_NUMBER))
    story.append(Paragraph(_text(document.title), _TITLE))
    if document.number:
        story.append(Paragraph(_text(f"编号：{document.number}"), _NUMBER))
    if document.addressee:
        story.append(Paragraph(_text(document.addressee), _ADDRESSEE))
    if document.fields:
        story += [_fields_table(document.fields), Spacer(0, 6 * mm)]
    story += [Paragraph(_text(p), _BODY) for p in _paragraphs(document.body)]
    if document.footer:
        story += [Spacer(0, 4 * mm)] + [Paragraph(_text(p), _BODY) for p in _paragraphs(document.footer)]
    closing = []  # the signatures and the seal stay on one page
    issuer = (
        _SealPlace(document.issuer, document.date, document.seal, document.seal_image)
        if document.issuer or document.date
        else None
    )
    if document.signatures:
        # An odd signature leaves the right half of its row free: the issuer's name and seal go there.
        beside = issuer if len(document.signatures) % 2 else None
        closing += [Spacer(0, 3 * mm), _signature_table(document.signatures, beside=beside)]
        issuer = None if beside is not None else issuer
    if issuer is not None:
        closing += [Spacer(0, 2 * mm), issuer]
    if closing:
        story.append(KeepTogether(closing))
    pdf.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


BLANK = "_"  # the line to write on (the CID font has no no-break space to underline)


def _signature_table(labels, *, beside=None):
    line = f"{_text('日期：')}{BLANK * 6}{_text('年')}{BLANK * 3}{_text('月')}{BLANK * 3}{_text('日')}"
    cells = [Paragraph(f"{_text(label + '：')}{BLANK * 12}<br/>{line}", _SIGN) for label in labels]
    if beside is not None:
        beside.width = 75 * mm
        cells.append(beside)
    rows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[79 * mm, 79 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # for the empty cell: Helvetica would not be embedded
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        )
    )
    return table


class _SealPlace(Flowable):
    """The issuer's name and the date on the right, with the seal over them: the configured seal image, else a
    dashed circle marked 盖章处 where the seal is pressed by hand."""

    def __init__(self, issuer, date, seal, seal_image=""):
        super().__init__()
        self.issuer, self.date, self.seal, self.seal_image = issuer, date, seal, seal_image
        self.width, self.height = 158 * mm, 36 * mm

    def draw(self):
        canvas = self.canv
        right = self.width - 4 * mm
        draw_text(canvas, right, 14 * mm, self.issuer, size=12, align="right")
        draw_text(canvas, right, 7 * mm, self.date, size=12, align="right")
        if not self.seal:
            return
        centre_x = right - 22 * mm
        if self.seal_image and os.path.exists(self.seal_image):
            size = 38 * mm
            canvas.drawImage(
                self.seal_image, centre_x - size / 2, 13 * mm - size / 2, size, size, mask="auto",
                preserveAspectRatio=True,
            )
            return
        canvas.saveState()
        canvas.setDash(2, 2)
        canvas.setStrokeColor("#999999")
        canvas.circle(centre_x, 18 * mm, 17 * mm)
        canvas.setFillColor("#999999")
        draw_text(canvas, centre_x, 28 * mm, "（盖章处）", size=9, align="centre")
        canvas.restoreState()


def _fields_table(fields):
    rows = [
        [Paragraph(_text(label), _CELL), Paragraph(_text(value or "—"), _CELL)] for label, value in fields
    ]
    table = Table(rows, colWidths=[36 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
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
    """ReportLab's mini-markup for a text: escaped, line breaks kept, each character in a face that has it."""
    parts = []
    for font, run in font_runs(value):
        run = escape(run).replace("\n", "<br/>")
        parts.append(run if font == FONT else f'<font face="{font}">{run}</font>')
    return "".join(parts)


def draw_text(canvas, x, y, value, *, size, align="left"):
    """Draw one line on the canvas through the fallback chain (left of, right of or centred on x)."""
    runs = font_runs(value)
    width = sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs)
    x = {"left": x, "right": x - width, "centre": x - width / 2}[align]
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)


class _NumberedCanvas(Canvas):
    """Holds the pages back until the last one, so that each can say "第 N 页 共 M 页"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            draw_text(self, A4[0] / 2, 12 * mm, f"第 {number} 页 共 {total} 页", size=9, align="centre")
            super().showPage()
        super().save()


# Chinese line-breaking (禁则, GB/T 15834): no line starts with a closing or pausing mark, none ends with an
# opening one. ReportLab's CJK wrapping hangs one closing mark in the margin rather than start a line with it,
# but its list is Japanese (no full-width ，；：！？ …) and it has no rule for opening marks; both lists are
# completed here and the splitter (ReportLab's cjkFragSplit with the second rule added) takes its place.
CANNOT_START = ALL_CANNOT_START + "，；：！？》〉”’…—、。）〕】」』％‰℃·"
CANNOT_END = ALL_CANNOT_END + "（〔【「『《〈“‘￥"


def _cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):
    """ReportLab 5.1's cjkFragSplit with the Chinese rules: characters fill the line; the one that overflows
    starts the next line (in a Latin word or number, the word does), moved back while that line would start with
    a closing mark or this one end with an opening mark."""
    cjkU, make_line, ParaLines = rl_paragraph.cjkU, rl_paragraph.makeCJKParaLine, rl_paragraph.ParaLines
    chars = []
    for frag in frags:
        text = frag.text.decode(encoding) if isinstance(frag.text, bytes) else frag.text
        chars.extend([cjkU(t, frag, encoding) for t in text] if text else [cjkU(text, frag, encoding)])
    lines = []
    i = width_used = line_start = 0
    max_width = maxWidths[0]
    while i < len(chars):
        char = chars[i]
        i += 1
        w = char.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_width
            w = w.normalizedValue(max_width)
        width_used += w
        line_break = hasattr(char.frag, "lineBreak")
        if (width_used > max_width + 1e-8 and width_used > 0) or line_break:
            if not line_break and i > line_start + 1:
                i = _line_end(chars, line_start, i - 1)
                width_used = sum(c.width for c in chars[line_start:i])
            lines.append(
                make_line(chars[line_start:i], max_width, width_used, max_width - width_used, line_break, calcBounds)
            )
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append(make_line(chars[line_start:], max_width, width_used, max_width - width_used, False, calcBounds))
    return ParaLines(kind=1, lines=lines)


def _line_end(chars, line_start, overflow):
    """Where the next line starts, given the first character that did not fit: not inside a Latin word or number
    (after the last space or ideograph, if one is in the line's second half), not before a closing mark, not after
    an opening one."""
    start = overflow
    for _ in range(3):  # each rule may move the break into the other's way; settle in a few rounds
        before = start
        while start > line_start + 1 and (
            str(chars[start]) in CANNOT_START or str(chars[start - 1]) in CANNOT_END
        ):
            start -= 1
        if _in_word(chars[start - 1]) and _in_word(chars[start]):
            for j in range(start - 1, (line_start + start) >> 1, -1):
                if not _in_word(chars[j]):
                    start = j + 1
                    break
        if start == before:
            break
    return start


def _in_word(char):
    return ord(char) < 0x3000 and unicodedata.category(char)[0] in "LN"


def _word_split(word, maxWidths, fontName, fontSize, encoding="utf8"):
    """reportlab.lib.textsplit.wordSplit (a paragraph in one face) with the same rules: [(extra space, line)]."""
    if isinstance(word, bytes):
        word = word.decode(encoding)
    widths = [pdfmetrics.stringWidth(c, fontName, fontSize, encoding) for c in word]
    lines = []
    i = width_used = line_start = 0
    max_width = maxWidths[0]
    while i < len(word):
        width_used += widths[i]
        i += 1
        if width_used > max_width + 1e-8 and i > line_start + 1:
            i = _line_end(word, line_start, i - 1)
            lines.append([max_width - sum(widths[line_start:i]), word[line_start:i].strip()])
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            line_start = i
            width_used = 0
    if width_used > 0:
        lines.append([max_width - width_used, word[line_start:]])
    return lines


rl_paragraph.cjkFragSplit = _cjk_frag_split
rl_paragraph.wordSplit = _word_split


def _to_unicode_cmap(fontname, subset):
    """ReportLab 5.1's ToUnicode CMap, with each character written in UTF-16BE as the PDF standard asks: its own
    writes a plane-2 character (𠮷, U+20BB7) as five hex digits, so a reader copies or searches it as garbage."""
    chars = [f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *chars,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


rl_ttfonts.makeToUnicodeCMap = _to_unicode_cmap


# --- letters: address labels and one file to print -------------------------------------------------------------

LABEL_W, LABEL_H = 99 * mm, 67 * mm  # 2 × 4 labels on A4 (a common label sheet)


def render_address_labels(labels: list[tuple[str, str, str]], *, sender: str) -> bytes:
    """A4 sheets of address labels, eight to a page: each (recipient, address, reference) with the sender's
    return address in small type under it."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=FONT)
    canvas.setTitle("邮寄地址标签")
    for index, (recipient, address, reference) in enumerate(labels):
        if index and index % 8 == 0:
            canvas.showPage()
        column, row = index % 2, (index % 8) // 2
        x = 6 * mm + column * LABEL_W
        y = A4[1] - 15 * mm - (row + 1) * LABEL_H
        canvas.setDash(1, 2)
        canvas.setStrokeColor("#bbbbbb")
        canvas.rect(x, y, LABEL_W, LABEL_H)
        canvas.setFillColor("#000000")
        lines = _wrap(address, 22)
        top = y + LABEL_H - 14 * mm
        for n, line in enumerate(lines[:3]):
            draw_text(canvas, x + 8 * mm, top - n * 7 * mm, line, size=12)
        draw_text(canvas, x + 8 * mm, top - 3 * 7 * mm - 6 * mm, f"{recipient}　收", size=16)
        draw_text(canvas, x + 8 * mm, y + 12 * mm, f"寄件：{sender}", size=8)
        draw_text(canvas, x + 8 * mm, y + 7 * mm, reference, size=8)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text, width):
    text = str(text)
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of several (the letter queue prints labels and documents in one go)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(BytesIO(part))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
