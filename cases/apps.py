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

        # The outbox knows no case: a delivery it gives up on reaches the mediator through its signal.
        from notifications.signals import notification_gave_up

        from .delivery import on_notification_gave_up

        notification_gave_up.connect(on_notification_gave_up, dispatch_uid="cases_delivery_failed")
