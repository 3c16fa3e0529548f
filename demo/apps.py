from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): a realistic recent month walked through every app's public services."""

    name = "demo"
    verbose_name = _("Demo data")
