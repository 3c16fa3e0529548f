from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("Working calendar")

    def ready(self):
        # Registered here rather than by decorator at import time, so importing checks.py has no side effect.
        from django.core import checks

        from . import signals
        from .checks import calendar_coverage_check

        checks.register(calendar_coverage_check)
        signals.connect()
