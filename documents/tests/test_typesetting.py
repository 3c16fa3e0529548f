"""The typesetting of every document: embedded fonts, the fallback chain, 禁则, page numbers (documents.pdf)."""

import os
import shutil
import subprocess
from io import BytesIO

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from documents import pdf

NAMES = "买买提·艾力"
HARD = f"{NAMES} 𠮷祥 小明😀（联系电话 13800000000）"


def _need_fonts():
    if pdf.FONT_EMBEDDED and len(pdf.FALLBACKS) == len(pdf.FALLBACK_FACES):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must have the PDF fonts: make install runs bin/install-fonts")
    pytest.skip("the PDF fonts are not installed here (bin/install-fonts)")


def _fonts_of(reader):
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            embedded = False
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded = True
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def test_every_font_of_a_document_is_a_subset_embedded():
    _need_fonts()
    data = pdf.render_pdf(
        pdf.PdfDocument(
            title="调解协议书",
            official_number="示消协〔2026〕第1号",
            addressee=f"{NAMES}：",
            fields=[("甲方（消费者）", HARD)],
            body=HARD,
            issuer="示范市消费者协会",
            date="2026年6月15日",
            signatures=["甲方（消费者）签字", "乙方（经营者）签章", "调解员签字"],
        )
    )
    fonts = _fonts_of(PdfReader(BytesIO(data)))
    assert fonts and all(fonts.values()), fonts
    # subset: ReportLab names its subsets with a six-letter tag
    assert all(name.split("+")[0].lstrip("/").isalpha() and "+" in name for name in fonts), fonts
    assert len(data) < 400_000, "the faces must be subset, not embedded whole"


def test_hard_characters_come_back_as_written():
    _need_fonts()
    data = pdf.render_pdf(pdf.PdfDocument(title="告知书", body=HARD))
    text = PdfReader(BytesIO(data)).pages[0].extract_text().replace("\n", "")
    for piece in (NAMES, "𠮷祥", "小明😀（联系电话 13800000000）"):
        assert piece in text


def test_each_character_is_set_in_a_face_that_has_it():
    _need_fonts()
    runs = pdf.font_runs("买·𠮷😀👍🏽❤️A")
    text = "".join(run for _, run in runs)
    assert text == "买·𠮷😀👍❤A"  # the skin tone and the presentation selector are dropped, nothing is boxed
    assert pdf.MISSING not in text
    assert pdf.font_runs("\U0010fffd") == [(pdf.FONT, pdf.MISSING)]  # what no face has is a visible mark


def _png(data, tmp_path, name):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have pdftoppm: make install runs bin/install-fonts")
        pytest.skip("pdftoppm is not installed here (bin/install-fonts)")
    path = tmp_path / name
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(tmp_path / name)], check=True)
    return Image.open(f"{tmp_path / name}.png").convert("L")


def _line(text):
    return pdf.render_pdf(pdf.PdfDocument(title="告知书", body=text, seal=False))


def _body_line(page):
    """The box (left, top, right, bottom) of the body's first line: the second band of inked rows (the title is
    the first)."""
    inverted = ImageChops.invert(page)
    bands, top = [], None
    for y in range(page.height):
        inked = inverted.crop((0, y, page.width, y + 1)).getbbox() is not None
        if inked and top is None:
            top = y
        elif not inked and top is not None:
            bands.append((top, y))
            top = None
    top, bottom = bands[1]
    left, _, right, _ = inverted.crop((0, top, page.width, bottom)).getbbox()
    return left, top, right, bottom


def test_neighbours_of_hard_characters_render_as_without_them(tmp_path):
    """A character set in a fallback face must not disturb the ones beside it: the text before it renders pixel
    for pixel as it does alone; the emoji is a glyph; the text after it is all there."""
    _need_fonts()
    with_hard = _png(_line("小明😀（联系电话"), tmp_path, "hard")
    alone = _png(_line("小明"), tmp_path, "alone")
    box = _body_line(alone)
    assert ImageChops.difference(with_hard.crop(box), alone.crop(box)).getbbox() is None
    left, top, right, bottom = _body_line(with_hard)
    char = (box[2] - box[0]) / 2  # one character's width
    assert right - left > char * 7.5  # 小明, the emoji, （联系电话: nothing swallowed
    emoji = ImageChops.invert(with_hard.crop((int(box[2] + 1), top, int(box[2] + char), bottom)))
    assert emoji.getbbox() is not None
    plain = _png(_line("小明口（联系电话"), tmp_path, "plain")
    # the text after the emoji is the same as after a plain character of the same width
    after = (int(box[2] + char + 4), top, right, bottom)
    assert ImageChops.difference(with_hard.crop(after), plain.crop(after)).getbbox() is None
    for text in (NAMES, "𠮷祥"):
        left, top, right, bottom = _body_line(_png(_line(text), tmp_path, "name"))
        assert right - left > char * (len(text) - 1)


def test_no_line_starts_with_a_closing_mark_nor_ends_with_an_opening_one():
    _need_fonts()
    body = "".join(f"第{i}条，甲方应当（在期限内）履行“协议”；" for i in range(40))
    text = PdfReader(BytesIO(pdf.render_pdf(pdf.PdfDocument(title="协议", body=body)))).pages[0].extract_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 5
    for line in lines:
        assert line[0] not in pdf.CANNOT_START, line
        assert line[-1] not in pdf.CANNOT_END, line


def test_every_page_says_which_of_how_many():
    data = pdf.render_pdf(pdf.PdfDocument(title="调解协议书", body="\n\n".join(["双方同意的条款。" * 20] * 30)))
    reader = PdfReader(BytesIO(data))
    total = len(reader.pages)
    assert total > 1
    for number, page in enumerate(reader.pages, start=1):
        assert f"第 {number} 页 共 {total} 页" in page.extract_text()


def test_the_seal_image_is_applied_where_configured(tmp_path):
    seal = tmp_path / "seal.png"
    Image.new("RGBA", (200, 200), (200, 0, 0, 255)).save(seal)
    with_seal = pdf.render_pdf(pdf.PdfDocument(title="告知书", issuer="示范市消费者协会", date="2026年6月15日",
                                               seal_image=str(seal)))
    page = PdfReader(BytesIO(with_seal)).pages[0]
    assert page["/Resources"].get("/XObject"), "the seal image is drawn"
    without = pdf.render_pdf(pdf.PdfDocument(title="告知书", issuer="示范市消费者协会", date="2026年6月15日"))
    assert not PdfReader(BytesIO(without)).pages[0]["/Resources"].get("/XObject")
    assert "盖章处" in PdfReader(BytesIO(without)).pages[0].extract_text()


def test_numbers_are_not_broken_across_lines():
    _need_fonts()
    body = "".join(f"第{i}号，地址：示范市人民路1号（邮编000000），联系电话：0000-88886666。" for i in range(12))
    text = PdfReader(BytesIO(pdf.render_pdf(pdf.PdfDocument(title="告知书", body=body)))).pages[0].extract_text()
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) > 5
    for line, after in zip(lines, lines[1:], strict=False):
        assert not (line[-1].isdigit() and after[0].isdigit()), (line, after)
