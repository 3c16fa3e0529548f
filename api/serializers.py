"""What the API reads and writes. Output is built from the same records the portal and the admin show; input is
checked here for shape only — the services decide what is allowed (and say why, translated)."""

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import CaseState, Category, Nature, Remedy
from cases.models import Case, Evidence
from mediation.models import ReplyKind, SheetMessage, TransferSheet

from .models import ApiEvent, CodeTable, EventKind, Handoff, HandoffChannel
from .selectors import national_code

EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$"


def _zh(choices, value):
    """A label in the association's language (records and partners' systems read Chinese)."""
    if value in choices.values:
        with translation.override(settings.LANGUAGE_CODE):
            return str(choices(value).label)
    return value or ""


class CodedValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    national_code = serializers.CharField(allow_blank=True)
    national_label = serializers.CharField(allow_blank=True)


def coded(table, choices, value) -> dict:
    code, label = national_code(table, value)
    return {"value": value, "label": _zh(choices, value), "national_code": code, "national_label": label}


# --- forwarded complaints ---------------------------------------------------------------------------------


class ConsumerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=30)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class BusinessInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=255)
    credit_code = serializers.RegexField(r"^[0-9A-HJ-NPQRTUWXY]{18}$", required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class AttachmentInSerializer(serializers.Serializer):
    filename = serializers.RegexField(r"^[^/\\\x00]{1,100}$")
    content_base64 = serializers.CharField(max_length=15_000_000)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HandoffInSerializer(serializers.Serializer):
    external_id = serializers.RegexField(EXTERNAL_ID, help_text="The complaint's id at the forwarding platform.")
    channel = serializers.ChoiceField(choices=HandoffChannel.choices)
    consumer = ConsumerInSerializer()
    business = BusinessInSerializer()
    nature = serializers.ChoiceField(choices=Nature.choices)
    category = serializers.ChoiceField(choices=Category.choices)
    product = serializers.CharField(max_length=200)
    purchased_on = serializers.DateField(required=False, allow_null=True, default=None)
    amount_paid = serializers.DecimalField(12, 2, min_value=0, required=False, allow_null=True, default=None)
    facts = serializers.CharField(max_length=10_000)
    demand_type = serializers.ChoiceField(choices=Remedy.choices)
    demand = serializers.CharField(max_length=5_000)
    amount_claimed = serializers.DecimalField(12, 2, min_value=0, required=False, allow_null=True, default=None)
    attachments = AttachmentInSerializer(many=True, required=False, default=list, max_length=10)


class AcceptanceSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accepted", "rejected"], allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    grounds = serializers.ListField(child=serializers.DictField())
    explanation = serializers.CharField(allow_blank=True)


class DocumentRefSerializer(serializers.Serializer):
    kind = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()


class OutcomeSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["resolved", "terminated", "withdrawn"], allow_null=True)
    mode = serializers.CharField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    agreement_terms = serializers.CharField(allow_blank=True)
    termination_ground = serializers.DictField(allow_null=True)
    document = DocumentRefSerializer(allow_null=True)


class BackfillSerializer(serializers.Serializer):
    """The back-fill of a forwarded complaint (what the 12315 interfaces take back): the decision on acceptance,
    the deadline, the result of mediation with its mode and document, the end date and the amounts."""

    external_id = serializers.CharField()
    channel = serializers.CharField()
    case_number = serializers.CharField(allow_null=True)
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    filed_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True, help_text="The association's handling deadline.")
    acceptance = AcceptanceSerializer()
    outcome = OutcomeSerializer()
    money_recovered = serializers.DecimalField(12, 2, allow_null=True, help_text="挽回经济损失 (yuan).")
    punitive_damages = serializers.DecimalField(
        12, 2, allow_null=True, help_text="加倍赔偿: the punitive part of the money recovered (yuan)."
    )
    amount_disputed = serializers.DecimalField(12, 2, allow_null=True, help_text="The amount claimed (yuan).")
    nature = CodedValueSerializer()
    category = CodedValueSerializer()
    channel_code = CodedValueSerializer()


class HandoffSerializer(serializers.ModelSerializer):
    backfill = serializers.SerializerMethodField()

    class Meta:
        model = Handoff
        fields = ["external_id", "channel", "received_at", "backfill"]

    @extend_schema_field(BackfillSerializer)
    def get_backfill(self, handoff):
        from .payloads import backfill

        return backfill(handoff.case, handoff)


# --- transfer sheets (business API) -----------------------------------------------------------------------


class ReplyOutSerializer(serializers.Serializer):
    kind = serializers.CharField()
    remedy = serializers.CharField(allow_blank=True)
    amount = serializers.DecimalField(12, 2, allow_null=True)
    explanation = serializers.CharField(allow_blank=True)
    is_late = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()


class SheetSerializer(serializers.ModelSerializer):
    """A transfer sheet as its business sees it in the portal (the consumer's phone masked)."""

    case_number = serializers.CharField(source="case.number")
    state = serializers.CharField(source="case.state")
    answer_due_on = serializers.DateField(source="case.answer_due_on", help_text="The answer date now in force.")
    answer_provisional = serializers.BooleanField()
    consumer_name = serializers.CharField(source="case.consumer.name")
    consumer_phone = serializers.CharField(source="case.consumer.masked_phone")
    product = serializers.CharField(source="case.product")
    purchased_on = serializers.DateField(source="case.purchased_on")
    amount_paid = serializers.DecimalField(12, 2, source="case.amount_paid")
    facts = serializers.CharField(source="case.facts")
    demand_type = serializers.CharField(source="case.demand_type")
    demand = serializers.CharField(source="case.demand")
    amount_claimed = serializers.DecimalField(12, 2, source="case.amount_claimed")
    filed_on = serializers.DateField(source="case.filed_on")
    reply = serializers.SerializerMethodField()

    class Meta:
        model = TransferSheet
        fields = [
            "number", "case_number", "state", "issued_at", "answer_by", "answer_due_on", "answer_provisional",
            "consumer_name", "consumer_phone", "product", "purchased_on", "amount_paid", "facts", "demand_type",
            "demand", "amount_claimed", "filed_on", "reply",
        ]

    @extend_schema_field(ReplyOutSerializer(allow_null=True))
    def get_reply(self, sheet):
        reply = getattr(sheet, "reply", None)
        return ReplyOutSerializer(reply).data if reply is not None else None


class ReplyInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReplyKind.choices)
    remedy = serializers.ChoiceField(choices=Remedy.choices, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(12, 2, min_value=0, required=False, allow_null=True, default=None)
    explanation = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")


class PerformanceInSerializer(serializers.Serializer):
    """Whether the business carried out the agreement of the sheet's case (履行), with an optional note."""

    performed = serializers.BooleanField()
    note = serializers.CharField(max_length=1_000, required=False, allow_blank=True, default="")


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetMessage
        fields = ["id", "side", "body", "created_at"]
        read_only_fields = ["id", "side", "created_at"]
        extra_kwargs = {"body": {"max_length": 5_000}}


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "description", "content_type", "size", "uploaded_at"]

    def get_name(self, item) -> str:
        return item.file.name.rsplit("/", 1)[-1]


class EvidenceInSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- events (pull) ----------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)

    class Meta:
        model = ApiEvent
        fields = ["id", "kind", "occurred_at", "payload"]


# --- open data --------------------------------------------------------------------------------------------


class OpenBusinessSerializer(serializers.Serializer):
    name = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    unanswered_sheets = serializers.IntegerField()
    first_unanswered = serializers.DateField(allow_null=True)
    last_unanswered = serializers.DateField(allow_null=True)
    publications = serializers.IntegerField()


class OpenStatisticsRowSerializer(serializers.Serializer):
    month = serializers.CharField()
    business = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    category_national_code = serializers.CharField(allow_blank=True)
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    resolved = serializers.IntegerField()
    money_recovered = serializers.DecimalField(14, 2)
    resolution_rate = serializers.DecimalField(5, 1, allow_null=True)
    timely_rate = serializers.DecimalField(5, 1, allow_null=True)


__all__ = ["CodeTable", "Case"]
