"""Follow-up (回访): the consumer's rating or a mediator's phone call, and the sweep that closes finished cases."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseState
from cases.delivery import case_notify
from cases.models import Case, Delivery
from cases.services import case_close
from cases.transitions import CaseConflictError
from cases.users import get_system_user
from core import dates
from core.audit import record_text, require_perm, save_audited

from ..models import (
    FollowUp,
)

RATABLE_STATES = {CaseState.RESOLVED, CaseState.TERMINATED, CaseState.WITHDRAWN, CaseState.CLOSED}
# Finished cases that the follow-up sweep closes once the window has lapsed.
CLOSABLE_STATES = [CaseState.RESOLVED, CaseState.TERMINATED, CaseState.WITHDRAWN]
# A case can be escalated once it is filed, and unless the consumer withdrew it.


# --- follow-up (回访) and closing ------------------------------------------------------------------------------


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
        try:
            with transaction.atomic():
                save_audited(follow_up, actor, reason=record_text(gettext_lazy("Follow-up recorded")))
        except IntegrityError as exc:
            raise ValidationError(_("The follow-up of this case has already been recorded.")) from exc
    return follow_up


def follow_up_by_phone(*, case_id: int, actor, satisfaction: int, comment: str = "") -> FollowUp:
    """A mediator's phone follow-up (电话回访) of a finished case."""
    require_perm(actor, "cases.mediate_case")
    return follow_up_record(
        case_id=case_id, channel=FollowUp.Channel.PHONE, satisfaction=satisfaction, comment=comment, actor=actor
    )


def follow_up_sweep(*, today: date | None = None) -> dict:
    """Close the finished cases whose follow-up window (FOLLOW_UP_WINDOW_DAYS after the outcome) has lapsed.

    Steps: ask the database for the due cases (index case_unclosed_outcome_idx); for each, in its own transaction,
    lock it (skipping one another sweep holds), record "no follow-up" if the consumer never rated, and close it
    through the FSM as the system user. A case closed meanwhile by a person, or by a concurrent sweep, is skipped:
    the transition refuses to run twice, and the one-follow-up-per-case constraint is the last guard.
    """
    today = today or dates.today()
    cutoff = today - timedelta(days=settings.FOLLOW_UP_WINDOW_DAYS)
    system = get_system_user()
    from .performance import performance_reminders_sweep

    performance_reminders_sweep(today=today)
    _follow_up_requests(today)
    due = list(
        Case.objects.filter(state__in=CLOSABLE_STATES, outcome_on__lte=cutoff)
        # an agreement stays open while its performance period runs, and once a party said it was not performed
        # (the mediator reopens mediation or closes it with advice: performance.agreement_not_performed)
        .exclude(state=CaseState.RESOLVED, performed_on__isnull=True, performance_due_on__gt=today)
        .exclude(state=CaseState.RESOLVED, performance_confirmed_by__startswith="not:")
        .order_by("outcome_on", "pk")
        .values_list("pk", flat=True)
    )
    counts = {"closed_without_follow_up": 0, "closed_after_follow_up": 0, "skipped": 0}
    for case_id in due:
        try:
            with transaction.atomic():
                case = (
                    Case.objects.select_for_update(skip_locked=True)
                    .filter(pk=case_id, state__in=CLOSABLE_STATES)
                    .first()
                )
                if case is None:
                    counts["skipped"] += 1
                    continue
                rated = FollowUp.objects.filter(case_id=case_id).exists()
                if not rated:
                    follow_up_record(case_id=case_id, channel=FollowUp.Channel.NONE, satisfaction=None, actor=system)
                    note = record_text(
                        gettext_lazy("No follow-up: no rating within %(days)s days of the outcome."),
                        days=settings.FOLLOW_UP_WINDOW_DAYS,
                    )
                else:
                    note = record_text(gettext_lazy("Closed after the follow-up window."))
                case_close(case_id=case_id, actor=system, note=note)
        except (CaseConflictError, ValidationError):
            counts["skipped"] += 1
            continue
        counts["closed_after_follow_up" if rated else "closed_without_follow_up"] += 1
    return counts




def _follow_up_requests(today):
    """Ask the consumer of each case finished before today (once) to rate the handling on the tracking page."""
    asked = Delivery.objects.filter(case=OuterRef("pk"), step="follow_up")
    rows = (
        Case.objects.filter(state__in=CLOSABLE_STATES, outcome_on__lt=today)
        .exclude(Exists(asked))
        .exclude(Exists(FollowUp.objects.filter(case=OuterRef("pk"))))
        .select_related("consumer", "business", "mediator")
        .order_by("pk")
    )
    system = get_system_user()
    for case in rows:
        with transaction.atomic():
            case_notify(case=case, step="follow_up", actor=system)


def consumer_rate(*, case_id: int, satisfaction: int, comment: str = "") -> FollowUp:
    """The consumer rates the handling on the tracking page (the online 回访)."""
    return follow_up_record(
        case_id=case_id, channel=FollowUp.Channel.ONLINE, satisfaction=satisfaction, comment=comment.strip(),
        actor=get_system_user(),
    )


