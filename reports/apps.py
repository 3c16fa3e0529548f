from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from cases.models import Case
        from mediation.models import FollowUp

        from . import signals

        post_save.connect(signals.case_saved, sender=Case, dispatch_uid="reports-totals-case")
        post_delete.connect(signals.case_saved, sender=Case, dispatch_uid="reports-totals-case-delete")
        post_save.connect(signals.follow_up_saved, sender=FollowUp, dispatch_uid="reports-totals-follow-up")
        post_delete.connect(signals.follow_up_saved, sender=FollowUp, dispatch_uid="reports-totals-follow-up-del")
