"""System check: the documents' Chinese font is embedded (documents.pdf)."""

from django.core.checks import Warning, register

from . import pdf


@register()
def pdf_font_embedded(app_configs, **kwargs):
    if pdf.FONT_EMBEDDED:
        return []
    return [
        Warning(
            f"The PDF documents cannot embed their Chinese font: {pdf.DEFAULT_FONT_PATH} is missing.",
            hint="Run bin/install-fonts (make install does), or set PDF_FONT_PATH to a TrueType Chinese font.",
            id="documents.W001",
        )
    ]
