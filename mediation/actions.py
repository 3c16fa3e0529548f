"""The actions mediation adds to the case page (registered from MediationConfig.ready())."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.actions import CaseAction, register_action
from cases.forms import ReasonForm

from . import forms, services


@dataclass(frozen=True)
class SheetAction(CaseAction):
    """An action on an open case's transfer sheet: offered only when the case has one."""

    def available_to(self, case, user) -> bool:
        return case.is_open and user.has_perm(self.permission) and _has_sheet(case)


def _has_sheet(case) -> bool:
    # The reverse one-to-one is cached on the case (also when missing), so several actions cost one query.
    return hasattr(case, "transfer_sheet")


def register():
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
