"""/files/<name>: every stored file, after portal.files says the viewer may read it.

The type sent is the one detected from the content (kept in the name's extension, never the upload's own); the
browser is told not to sniff another, and anything that is not a photo or a PDF is a download, never shown.
"""

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from cases.validators import IMAGE_TYPES, PDF_TYPE

from .. import files
from .public import granted_case_id

INLINE_TYPES = IMAGE_TYPES | {PDF_TYPE}


@require_GET
def stored_file(request, name):
    if ".." in name.split("/") or name.startswith("/"):
        raise Http404
    allowed = files.may_read(files.viewer(request, granted_case_id(request)), name)
    if not allowed:
        # A file the viewer may not read looks exactly like one that does not exist.
        raise Http404
    if not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=not inline,
        filename=name.rsplit("/", 1)[-1],
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even a file shown inline runs nothing and loads nothing (a PDF keeps the browser's own viewer).
    response["Content-Security-Policy"] = (
        "default-src 'none'; object-src 'self'" if content_type == PDF_TYPE else "default-src 'none'; sandbox"
    )
    response["Cache-Control"] = "private, no-store"
    return response
