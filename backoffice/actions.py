"""The actions a staff member can take on a case from its page: which exist, who may, which form, which public
service. One table, read top to bottom; the admin only reads it, and each service enforces every rule again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cases import services as cases
from cases.choices import MEDIATION_LIMIT_STATES, CaseState, PauseKind
from mediation.models import Escalation, FollowUp, GovernmentReport
from mediation.services import appraisal, escalation, follow_up, outcomes, performance, transfers

from . import forms


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str
    form_class: type
    service: Callable
    style: str = "default"  # "danger" for actions that end the case
    transition: str | None = None  # the FSM transition it runs, if any: offered when that transition is
    permission: str | None = None  # for actions that are not transitions: offered with it when `offered` says so
    offered: Callable | None = None  # (case, user) -> bool

    def get_form(self, case, user, data=None, files=None):
        """The action's form for this case and user (choices and initial values may depend on the case)."""
        if issubclass(self.form_class, forms.CaseForm):
            kwargs = {"user": user} if self.form_class is forms.EscalationDecideForm else {}
            return self.form_class(data, files, case=case, **kwargs)
        return self.form_class(data, files)

    def available_to(self, case, user) -> bool:
        if self.transition:
            return case.transition_offered(self.transition, user)
        return user.has_perm(self.permission) and self.offered(case, user)


# --- when the actions that are not transitions are offered ------------------------------------------------


def _screening_open(case, user):
    return case.state == CaseState.SUBMITTED and not case.pause_kind


def _unassigned(case, user):
    return case.is_open and case.mediator_id is None


def _waiting_for_material(case, user):
    return case.pause_kind == PauseKind.SUPPLEMENT


def _has_open_sheet(case, user):
    # The reverse one-to-one is cached on the case (also when missing), so several actions cost one query.
    return case.is_open and hasattr(case, "transfer_sheet")


def fact_checks(user):
    """What the checks below ask of the case's other records, as EXISTS expressions on the case: one query for
    all of them (the case page adds them to its own query of what the case holds: remember_facts)."""
    escalations = Escalation.objects.filter(case=OuterRef("pk"))
    return {
        "followed_up": Exists(FollowUp.objects.filter(case=OuterRef("pk"))),
        "others_proposal": Exists(escalations.filter(status=Escalation.Status.PROPOSED).exclude(proposed_by=user)),
        **{
            f"approved_{kind}": Exists(escalations.filter(kind=kind, status=Escalation.Status.APPROVED))
            for kind in Escalation.Kind.values
        },
        "report_waiting": Exists(GovernmentReport.objects.filter(escalation__case=OuterRef("pk"), reply="")),
    }


FACT_KEYS = ("followed_up", "others_proposal", *(f"approved_{kind}" for kind in Escalation.Kind.values),
             "report_waiting")  # the keys of fact_checks


def remember_facts(case, user, row):
    """Keep the answers of fact_checks (read by the caller) on the case for this user."""
    case._action_facts = (user.pk, {key: row[key] for key in FACT_KEYS})


def _facts(case, user):
    cached = getattr(case, "_action_facts", None)
    if cached is None or cached[0] != user.pk:
        from cases.models import Case

        remember_facts(case, user, Case.objects.filter(pk=case.pk).values(**fact_checks(user)).first() or {})
    return case._action_facts[1]


def _finished_without_follow_up(case, user):
    return case.state in follow_up.RATABLE_STATES and not _facts(case, user)["followed_up"]


def _performance_open(case, user):
    return case.state == CaseState.RESOLVED and case.performance_due_on is not None and case.performed_on is None


def _escalatable(case, user):
    return case.state in escalation.ESCALATABLE_STATES and case.business_id is not None


def _someone_elses_proposal(case, user):
    return _facts(case, user)["others_proposal"]


def _approved(kind):
    def check(case, user):
        return _facts(case, user)[f"approved_{kind}"]

    return check


def _extendable(case, user):
    """Mediation may run on by both parties' consent only where the case's rules allow it, once."""
    rules = case.rule_set
    return (
        case.state in MEDIATION_LIMIT_STATES
        and case.filed_on is not None
        and rules is not None
        and rules.extension_days > 0
        and not case.mediation_extended_days
    )


def _no_agent_yet(case, user):
    return case.is_open and not hasattr(case, "agent")


def _report_part_to_refer(case, user):
    return bool(case.report_text.strip()) and case.report_referred_on is None


def _report_waiting_for_reply(case, user):
    return _facts(case, user)["report_waiting"]


ACTIONS = [
    # taking the case on, and screening
    CaseAction(
        "claim", _("Claim (become the mediator in charge)"), forms.ClaimForm, cases.case_claim,
        permission="cases.mediate_case", offered=_unassigned,
    ),
    CaseAction("accept", _("Accept and file"), forms.ReasonForm, cases.case_accept, transition="accept"),
    CaseAction(
        "request_supplement", _("Request material"), forms.SupplementForm, cases.case_request_supplement,
        permission="cases.screen_case", offered=_screening_open,
    ),
    CaseAction(
        "supplement_received", _("Material received"), forms.SupplementReceivedForm,
        cases.case_supplement_received, permission="cases.screen_case", offered=_waiting_for_material,
    ),
    CaseAction(
        "record_agent", _("Record the agent (委托代理人)"), forms.AgentForm, cases.case_agent_set,
        permission="cases.screen_case", offered=_no_agent_yet,
    ),
    CaseAction(
        "refer_report", _("Refer the report (举报) to the regulator"), forms.ReportReferForm,
        cases.case_report_refer, permission="cases.screen_case", offered=_report_part_to_refer,
    ),
    CaseAction("reject", _("Reject"), forms.RejectForm, cases.case_reject, "danger", transition="reject"),
    # transfer sheet and the business's answer
    CaseAction(
        "transfer", _("Transfer to business (issue transfer sheet)"), forms.ReasonForm, transfers.case_transfer,
        transition="transfer",
    ),
    CaseAction(
        "resend_transfer_sheet", _("Send transfer sheet again"), forms.ResendSheetForm,
        transfers.transfer_sheet_resend, permission="cases.transfer_case", offered=_has_open_sheet,
    ),
    CaseAction(
        "message_business", _("Message to the business"), forms.MessageForm, transfers.association_message_add,
        permission="cases.mediate_case", offered=_has_open_sheet,
    ),
    CaseAction(
        "record_reply", _("Record business reply"), forms.ReplyForm, transfers.case_record_reply,
        transition="record_reply",
    ),
    # mediation, appraisal, outcomes
    CaseAction(
        "start_mediation", _("Start mediation"), forms.RequiredReasonForm, cases.case_start_mediation,
        transition="start_mediation",
    ),
    CaseAction(
        "request_appraisal", _("Request appraisal"), forms.AppraisalRequestForm, appraisal.appraisal_request,
        transition="request_appraisal",
    ),
    CaseAction(
        "appraisal_done", _("Appraisal concluded"), forms.AppraisalConclusionForm, appraisal.appraisal_conclude,
        transition="appraisal_done",
    ),
    CaseAction(
        "extend_mediation", _("Extend mediation (both parties consent)"), forms.MediationExtendForm,
        cases.case_mediation_extend, permission="cases.mediate_case", offered=_extendable,
    ),
    CaseAction("resolve", _("Record agreement"), forms.ResolveForm, outcomes.outcome_resolve, transition="resolve"),
    CaseAction(
        "terminate", _("Terminate mediation"), forms.TerminateForm, outcomes.outcome_terminate, "danger",
        transition="terminate",
    ),
    CaseAction(
        "withdraw", _("Consumer withdrew"), forms.RequiredReasonForm, cases.case_withdraw, "danger",
        transition="withdraw",
    ),
    CaseAction(
        "follow_up_phone", _("Record phone follow-up"), forms.PhoneFollowUpForm, follow_up.follow_up_by_phone,
        permission="cases.mediate_case", offered=_finished_without_follow_up,
    ),
    CaseAction(
        "confirm_performance", _("Record performance of the agreement"), forms.PerformanceForm,
        performance.agreement_performance_confirm, permission="cases.mediate_case", offered=_performance_open,
    ),
    CaseAction(
        "not_performed", _("Agreement not performed: reopen or close"), forms.NotPerformedForm,
        performance.agreement_not_performed, "danger", permission="cases.mediate_case", offered=_performance_open,
    ),
    CaseAction("close", _("Close"), forms.CloseForm, cases.case_close, transition="close"),
    # escalation and publicity
    CaseAction(
        "propose_escalation", _("Propose escalation or publicity"), forms.EscalationProposeForm,
        escalation.escalation_propose, permission="cases.mediate_case", offered=_escalatable,
    ),
    CaseAction(
        "decide_escalation", _("Decide on escalation"), forms.EscalationDecideForm, escalation.escalation_decide,
        permission="mediation.approve_escalation", offered=_someone_elses_proposal,
    ),
    CaseAction(
        "record_report", _("Record report to a department"), forms.ReportForm, escalation.escalation_report_record,
        permission="cases.mediate_case", offered=_approved(Escalation.Kind.REPORT),
    ),
    CaseAction(
        "record_report_reply", _("Record department's reply"), forms.ReportReplyForm,
        escalation.escalation_report_reply, permission="cases.mediate_case", offered=_report_waiting_for_reply,
    ),
    CaseAction(
        "record_publication", _("Record publication"), forms.PublicationForm,
        escalation.escalation_publication_record, permission="cases.mediate_case",
        offered=_approved(Escalation.Kind.PUBLICITY),
    ),
]
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


def available_actions(case, user):
    return [a for a in ACTIONS if a.available_to(case, user)]
