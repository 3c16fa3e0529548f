"""The statutory periods of a complaint case, computed on the official working calendar (domain.md, "Deadlines").

Every deadline goes through workcalendar.services so that holidays, 调休 make-up days and supervisors' overrides are
applied the same way everywhere. The period lengths are settings because the rules differ between associations.
"""

from datetime import date

from django.conf import settings

from workcalendar import services

__all__ = ["acceptance_due", "extend_for_pause", "handling_due", "mediation_due"]


def handling_due(filed_on: date) -> date:
    """Last day to finish handling a case filed (立案) on ``filed_on``.

    By default CASE_HANDLING_DAYS calendar days, the filing day not counted, a last day on a rest day moving to the
    next working day (民法典 arts. 201–204). CASE_HANDLING_IN_WORKING_DAYS switches to counting working days.
    """
    days = settings.CASE_HANDLING_DAYS
    if settings.CASE_HANDLING_IN_WORKING_DAYS:
        return services.add_working_days(filed_on, days)
    return services.add_calendar_days_then_roll(filed_on, days)


def acceptance_due(received_on: date) -> date:
    """Last day to decide whether to accept a complaint: CASE_ACCEPTANCE_WORKING_DAYS working days after receipt."""
    return services.add_working_days(received_on, settings.CASE_ACCEPTANCE_WORKING_DAYS)


def mediation_due(accepted_on: date) -> date:
    """Day mediation ends without agreement: CASE_MEDIATION_WORKING_DAYS working days after acceptance."""
    return services.add_working_days(accepted_on, settings.CASE_MEDIATION_WORKING_DAYS)


def extend_for_pause(due: date, paused_days: int) -> date:
    """``due`` pushed back by a pause (appraisal, waiting for material) of ``paused_days`` calendar days.

    The clock stood still for that many calendar days, so the deadline moves by as many; if it then lands on a rest
    day it moves on to the next working day, exactly like the handling deadline.
    """
    return services.add_calendar_days_then_roll(due, paused_days)
