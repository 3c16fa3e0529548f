"""Writes about a case's handling after filing, one function per action (see cases.services for the core)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseState
from cases.models import Case
from cases.services import record_text

from .models import FollowUp

RATABLE_STATES = {CaseState.RESOLVED, CaseState.TERMINATED, CaseState.WITHDRAWN, CaseState.CLOSED}


def follow_up_record(*, case_id: int, channel: str, satisfaction: int | None, comment: str = "", actor) -> FollowUp:
    """Record the one follow-up of a finished case (the consumer's rating online, or a mediator's phone call)."""
    if channel != FollowUp.Channel.NONE and satisfaction not in (1, 2, 3, 4, 5):
        raise ValidationError(_("Give a satisfaction rating from 1 to 5."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.state not in RATABLE_STATES:
            raise ValidationError(_("The handling can be rated only after the case has an outcome."))
        follow_up = FollowUp(
            case=case, channel=channel, satisfaction=satisfaction if channel != "none" else None,
            comment=comment, recorded_by=actor,
        )
        follow_up._history_user = actor
        follow_up._change_reason = record_text(gettext_lazy("Follow-up recorded"))
        try:
            with transaction.atomic():
                follow_up.save()
        except IntegrityError as exc:
            raise ValidationError(_("The follow-up of this case has already been recorded.")) from exc
    return follow_up
