"""The case-page actions mediation adds or replaces (registered from MediationConfig.ready()).

The admin only offers them; each service checks the state, the actor's permission and the four-eyes rule again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.actions import CaseAction, register_action
from cases.forms import ReasonForm

from . import forms, services
from .models import Escalation, FollowUp, GovernmentReport


@dataclass(frozen=True)
class MediationAction(CaseAction):
    """An action whose form is built for the case, and (if not a transition) offered when `offered` says so."""

    offered: Callable | None = None

    def get_form(self, case, user, data=None, files=None):
        if self.form_class is forms.EscalationDecideForm:
            return self.form_class(data, files, case=case, user=user)
        return self.form_class(data, files, case=case)

    def available_to(self, case, user) -> bool:
        if self.transition:
            return case.transition_offered(self.transition, user)
        return user.has_perm(self.permission) and self.offered(case, user)


def _finished_without_follow_up(case, user):
    return case.state in services.RATABLE_STATES and not FollowUp.objects.filter(case=case).exists()


def _escalatable(case, user):
    return case.state in services.ESCALATABLE_STATES and case.business_id is not None


def _someone_elses_proposal(case, user):
    return (
        Escalation.objects.filter(case=case, status=Escalation.Status.PROPOSED).exclude(proposed_by=user).exists()
    )


def _approved(kind):
    def check(case, user):
        return Escalation.objects.filter(case=case, kind=kind, status=Escalation.Status.APPROVED).exists()

    return check


def _report_waiting_for_reply(case, user):
    return GovernmentReport.objects.filter(escalation__case=case, reply="").exists()


ACTIONS = [
    MediationAction(
        "request_appraisal", _("Request appraisal"), forms.AppraisalRequestForm, services.appraisal_request,
        transition="request_appraisal",
    ),
    MediationAction(
        "appraisal_done", _("Appraisal concluded"), forms.AppraisalConclusionForm, services.appraisal_conclude,
        transition="appraisal_done",
    ),
    MediationAction(
        "resolve", _("Record agreement"), forms.ResolveForm, services.outcome_resolve, transition="resolve"
    ),
    MediationAction(
        "terminate", _("Terminate mediation"), forms.TerminateForm, services.outcome_terminate, "danger",
        transition="terminate",
    ),
    MediationAction(
        "follow_up_phone", _("Record phone follow-up"), forms.PhoneFollowUpForm, services.follow_up_by_phone,
        permission="cases.mediate_case", offered=_finished_without_follow_up,
    ),
    MediationAction(
        "propose_escalation", _("Propose escalation or publicity"), forms.EscalationProposeForm,
        services.escalation_propose, permission="cases.mediate_case", offered=_escalatable,
    ),
    MediationAction(
        "decide_escalation", _("Decide on escalation"), forms.EscalationDecideForm, services.escalation_decide,
        permission="mediation.approve_escalation", offered=_someone_elses_proposal,
    ),
    MediationAction(
        "record_report", _("Record report to a department"), forms.ReportForm, services.escalation_report_record,
        permission="cases.mediate_case", offered=_approved(Escalation.Kind.REPORT),
    ),
    MediationAction(
        "record_report_reply", _("Record department's reply"), forms.ReportReplyForm,
        services.escalation_report_reply, permission="cases.mediate_case", offered=_report_waiting_for_reply,
    ),
    MediationAction(
        "record_publication", _("Record publication"), forms.PublicationForm,
        services.escalation_publication_record, permission="cases.mediate_case",
        offered=_approved(Escalation.Kind.PUBLICITY),
    ),
]


@dataclass(frozen=True)
class SheetAction(CaseAction):
    """An action on an open case's transfer sheet: offered only when the case has one."""

    def available_to(self, case, user) -> bool:
        return case.is_open and user.has_perm(self.permission) and _has_sheet(case)


def _has_sheet(case) -> bool:
    # The reverse one-to-one is cached on the case (also when missing), so several actions cost one query.
    return hasattr(case, "transfer_sheet")


def register():
    for action in ACTIONS:
        register_action(action)
    register_action(
        CaseAction(
            "transfer",
            _("Transfer to business (issue transfer sheet)"),
            ReasonForm,
            services.case_transfer_with_sheet,
            transition="transfer",
        )
    )
    register_action(
        SheetAction(
            "resend_transfer_sheet",
            _("Send transfer sheet again"),
            forms.ResendSheetForm,
            services.transfer_sheet_resend,
            permission="cases.transfer_case",
        )
    )
    register_action(
        SheetAction(
            "message_business",
            _("Message to the business"),
            forms.MessageForm,
            services.association_message_add,
            permission="cases.mediate_case",
        )
    )
