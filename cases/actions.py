"""The actions a staff member can take on a case from its page: which exist, who may, which form, which service.

The admin only reads this table; the services enforce every rule again.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import forms, services
from .choices import CaseState, PauseKind


@dataclass(frozen=True)
class CaseAction:
    name: str
    label: str
    form_class: type
    service: object
    style: str = "default"  # "danger" for actions that end the case
    transition: str | None = None  # the FSM transition it runs, if any
    permission: str | None = None  # for actions that are not transitions

    def get_form(self, case, user, data=None, files=None):
        """The action's form for this case and user; apps override it when choices or initial values depend
        on the case (e.g. the proposals a supervisor may decide)."""
        return self.form_class(data, files)

    def available_to(self, case, user) -> bool:
        if self.transition:
            return case.transition_offered(self.transition, user)
        return user.has_perm(self.permission) and _extra_check(self.name, case)


def _extra_check(name, case):
    if name == "request_supplement":
        return case.state == CaseState.SUBMITTED and not case.pause_kind
    if name == "supplement_received":
        return case.pause_kind == PauseKind.SUPPLEMENT
    return False


ACTIONS = [
    CaseAction("accept", _("Accept and file"), forms.ReasonForm, services.case_accept, transition="accept"),
    CaseAction(
        "request_supplement",
        _("Request material"),
        forms.SupplementForm,
        services.case_request_supplement,
        permission="cases.screen_case",
    ),
    CaseAction(
        "supplement_received",
        _("Material received"),
        forms.SupplementReceivedForm,
        services.case_supplement_received,
        permission="cases.screen_case",
    ),
    CaseAction("reject", _("Reject"), forms.RejectForm, services.case_reject, "danger", transition="reject"),
    CaseAction(
        "transfer", _("Transfer to business"), forms.ReasonForm, services.case_transfer, transition="transfer"
    ),
    CaseAction(
        "record_reply",
        _("Record business reply"),
        forms.ReplyForm,
        services.case_record_reply,
        transition="record_reply",
    ),
    CaseAction(
        "start_mediation",
        _("Start mediation"),
        forms.RequiredReasonForm,
        services.case_start_mediation,
        transition="start_mediation",
    ),
    CaseAction(
        "request_appraisal",
        _("Request appraisal"),
        forms.RequiredReasonForm,
        services.case_request_appraisal,
        transition="request_appraisal",
    ),
    CaseAction(
        "appraisal_done",
        _("Appraisal concluded"),
        forms.ReasonForm,
        services.case_appraisal_done,
        transition="appraisal_done",
    ),
    CaseAction(
        "resolve", _("Record agreement"), forms.ResolveForm, services.case_resolve, transition="resolve"
    ),
    CaseAction(
        "terminate",
        _("Terminate mediation"),
        forms.TerminateForm,
        services.case_terminate,
        "danger",
        transition="terminate",
    ),
    CaseAction(
        "withdraw",
        _("Consumer withdrew"),
        forms.RequiredReasonForm,
        services.case_withdraw,
        "danger",
        transition="withdraw",
    ),
    CaseAction("close", _("Close"), forms.CloseForm, services.case_close, transition="close"),
]
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


def register_action(action: CaseAction):
    """Add an action, or replace the one of the same name. Apps built on cases (mediation) call this from their
    AppConfig.ready() so that, e.g., "transfer" also issues the transfer sheet, without cases importing them."""
    if action.name in ACTIONS_BY_NAME:
        ACTIONS[ACTIONS.index(ACTIONS_BY_NAME[action.name])] = action
    else:
        ACTIONS.append(action)
    ACTIONS_BY_NAME[action.name] = action


def available_actions(case, user):
    return [a for a in ACTIONS if a.available_to(case, user)]
