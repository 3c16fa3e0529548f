"""System checks: the documents' fonts are embedded (documents.pdf); production prints the association's own
particulars (core.association), not the demo's."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from core.association import DEMO_DEFAULTS, association, is_loopback

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


@register(Tags.security, deploy=True)
def association_particulars(app_configs, **kwargs):
    """`manage.py check --deploy` (production's start) refuses the demo's particulars and loopback links."""
    particulars = association()
    errors = [
        Error(
            f"ASSOCIATION_{key.upper()} is still the demo's ({value}): every document would print it.",
            hint=f"Set ASSOCIATION_{key.upper()} in the environment.",
            id="documents.E010",
        )
        for key, value in DEMO_DEFAULTS.items()
        if getattr(particulars, key) == value
    ]
    if is_loopback(particulars.public_url):
        errors.append(
            Error(
                f"PUBLIC_BASE_URL is {particulars.public_url}: the links in emails and SMS would not work.",
                hint="Set PUBLIC_BASE_URL to the site's public address (https://…).",
                id="documents.E011",
            )
        )
    if particulars.seal_image and not os.path.exists(particulars.seal_image):
        errors.append(
            Error(f"ASSOCIATION_SEAL_IMAGE {particulars.seal_image} does not exist.", id="documents.E012")
        )
    if settings.ASSOCIATION_PHONE.strip() == "12315":
        errors.append(
            Error(
                "ASSOCIATION_PHONE is 12315, the market regulator's hotline, not the association's.",
                hint="Set the association's own number; name 12315 in REGULATOR_HOTLINE if texts should cite it.",
                id="documents.E013",
            )
        )
    return errors
