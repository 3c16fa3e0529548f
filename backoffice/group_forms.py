"""The forms of the group complaint's actions on its admin page; each gives its service's keyword arguments."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.choices import Remedy
from cases.models import Case
from groups.models import ConsentAct, GroupMember, LawsuitSupport, MemberConsent

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class _GroupForm(forms.Form):
    def __init__(self, *args, group, **kwargs):
        self.group = group
        super().__init__(*args, **kwargs)

    def active(self):
        return self.group.members.filter(left_on__isnull=True).select_related("case__consumer").order_by("pk")

    def service_kwargs(self):
        return dict(self.cleaned_data)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.case.consumer.name} — {obj.case.number or f'WS{obj.case_id}'}"


class MergeForm(_GroupForm):
    case_number = forms.CharField(
        label=_("Case number or tracking number"), help_text=_("e.g. TS-2026-000123 or WS123")
    )

    def clean_case_number(self):
        value = self.cleaned_data["case_number"].strip().upper()
        case = Case.objects.filter(number=value).first()
        if case is None and value.startswith("WS") and value[2:].isdigit():
            case = Case.objects.filter(pk=int(value[2:])).first()
        if case is None:
            raise ValidationError(_("No case with this number."))
        return case

    def service_kwargs(self):
        return {"case_id": self.cleaned_data["case_number"].pk, "via": GroupMember.Via.MERGED}


class MemberForm(_GroupForm):
    member = MemberChoiceField(label=_("Member"), queryset=GroupMember.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = self.active()

    def service_kwargs(self):
        return {"member_id": self.cleaned_data["member"].pk}


class SplitForm(MemberForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


class RepresentativesForm(_GroupForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Representatives (at most two)"),
        queryset=GroupMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = self.active()
        self.fields["members"].label_from_instance = MemberChoiceField.label_from_instance.__get__(self)
        self.fields["members"].initial = [m.pk for m in self.active() if m.is_representative]

    def service_kwargs(self):
        return {"member_ids": [m.pk for m in self.cleaned_data["members"]]}


class ConsentForm(MemberForm):
    act = forms.ChoiceField(label=_("Act"), choices=ConsentAct.choices)
    given = forms.TypedChoiceField(
        label=_("Consent"), choices=[("1", _("given")), ("0", _("withdrawn"))], coerce=lambda v: v == "1", initial="1"
    )
    document = forms.FileField(label=_("Signed authorisation (PDF or image)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            **super().service_kwargs(), "act": data["act"], "given": data["given"], "document": data["document"],
            "note": data["note"], "via": MemberConsent.Via.WRITTEN,
        }


class OfferForm(MemberForm):
    remedy = forms.ChoiceField(label=_("Remedy"), choices=Remedy.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **MONEY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = self.active().filter(outcome="")

    def service_kwargs(self):
        data = self.cleaned_data
        return {**super().service_kwargs(), "remedy": data["remedy"], "amount": data["amount"]}


class RepresentativeField(MemberChoiceField):
    pass


class OutcomeForm(MemberForm):
    accepted = forms.TypedChoiceField(
        label=_("Answer"), choices=[("1", _("accepted")), ("0", _("refused"))], coerce=lambda v: v == "1"
    )
    remedy = forms.ChoiceField(label=_("Remedy"), choices=[("", "—"), *Remedy.choices], required=False)
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **MONEY)
    representative = RepresentativeField(
        label=_("Answered by the representative"),
        queryset=GroupMember.objects.none(),
        required=False,
        help_text=_("Leave empty when the member answered themselves."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = self.active().filter(is_representative=True)

    def service_kwargs(self):
        data = self.cleaned_data
        rep = data["representative"]
        return {
            **super().service_kwargs(), "accepted": data["accepted"], "remedy": data["remedy"],
            "amount": data["amount"], "representative_id": rep.pk if rep else None,
        }


class DemandChangeForm(_GroupForm):
    demand = forms.CharField(label=_("New demand"), widget=forms.Textarea(attrs={"rows": 3}))
    representative = RepresentativeField(
        label=_("Decided by the representative"), queryset=GroupMember.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representative"].queryset = self.active().filter(is_representative=True)

    def service_kwargs(self):
        return {"demand": self.cleaned_data["demand"], "representative_id": self.cleaned_data["representative"].pk}


class DemandWithdrawForm(DemandChangeForm):
    demand = None
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self):
        return {"reason": self.cleaned_data["reason"], "representative_id": self.cleaned_data["representative"].pk}


class ConfirmForm(_GroupForm):
    def service_kwargs(self):
        return {}


class LawsuitForm(_GroupForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LawsuitSupport.Kind.choices)
    addressee = forms.CharField(label=_("Court or body"), max_length=200)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class GroupCreateForm(forms.Form):
    """"Propose a group" from a cluster on the hot-spots page."""

    title = forms.CharField(label=_("Title"), max_length=200)
    dispute = forms.CharField(label=_("The common dispute"), widget=forms.Textarea(attrs={"rows": 3}))
    cases = forms.ModelMultipleChoiceField(
        label=_("Complaints to merge"), queryset=Case.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda c: (
            f"{c.number or f'WS{c.pk}'} {c.consumer.name}：{c.facts[:60]}"
        )
