"""Upload checks: size, and type judged by the file's content (magic bytes), never by its name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def sniff_mime_type(uploaded) -> str:
    """The MIME type the content declares in its first bytes; '' when it is not a known type."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(position)
    kind = filetype.guess(head)
    return kind.mime if kind else ""


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
    mime = sniff_mime_type(uploaded)
    if mime not in settings.EVIDENCE_ALLOWED_MIME_TYPES:
        raise ValidationError(
            _(
                "This kind of file is not accepted. Upload a photo (JPEG, PNG, GIF, WebP), a PDF, an MP4 video or an MP3 recording."
            ),
            code="file_type",
        )
