"""The case's transitions as an internal API: each runs one FSM transition with the state, permission and
condition checks, locks the case, and saves with the actor and the reason in the history.

Only the public services call these: cases.services for the actions whose whole meaning is the case's own
(accept, reject, start mediation, withdraw, close), and the domain apps for the actions they own (mediation: transfer
with its sheet, the business's answer, appraisal, outcomes with their documents). Screens (backoffice, portal, the
API) never do: import-linter forbids it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from core.audit import record_text, save_audited
from core.dates import today

from . import deadlines, ladder
from .choices import PauseKind
from .models import Case, CasePause, TerminationGround


class CaseConflictError(ValidationError):
    """Someone else changed the case's state first; nothing of this attempt was saved."""


def lock_case(case_id):
    """The case, its row locked until the transaction ends (PostgreSQL; SQLite serialises writers anyway).

    Every write to a case takes this lock first, so two people acting at once run one after the other and the
    second sees what the first did (a refused transition, a pause already open) instead of overwriting it. Only
    the case's row is locked (`of`): the consumer and the business are read, not written.
    """
    return (
        Case.objects.select_for_update(of=("self",)).select_related("consumer", "business", "rule_set").get(pk=case_id)
    )


def run(case, name, *, actor, reason, check_permission=True, **kwargs):
    """Run transition `name` on `case` as `actor`; the caller holds the transaction."""
    method = getattr(case, name)
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            _("This action is not possible while the case is “%(state)s”.")
            % {"state": case.get_state_display()},
            code="invalid_transition",
        )
    if check_permission and not _is_system(actor) and not case.transition_allowed(name, actor):
        raise PermissionDenied(_("You are not allowed to do this on this case."))
    unmet = [str(c.message) for c in _transition_conditions(case, name) if not c(case)]
    if unmet:
        raise ValidationError(" ".join(unmet), code="condition")
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:  # a condition changed under us
        raise ValidationError(str(exc), code="condition") from exc
    save_case(case, actor=actor, reason=reason)
    return case


def _is_system(actor):
    """Automatic work (sweeps) runs as the system user, which holds no role but may run any transition."""
    return actor.username == settings.SYSTEM_USERNAME and not actor.has_usable_password()


def _transition_conditions(case, name):
    meta = getattr(case, name)._django_fsm
    found = meta.get_transition(case.state)
    return found.conditions if found else []


def save_case(case, *, actor, reason, update_fields=None):
    """Save the case with the actor and the reason in its history.

    Without `update_fields` (a transition, a pause) the reminder ladder is rescheduled and only the columns that
    changed since the case was loaded are written (with updated_at): a transition never writes back a column it
    did not touch, even from a stale copy. ConcurrentTransitionMixin still adds the loaded state to the UPDATE's
    WHERE, so a copy whose state is stale is refused (CaseConflictError).
    """
    if update_fields is None:  # a transition or a pause: the deadlines or the state may have changed
        ladder.reschedule(case)
        changed = case.changed_fields()
        if changed is not None:  # an existing case: write what changed (a new one is inserted whole)
            update_fields = [*changed, "updated_at"]
    case._history_user = actor
    case._change_reason = reason
    try:
        case.save(update_fields=update_fields)
    except ConcurrentTransition as exc:
        raise CaseConflictError(
            _("Someone else has just acted on this case; nothing was saved. Reload the case and try again."),
            code="conflict",
        ) from exc



def pause_open(case, *, kind, reason, actor):
    pause = save_audited(CasePause(case=case, kind=kind, reason=reason, started_on=today()), actor)
    case.pause_kind = kind
    case.paused_on = pause.started_on


def pause_close(case, *, actor) -> None:
    """End the open pause; the caller recomputes the due dates from all the case's pauses (case_due_dates)."""
    pause = case.pauses.get(ended_on__isnull=True)
    pause.ended_on = today()
    save_audited(pause, actor, update_fields=["ended_on"])
    case.pause_kind = ""
    case.paused_on = None


def transfer(*, case_id: int, actor, reason: str = "") -> Case:
    with transaction.atomic():
        case = lock_case(case_id)
        return run(
            case,
            "transfer",
            actor=actor,
            reason=reason or record_text(gettext_lazy("Transfer sheet sent to the business")),
            at=timezone.now(),
        )


def record_reply(*, case_id: int, actor, summary: str) -> Case:
    with transaction.atomic():
        case = lock_case(case_id)
        return run(
            case,
            "record_reply",
            actor=actor,
            reason=record_text(gettext_lazy("Business replied")),
            summary=summary,
            at=timezone.now(),
        )


def request_appraisal(*, case_id: int, actor, reason: str) -> Case:
    """Send a quality question to an appraisal body; the handling clock pauses with this reason."""
    if not reason.strip():
        raise ValidationError(_("Say what is to be appraised."))
    with transaction.atomic():
        case = lock_case(case_id)
        run(case, "request_appraisal", actor=actor, reason=reason, on=today())
        save_audited(CasePause(case=case, kind=PauseKind.APPRAISAL, reason=reason, started_on=case.paused_on), actor)
    return case


def appraisal_done(*, case_id: int, actor, reason: str = "") -> Case:
    """Appraisal concluded: the clock resumes; every due date is counted again from its start without the pauses."""
    with transaction.atomic():
        case = lock_case(case_id)
        if case.state == "appraisal" and case.pause_kind == PauseKind.APPRAISAL:
            pause_close(case, actor=actor)
        return run(
            case,
            "appraisal_done",
            actor=actor,
            reason=reason or record_text(gettext_lazy("Appraisal concluded")),
            due_dates=deadlines.case_due_dates(case, deadlines.pauses_of(case)),
        )


def resolve(
    *, case_id: int, actor, terms: str, money_recovered: Decimal, punitive_damages: Decimal | None = None,
    check_permission=True, performance_due_on=None, performance_manner: str = "",
) -> Case:
    with transaction.atomic():
        case = lock_case(case_id)
        return run(
            case,
            "resolve",
            actor=actor,
            reason=record_text(gettext_lazy("Resolved: %(terms)s"), terms=terms),
            check_permission=check_permission,
            terms=terms,
            money_recovered=money_recovered,
            punitive_damages=punitive_damages,
            on=today(),
            performance_due_on=performance_due_on,
            performance_manner=performance_manner,
        )


def terminate(*, case_id: int, actor, ground: TerminationGround, channel: str, explanation: str) -> Case:
    """End mediation without agreement (e.g. T04 during appraisal); an open pause ends with the case."""
    with transaction.atomic():
        case = lock_case(case_id)
        if case.pause_kind and case.is_open:
            pause_close(case, actor=actor)
        label = ground.code if ground else ""
        return run(
            case,
            "terminate",
            actor=actor,
            reason=record_text(gettext_lazy("Mediation terminated (%(code)s): %(why)s"), code=label, why=explanation),
            ground=ground,
            channel=channel,
            explanation=explanation,
            on=today(),
        )


