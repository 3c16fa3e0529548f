from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        # The sweep's duration and steps are recorded where every process can read them (the metrics endpoint
        # runs in the web server, the sweep in a worker).
        from . import signals  # noqa: F401
