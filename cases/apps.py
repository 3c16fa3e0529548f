from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Complaint cases")

    def ready(self):
        # The calendar knows nothing of cases; the stored due dates follow it through its signal.
        from workcalendar.signals import calendar_changed

        from .services import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="cases_recompute_deadlines")
