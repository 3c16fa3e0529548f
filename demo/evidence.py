"""The material consumers attach in the demo: a photo of the shop's receipt and the e-invoice (a PDF), drawn here so
the previews, the reject form and the portal have real files to show."""

import io
import os
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

FONT_PATH = os.environ.get("PDF_FONT_PATH", "/usr/share/fonts/truetype/arphic/uming.ttc")


def receipt_photo(shop: str, item: str, amount: str, day: date) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (900, 1200), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    try:
        big, small = ImageFont.truetype(FONT_PATH, 54), ImageFont.truetype(FONT_PATH, 38)
    except OSError:
        big = small = ImageFont.load_default()
    draw.text((80, 80), shop, font=big, fill=(20, 20, 20))
    draw.text((80, 180), "销 售 小 票", font=small, fill=(60, 60, 60))
    lines = [f"日期：{day:%Y-%m-%d}", f"商品：{item}", "数量：1", f"金额：¥{amount}", "收款方式：微信支付", "谢谢惠顾"]
    for row, line in enumerate(lines):
        draw.text((80, 300 + row * 90), line, font=small, fill=(30, 30, 30))
    draw.line((80, 270, 820, 270), fill=(120, 120, 120), width=3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return SimpleUploadedFile("购物小票.jpg", out.getvalue(), content_type="image/jpeg")


def invoice_pdf(shop: str, item: str, amount: str, day: date) -> SimpleUploadedFile:
    from reportlab.lib.pagesizes import A5, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.registerFont(TTFont("DemoUMing", FONT_PATH, subfontIndex=0))
        font = "DemoUMing"
    except Exception:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        font = "STSong-Light"
    out = io.BytesIO()
    width, height = landscape(A5)
    page = canvas.Canvas(out, pagesize=(width, height))
    page.setStrokeColorRGB(0.6, 0.2, 0.1)
    page.rect(30, 30, width - 60, height - 60)
    page.setFont(font, 22)
    page.drawCentredString(width / 2, height - 75, "电子发票（普通发票）")
    page.setFont(font, 13)
    rows = [f"销售方：{shop}", f"开票日期：{day:%Y年%m月%d日}", f"货物或应税劳务名称：{item}", f"价税合计（小写）：¥{amount}"]
    for row, line in enumerate(rows):
        page.drawString(60, height - 130 - row * 32, line)
    page.showPage()
    page.save()
    return SimpleUploadedFile("电子发票.pdf", out.getvalue(), content_type="application/pdf")
