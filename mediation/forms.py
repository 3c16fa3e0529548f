"""Forms of the mediators' actions added by mediation (the arguments of each service)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ResendSheetForm(forms.Form):
    to_address = forms.EmailField(
        label=_("Send to"),
        required=False,
        help_text=_("Leave empty to send to the business's contact address."),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def service_kwargs(self):
        return {"to_address": self.cleaned_data["to_address"], "note": self.cleaned_data["note"]}


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the business"), widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self):
        return {"body": self.cleaned_data["body"]}
