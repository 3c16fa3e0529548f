from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Data exchange (API)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The API sits above the domain (import-linter's layers), so the domain cannot call it: what partners hear
        # about (a case accepted, a sheet issued, a message) is recorded from the domain's own signals, inside the
        # transaction that made the change (api.events).
        from . import events

        events.connect()
