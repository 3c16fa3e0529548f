from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Mediation")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from cases.audit import register_case_part

        from . import actions, models

        actions.register()
        for model, label, lookup in (
            (models.FollowUp, _("Follow-up"), "case_id"),
            (models.AppraisalRequest, _("Appraisal"), "case_id"),
            (models.RemedyLine, _("Remedy"), "case_id"),
            (models.CaseDocument, _("Issued document"), "case_id"),
            (models.Escalation, _("Escalation"), "case_id"),
            (models.GovernmentReport, _("Report to a department"), "escalation__case_id"),
            (models.Publication, _("Publication"), "escalation__case_id"),
        ):
            register_case_part(model, label, lookup)
