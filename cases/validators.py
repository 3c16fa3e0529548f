"""Upload checks: size, and type judged by the file's content, never by its name.

The magic bytes only say what a file claims to be; a polyglot (JPEG magic followed by `<script>`, an SVG, HTML)
claims to be a photo too. So a claimed image must decode with Pillow, a claimed PDF must parse with pypdf and
carry no JavaScript, and no accepted file may carry markup where a browser's sniffer looks for it. The file is
stored under a name made from the detected type (stored_name), and served by storedfiles with that type,
`nosniff` and, unless it is a safe image or PDF, as an attachment.
"""

import io
import re
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
PDF_TYPE = "application/pdf"
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "audio/mpeg": "mp3",
}
# Markup a browser (or a careless viewer) would run: looked for in the first KiB (where sniffers look) and, for
# the unambiguous ones, anywhere in the file.
_MARKUP_HEAD = re.compile(
    rb"<\s*(?:script|html|svg|!doctype|body|iframe|object|embed|\?xml|head|img|style|meta)",
    re.IGNORECASE,
)
_MARKUP_ANYWHERE = re.compile(rb"<\s*script|<\s*svg[\s>]|<\s*html[\s>]|<!doctype\s+html|javascript:", re.IGNORECASE)
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


def _read_all(uploaded) -> bytes:
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(position)
    return data


def sniff_mime_type(uploaded) -> str:
    """The MIME type the content declares in its first bytes; '' when it is not a known type."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind else ""


def _image_decodes(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # noqa: BLE001 — Pillow raises many kinds for a broken or disguised file
        return False
    return True


def _pdf_is_plain(data: bytes) -> bool:
    """Parses as a PDF with at least one page and no scripts, launch actions or embedded files."""
    from pypdf import PdfReader

    if _PDF_ACTIVE.search(data):
        return False
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            return False
        root = reader.trailer["/Root"]
        names = root.get("/Names")
        if names is not None and ("/JavaScript" in names.get_object() or "/EmbeddedFiles" in names.get_object()):
            return False
        action = root.get("/OpenAction")
        if action is not None and hasattr(action.get_object(), "get") and action.get_object().get("/S") != "/GoTo":
            return False
    except Exception:  # noqa: BLE001 — pypdf raises many kinds for a broken file
        return False
    return True


def detected_type(uploaded) -> str:
    """The file's type if its content really is one of EVIDENCE_ALLOWED_MIME_TYPES, else ''."""
    mime = sniff_mime_type(uploaded)
    if mime not in settings.EVIDENCE_ALLOWED_MIME_TYPES:
        return ""
    data = _read_all(uploaded)
    if _MARKUP_HEAD.search(data[:1024]) or _MARKUP_ANYWHERE.search(data):
        return ""
    if mime in IMAGE_TYPES and not _image_decodes(data):
        return ""
    if mime == PDF_TYPE and not _pdf_is_plain(data):
        return ""
    return mime


def validate_evidence_file(uploaded):
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)},
            code="file_too_large",
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if not detected_type(uploaded):
        raise ValidationError(
            _(
                "This kind of file is not accepted. Upload a photo (JPEG, PNG, GIF, WebP), a PDF, an MP4 video or an MP3 recording."
            ),
            code="file_type",
        )


def stored_name(folder: str, mime_type: str) -> str:
    """`folder/<random>.<extension of the detected type>`: the upload's own name and extension are never kept
    (they are whatever the uploader typed); a type without a known extension is stored as `.bin`."""
    extension = EXTENSIONS.get(mime_type, "bin")
    return f"{folder}/{uuid.uuid4().hex}.{extension}"
