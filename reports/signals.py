"""The monthly totals follow the cases (reports.totals): a saved case or follow-up marks its months stale."""

from cases.models import Case

from .totals import case_months, mark_stale, month_of


def case_saved(sender, instance, **kwargs):
    mark_stale(*case_months(instance))


def follow_up_saved(sender, instance, **kwargs):
    dates = Case.objects.filter(pk=instance.case_id).values_list("received_at", "filed_on").first()
    if dates:
        mark_stale(*(month_of(d) for d in dates))
