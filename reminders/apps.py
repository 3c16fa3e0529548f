from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Deadlines and urging")

    def ready(self):
        from cases.audit import register_audit_source

        from .audit import reminder_entries

        register_audit_source(reminder_entries)
