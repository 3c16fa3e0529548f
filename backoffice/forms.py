"""Forms of the case page's actions: each gathers the arguments of one public service (service_kwargs)."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.people import display_name
from cases.choices import MONEY_REMEDIES, DisputeChannel, Remedy
from cases.models import ConsentMethod, GroundSource, RejectionGround, TerminationGround
from cases.users import BUSINESS_GROUP, MEDIATOR_GROUP, SUPERVISOR_GROUP
from cases.validators import validate_evidence_file
from mediation.models import RESPONSIBLE_PARTIES, AppraisalBody, Escalation, GovernmentReport, Party

CHOOSE = _("— choose —")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason / note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"]}


class RequiredReasonForm(ReasonForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    grounds = forms.ModelMultipleChoiceField(
        label=_("Rejection grounds"),
        queryset=RejectionGround.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one rejection ground.")},
    )
    explanation = forms.CharField(
        label=_("Explanation to the consumer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Explain the rejection to the consumer.")},
    )

    def service_kwargs(self):
        return {"grounds": self.cleaned_data["grounds"], "explanation": self.cleaned_data["explanation"]}

    def grounds_by_source(self):
        """The grounds' checkboxes grouped by the rule they come from, each with its ground and advice:
        [(source label, [(checkbox, ground), …]), …] in the sources' order."""
        grounds = {g.pk: g for g in self.fields["grounds"].queryset}
        groups = {}
        for checkbox in self["grounds"]:
            ground = grounds[int(str(checkbox.data["value"]))]
            groups.setdefault(ground.source, []).append((checkbox, ground))
        labels = dict(GroundSource.choices)
        order = list(labels)
        return [
            (labels.get(source, source), items)
            for source, items in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        ]


class SupplementForm(forms.Form):
    missing = forms.CharField(
        label=_("Material the consumer must supply"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self):
        return {"missing": self.cleaned_data["missing"]}


class SupplementReceivedForm(forms.Form):
    note = forms.CharField(
        label=_("What was received"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class ClaimForm(forms.Form):
    """Claiming needs no input: the form only confirms (and, posted twice, the service refuses the second)."""

    def service_kwargs(self):
        return {}


class ReplyForm(forms.Form):
    summary = forms.CharField(label=_("The business's answer"), widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"summary": self.cleaned_data["summary"]}




class TerminateBaseForm(forms.Form):
    ground = forms.ModelChoiceField(
        label=_("Termination ground"), queryset=TerminationGround.objects.filter(is_active=True)
    )
    channel = forms.ChoiceField(
        label=_("Channel advised to the consumer"),
        # Never this association's own mediation: the consumer is already here (消法 art. 39 lists the others).
        choices=[c for c in DisputeChannel.choices if c[0] != DisputeChannel.ASSOCIATION_MEDIATION],
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self):
        return dict(self.cleaned_data)


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note (follow-up result)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def service_kwargs(self):
        return {"note": self.cleaned_data["note"]}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def mediator_choices():
    """The people who can be a case's 承办人: active mediators and supervisors, by name.

    A plain select of these, not an autocomplete over the user admin: the autocomplete needs view permission on
    every account (business portal users with their emails, permissions), and the staff are few enough for a
    list. The form only accepts a choice from this queryset."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=[MEDIATOR_GROUP, SUPERVISOR_GROUP], is_active=True)
        .distinct()
        .select_related("staff_profile")
        .order_by("staff_profile__display_name", "first_name", "username")
    )


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{display_name(obj)} ({obj.get_username()})"


def business_user_choices():
    """The accounts that may answer for a business: business users (deactivated ones too, so saving keeps
    them), never staff."""
    return (
        get_user_model()
        .objects.filter(groups__name=BUSINESS_GROUP, is_staff=False, is_superuser=False)
        .distinct()
        .select_related("staff_profile")
        .order_by("staff_profile__display_name", "first_name", "username")
    )


class ReassignForm(forms.Form):
    mediator = UserChoiceField(label=_("New mediator in charge"), queryset=mediator_choices())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


MONEY = {"min_value": Decimal("0"), "max_digits": 12, "decimal_places": 2}


class DateInput(forms.DateInput):
    input_type = "date"


class CaseForm(forms.Form):
    """A form built for one case (choices and initial values may depend on it)."""

    def __init__(self, data=None, files=None, *, case=None, **kwargs):
        self.case = case
        super().__init__(data, files, **kwargs)


class AppraisalRequestForm(CaseForm):
    body = forms.ModelChoiceField(
        label=_("Appraisal body"), queryset=AppraisalBody.objects.filter(is_active=True).order_by("name")
    )
    items = forms.CharField(label=_("Items to appraise"), widget=forms.Textarea(attrs={"rows": 3}))
    fee = forms.DecimalField(label=_("Fee (yuan)"), required=False, **MONEY)
    fee_advanced_by = forms.ChoiceField(
        label=_("Fee advanced by"), choices=[("", "—"), *Party.choices], required=False
    )

    def service_kwargs(self):
        return dict(self.cleaned_data)


class AppraisalConclusionForm(CaseForm):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 4}))
    conclusion_file = forms.FileField(
        label=_("Conclusion document"), required=False,
        help_text=_("The body's written conclusion (PDF or photo)."),
    )
    received_on = forms.DateField(label=_("Conclusion received on"), widget=DateInput, initial=timezone.localdate)
    responsible_party = forms.ChoiceField(
        label=_("Party found responsible"),
        choices=[("", CHOOSE), *((p.value, p.label) for p in RESPONSIBLE_PARTIES)],
    )
    fee = forms.DecimalField(
        label=_("Final fee (yuan)"), required=False, help_text=_("Leave empty to keep the fee recorded."), **MONEY
    )
    fee_borne_by = forms.ChoiceField(
        label=_("Fee borne by"), choices=[("", CHOOSE), *Party.choices],
        help_text=_("Normally the party the conclusion finds responsible."),
    )

    def service_kwargs(self):
        return dict(self.cleaned_data)


class ResolveForm(CaseForm):
    """One amount and one line of details per remedy; a remedy is recorded when either is filled in."""

    terms = forms.CharField(
        label=_("Agreement terms"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Leave empty to write them from the remedies."),
    )
    performance_due_on = forms.DateField(
        label=_("Performance due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date by which the business carries the agreement out; empty: the default period."),
    )
    performance_manner = forms.CharField(
        label=_("Manner of performance"), required=False, max_length=300,
        help_text=_("E.g. bank transfer, refund to the original payment, delivery to the consumer's home."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Remedy.choices:
            if kind != Remedy.APOLOGY:
                self.fields[f"{kind}_amount"] = forms.DecimalField(
                    label=_("%(remedy)s: amount (yuan)") % {"remedy": label}, required=False,
                    help_text=None if kind in MONEY_REMEDIES else _("The agreed value of the goods or service."),
                    **MONEY,
                )
            self.fields[f"{kind}_details"] = forms.CharField(
                label=_("%(remedy)s: details") % {"remedy": label}, required=False, max_length=500
            )
        # Remedies first, then the terms and the performance.
        self.order_fields(
            [name for name in self.fields if name not in ("terms", "performance_due_on", "performance_manner")]
        )

    def remedies(self):
        data = self.cleaned_data
        lines = []
        for kind in Remedy.values:
            amount, details = data.get(f"{kind}_amount"), data.get(f"{kind}_details", "")
            if amount is not None or details:
                lines.append({"kind": kind, "amount": amount, "description": details})
        return lines

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.remedies():
            raise forms.ValidationError(_("Record at least one remedy of the agreement."))
        return cleaned

    def service_kwargs(self):
        return {
            "remedies": self.remedies(),
            "terms": self.cleaned_data["terms"],
            "performance_due_on": self.cleaned_data["performance_due_on"],
            "performance_manner": self.cleaned_data["performance_manner"],
        }


class TerminateForm(CaseForm, TerminateBaseForm):
    """The termination's fields, with the ground suggested by the case: T04 during appraisal (no agreement on the
    body or the fee), T13 once the mediation period has run out (the service checks both against the case)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case

        code = None
        if case is not None and case.state == "appraisal":
            code = "T04"
        elif case is not None and case.mediation_limit_reached_on:
            code = "T13"
        ground = self.fields["ground"].queryset.filter(code=code).first() if code else None
        if ground is not None:
            self.fields["ground"].initial = ground.pk
            self.fields["channel"].initial = ground.advised_channel


class AgentForm(forms.Form):
    name = forms.CharField(label=_("agent's name"), max_length=100)
    id_number = forms.CharField(label=_("agent's ID number"), max_length=30)
    phone = forms.CharField(label=_("agent's phone"), max_length=30, required=False)
    relationship = forms.CharField(label=_("relationship to the consumer"), max_length=100, required=False)
    power_of_attorney = forms.FileField(
        label=_("power of attorney (授权委托书)"), validators=[validate_evidence_file],
        help_text=_("The signed original, scanned or photographed (PDF or image)."),
    )

    def service_kwargs(self):
        return dict(self.cleaned_data)


class ReportReferForm(forms.Form):
    regulator = forms.CharField(
        label=_("Referred to"), max_length=200, initial="市场监督管理部门（12315）",
        help_text=_("The department competent for the reported violation."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def service_kwargs(self):
        return dict(self.cleaned_data)


class MediationExtendForm(CaseForm):
    consumer_consent_on = forms.DateField(label=_("Consumer consented on"), widget=DateInput)
    consumer_consent_method = forms.ChoiceField(label=_("Consumer's consent given"), choices=ConsentMethod.choices)
    business_consent_on = forms.DateField(label=_("Business consented on"), widget=DateInput)
    business_consent_method = forms.ChoiceField(label=_("Business's consent given"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rules = self.case.rule_set if self.case is not None else None
        if rules is not None and rules.extension_days:
            self.fields["note"].help_text = _("%(days)s more days: %(article)s") % {
                "days": rules.extension_days, "article": rules.extension_article,
            }

    def service_kwargs(self):
        return dict(self.cleaned_data)


class PhoneFollowUpForm(CaseForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), coerce=int, choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect, help_text=_("5 = very satisfied, 1 = very dissatisfied."),
    )
    comment = forms.CharField(label=_("What the consumer said"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)

    def service_kwargs(self):
        return dict(self.cleaned_data)


class EscalationProposeForm(CaseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Escalation.Kind.choices)
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. many consumers affected, danger to consumers, serious harm left unresolved."),
    )

    def service_kwargs(self):
        return dict(self.cleaned_data)


class EscalationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        who = display_name(obj.proposed_by)
        return f"{obj.get_kind_display()} · {who} · {obj.reasons[:60]}"


class EscalationDecideForm(CaseForm):
    escalation = EscalationChoiceField(label=_("Proposal"), queryset=Escalation.objects.none())
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Required when refusing."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        pending = Escalation.objects.filter(case=self.case, status=Escalation.Status.PROPOSED)
        if user is not None:
            pending = pending.exclude(proposed_by=user)
        self.fields["escalation"].queryset = pending.select_related("proposed_by__staff_profile")

    def service_kwargs(self):
        data = self.cleaned_data
        return {"escalation_id": data["escalation"].pk, "approve": data["decision"] == "approve", "note": data["note"]}


def _approved(case, kind):
    return Escalation.objects.filter(case=case, kind=kind, status=Escalation.Status.APPROVED).select_related(
        "proposed_by__staff_profile"
    )


class ReportForm(CaseForm):
    escalation = EscalationChoiceField(label=_("Approved escalation"), queryset=Escalation.objects.none())
    department = forms.CharField(label=_("Department"), max_length=200)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput, initial=timezone.localdate)
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalation"].queryset = _approved(self.case, Escalation.Kind.REPORT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reply") and not cleaned.get("replied_on"):
            self.add_error("replied_on", _("Say when the department replied."))
        return cleaned

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["escalation_id"] = data.pop("escalation").pk
        return data


class ReportChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.department} · {obj.reported_on}"


class ReportReplyForm(CaseForm):
    report = ReportChoiceField(label=_("Report"), queryset=GovernmentReport.objects.none())
    reply = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 3}))
    replied_on = forms.DateField(label=_("Replied on"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = GovernmentReport.objects.filter(escalation__case=self.case, reply="")

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["report_id"] = data.pop("report").pk
        return data


class PublicationForm(CaseForm):
    escalation = EscalationChoiceField(label=_("Approved escalation"), queryset=Escalation.objects.none())
    outlet = forms.CharField(label=_("Outlet"), max_length=200)
    published_on = forms.DateField(label=_("Published on"), widget=DateInput, initial=timezone.localdate)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public page: no consumer's name, phone or other personal data."),
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalation"].queryset = _approved(self.case, Escalation.Kind.PUBLICITY)

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data["escalation_id"] = data.pop("escalation").pk
        return data


class ResendSheetForm(forms.Form):
    to_address = forms.EmailField(
        label=_("Send to"),
        required=False,
        max_length=254,  # TransferSheetDispatch.to_address keeps no more
        help_text=_("Leave empty to send to the business's contact address."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def service_kwargs(self):
        return {"to_address": self.cleaned_data["to_address"], "note": self.cleaned_data["note"]}


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the business"), widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"body": self.cleaned_data["body"]}


class PerformanceForm(CaseForm):
    """A mediator records whether the agreement was carried out (as the parties may in the portal and online)."""

    performed = forms.TypedChoiceField(
        label=_("Carried out?"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Yes, the agreement was carried out")), ("no", _("No, it was not carried out"))],
    )
    money_paid = forms.DecimalField(
        label=_("Money actually paid (yuan)"), required=False,
        help_text=_("Empty: the money agreed."), **MONEY,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def service_kwargs(self):
        return {"by": "staff", **self.cleaned_data}


class NotPerformedForm(CaseForm):
    reopen = forms.TypedChoiceField(
        label=_("What now?"), coerce=lambda v: v == "reopen", widget=forms.RadioSelect,
        choices=[("reopen", _("Reopen mediation")), ("close", _("Close the case with advice to the consumer"))],
    )
    advice = forms.CharField(
        label=_("What was done and what the consumer was advised"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self):
        return dict(self.cleaned_data)
