"""Performance (履行) of an agreement or settlement: its due date is set on resolving (outcomes.outcome_resolve);
here the parties confirm it, the due-date reminder goes out once, and non-performance reopens mediation or closes
the case with advice.

`agreement_performance_confirm` is the one public service for a confirmation, whoever gives it: the business in
the portal, the consumer on the tracking page, a mediator in the admin, the REST API.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import transitions
from cases.choices import MONEY_REMEDIES, CaseState
from cases.delivery import case_notify
from cases.models import Case, Delivery
from cases.services import case_close
from cases.users import get_system_user
from core import dates
from core.audit import record_text, require_text

from .transfers import _notify_mediator

BOTH = (Delivery.Party.CONSUMER, Delivery.Party.BUSINESS)


class Confirmer:
    CONSUMER = "consumer"
    BUSINESS = "business"
    STAFF = "staff"
    ALL = (CONSUMER, BUSINESS, STAFF)


def agreement_performance_confirm(
    *, case_id: int, by: str, performed: bool, actor=None, money_paid: Decimal | None = None, note: str = ""
) -> Case:
    """A party (or staff) says whether the agreement was carried out.

    `by`: "consumer" (tracking page; actor None → the system user), "business" (a member of the case's business)
    or "staff" (a mediator). Performed: the date and who confirmed it are recorded, with the money actually paid
    (default: the money remedies agreed), apart from 挽回经济损失. Not performed: recorded, and the mediator is
    told to reopen mediation or close the case with advice (agreement_not_performed)."""
    if by not in Confirmer.ALL:
        raise ValidationError(_("Unknown party."))
    if money_paid is not None and money_paid < 0:
        raise ValidationError(_("The amount cannot be negative."))
    actor = actor or get_system_user()
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        _check_confirmer(case, by, actor)
        if case.state != CaseState.RESOLVED or case.performance_due_on is None:
            raise ValidationError(_("This case has no agreement waiting to be carried out."))
        if case.performed_on is not None:
            raise ValidationError(_("The agreement's performance has already been confirmed."))
        who = {"consumer": "消费者", "business": "经营者", "staff": "承办人"}[by]
        if performed:
            case.performed_on = dates.today()
            case.performance_confirmed_by = by
            case.money_paid = money_paid if money_paid is not None else _money_agreed(case)
            reason = record_text(gettext_lazy("Agreement performed (confirmed by %(who)s). %(note)s"), who=who, note=note)
            fields = ["performed_on", "performance_confirmed_by", "money_paid", "updated_at"]
        else:
            case.performance_confirmed_by = f"not:{by}"
            reason = record_text(gettext_lazy("Agreement not performed (said by %(who)s). %(note)s"), who=who, note=note)
            fields = ["performance_confirmed_by", "updated_at"]
        transitions.save_case(case, actor=actor, reason=reason, update_fields=fields)
        _notify_mediator(
            case, template="mediation/performance", key=f"performance:{case.pk}:{by}:{performed}", about=case,
            context={"case_number": case.number, "performed": performed, "who": who, "note": note},
        )
    return case


def _check_confirmer(case, by, actor):
    if by == Confirmer.BUSINESS and not case.business.members.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this on this case."))
    if by == Confirmer.STAFF and not actor.has_perm("cases.mediate_case"):
        raise PermissionDenied(_("You are not allowed to do this on this case."))


def _money_agreed(case) -> Decimal:
    return sum(
        (line.amount or Decimal("0") for line in case.remedies.all() if line.kind in MONEY_REMEDIES), Decimal("0")
    )


def agreement_not_performed(*, case_id: int, actor, reopen: bool, advice: str) -> Case:
    """The agreement was not carried out: reopen mediation, or close the case with the advice given to the consumer
    (arbitration, a court, the administrative department)."""
    require_text(advice, _("Say what was done and what the consumer was advised."))
    with transaction.atomic():
        case = transitions.lock_case(case_id)
        if case.performed_on is not None:
            raise ValidationError(_("The agreement was carried out."))
        if reopen:
            return transitions.run(
                case, "reopen", actor=actor,
                reason=record_text(gettext_lazy("Agreement not performed: mediation reopened. %(why)s"), why=advice),
            )
    return case_close(
        case_id=case_id, actor=actor,
        note=record_text(gettext_lazy("Agreement not performed; closed with advice: %(why)s"), why=advice),
    )


def performance_reminders_sweep(*, today: date | None = None) -> int:
    """On the performance due date, ask both parties (once) to confirm whether the agreement was carried out.

    The claim is a conditional UPDATE of performance_reminded_on (NULL → today) that must touch the one row: a
    second or concurrent sweep finds nothing to claim, so each case is reminded exactly once."""
    today = today or dates.today()
    system = get_system_user()
    due = Case.objects.filter(
        Q(state=CaseState.RESOLVED, performance_due_on__lte=today, performed_on__isnull=True,
          performance_reminded_on__isnull=True)
    ).values_list("pk", flat=True)
    sent = 0
    for case_id in list(due):
        with transaction.atomic():
            if not Case.objects.filter(pk=case_id, performance_reminded_on__isnull=True).update(
                performance_reminded_on=today
            ):
                continue
            case = Case.objects.select_related("consumer", "business", "mediator").get(pk=case_id)
            case_notify(case=case, step="performance_due", parties=BOTH, actor=system)
            sent += 1
    return sent
