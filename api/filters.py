import django_filters

from cases.choices import CaseState
from mediation.models import TransferSheet

from .models import ApiEvent, EventKind, Handoff

# Ids as query parameters: bounded, so a number the database's integer cannot hold is a 400, not a 500.
ID_BOUNDS = {"min_value": 0, "max_value": 2**63 - 1, "decimal_places": 0}


class HandoffFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(field_name="case__state", choices=CaseState.choices)
    received_after = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    business = django_filters.NumberFilter(field_name="case__business_id", **ID_BOUNDS)

    class Meta:
        model = Handoff
        fields = ["channel"]


class SheetFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(field_name="case__state", choices=CaseState.choices)
    answer_by_after = django_filters.DateFilter(field_name="answer_by", lookup_expr="gte")
    answer_by_before = django_filters.DateFilter(field_name="answer_by", lookup_expr="lte")
    issued_after = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="gte")
    issued_before = django_filters.IsoDateTimeFilter(field_name="issued_at", lookup_expr="lt")
    answered = django_filters.BooleanFilter(field_name="reply", lookup_expr="isnull", exclude=True)

    class Meta:
        model = TransferSheet
        fields = []


class EventFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices)
    after = django_filters.NumberFilter(field_name="pk", lookup_expr="gt", label="Events after this id", **ID_BOUNDS)

    class Meta:
        model = ApiEvent
        fields = []
