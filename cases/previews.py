"""Previews of evidence: a small PNG of a photo, or of a PDF's first page, made once when the file is stored.

The preview is stored beside the file (Evidence.preview) and reaches the pages through the field's .url, like the
file itself. A file that cannot be drawn (a video, a recording, a damaged PDF) simply has no preview.
"""

import io
import logging

from django.core.files.base import ContentFile

logger = logging.getLogger(__name__)

SIZE = 480  # the longer side, in pixels (shown at half that: sharp on high-density screens)
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
PDF_TYPE = "application/pdf"


def preview_of(uploaded, content_type: str) -> ContentFile | None:
    """A PNG preview of the uploaded photo or PDF, or None. The file is read from its start and rewound."""
    if content_type not in IMAGE_TYPES and content_type != PDF_TYPE:
        return None
    try:
        uploaded.seek(0)
        data = uploaded.read()
        image = _pdf_first_page(data) if content_type == PDF_TYPE else _image(data)
        image.thumbnail((SIZE, SIZE))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    except Exception:  # a preview is a convenience: a file it cannot draw is still stored
        logger.warning("no preview for an evidence file of type %s", content_type, exc_info=True)
        return None
    finally:
        uploaded.seek(0)
    return ContentFile(out.getvalue(), name="preview.png")


def _image(data):
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(data))
    image.seek(0)  # the first frame of an animation
    image = ImageOps.exif_transpose(image)  # photos from phones carry their rotation in EXIF
    return image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")


def _pdf_first_page(data):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        width, height = page.get_size()
        bitmap = page.render(scale=SIZE / max(width, height, 1))
        return bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
