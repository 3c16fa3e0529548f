"""Forms for the mediators' actions on a case (the arguments of each transition)."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .choices import DisputeChannel
from .models import RejectionGround, TerminationGround


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


class ReplyForm(forms.Form):
    summary = forms.CharField(label=_("The business's answer"), widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"summary": self.cleaned_data["summary"]}


class ResolveForm(forms.Form):
    terms = forms.CharField(label=_("Agreement terms"), widget=forms.Textarea(attrs={"rows": 4}))
    money_recovered = forms.DecimalField(
        label=_("Money recovered for the consumer (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("0"),
    )

    def service_kwargs(self):
        return {"terms": self.cleaned_data["terms"], "money_recovered": self.cleaned_data["money_recovered"]}


class TerminateForm(forms.Form):
    ground = forms.ModelChoiceField(
        label=_("Termination ground"), queryset=TerminationGround.objects.filter(is_active=True)
    )
    channel = forms.ChoiceField(label=_("Channel advised to the consumer"), choices=DisputeChannel.choices)
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
        return obj.get_full_name() or obj.username


class ReassignForm(forms.Form):
    mediator = UserChoiceField(
        label=_("New mediator in charge"),
        queryset=get_user_model().objects.filter(groups__name="mediator", is_active=True).order_by("first_name"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
