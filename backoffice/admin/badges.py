"""The state and deadline badge (cases.selectors.case_deadline) as the case list shows it, one per row: built with
format_html rather than a template per row (the list renders 50 of them). The case page includes the same
markup from admin/cases/case/deadline_badge.html."""

from django.utils.html import format_html
from django.utils.translation import gettext as _

from cases.choices import CaseState


def state_label(state: str) -> str:
    """The state's label, as get_state_display() gives it, from the choices' enum: Django's get_FOO_display builds
    a dict of every choice (and translates each) at each call, 125 µs a row of the case list."""
    try:
        return str(CaseState(state).label)
    except ValueError:
        return state


def deadline_badge(case, deadline, step=""):
    state = format_html(
        '<span class="case-badge case-state case-state-{}" title="{}">{}</span>', case.state, step,
        state_label(case.state),
    )
    if deadline is None:
        return state
    provisional = ""
    if deadline.provisional:
        provisional = format_html(
            ' <abbr class="case-provisional" title="{}">{}</abbr>',
            _("Computed on the statutory holidays: the official notice of that year is not entered yet."),
            _("(provisional)"),
        )
    return format_html(
        '{} <span class="case-badge case-due case-due-{}" title="{}">{}{}</span>', state, deadline.tone,
        deadline.due_on.isoformat() if deadline.due_on else "", deadline.text, provisional,
    )
