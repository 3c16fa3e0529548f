"""Forms of the business portal and the consumers' public pages. Every upload is checked by its content."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Category, Nature, Remedy
from cases.models import Business
from cases.validators import validate_evidence_file
from groups.models import ConsentAct, GroupComplaint
from mediation.models import ReplyKind
from mediation.services.transfers import validate_reply

PHONE = r"^[0-9+\- ]{7,20}$"
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class PortalLoginForm(AuthenticationForm):
    """Django's login form, for accounts linked to a business only (staff sign in to the admin)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "no_business": _(
            "This account is not linked to a business. Staff sign in to the administration site."
        ),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not Business.objects.filter(members=user).exists():
            raise ValidationError(self.error_messages["no_business"], code="no_business")


class EvidenceField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_evidence_file(upload)
        return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleEvidenceField(forms.FileField):
    """Several evidence files in one input; each is checked by size and by content."""

    widget = MultipleFileInput

    def __init__(self, *args, max_files=5, **kwargs):
        self.max_files = max_files
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, (list, tuple)) else [data]) if u]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_files:
            raise ValidationError(
                _("Upload at most %(count)s files.") % {"count": self.max_files}, code="too_many_files"
            )
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                validate_evidence_file(upload)
            except ValidationError as exc:
                errors += [f"{upload.name}: {message}" for message in exc.messages]
        if errors:
            raise ValidationError(errors)
        return uploads


# --- business portal ------------------------------------------------------------------------------------


class ReplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("How do you answer the complaint?"), choices=ReplyKind.choices, widget=forms.RadioSelect
    )
    remedy = forms.ChoiceField(
        label=_("Remedy offered"),
        choices=[("", _("— choose if you offer a remedy —")), *Remedy.choices],
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        help_text=_(
            "Required for a refund or compensation; for a replacement or repair, its value if known."
        ),
        **MONEY,
    )
    explanation = forms.CharField(
        label=_("Explanation / reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text=_("Required when you dispute the complaint."),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            validate_reply(
                kind=data.get("kind"),
                remedy=data.get("remedy", ""),
                amount=data.get("amount"),
                explanation=data.get("explanation", ""),
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class EvidenceUploadForm(forms.Form):
    file = EvidenceField(label=_("File"), help_text=_("Photo, PDF, MP4 video or MP3 recording."))
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)


# --- consumers' public pages ---------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    """All the material domain.md requires of a complaint, the evidence, and consent to the privacy notice."""

    consumer_name = forms.CharField(label=_("Your real name"), max_length=100)
    consumer_phone = forms.RegexField(
        label=_("Your mobile phone"),
        regex=PHONE,
        error_messages={"invalid": _("Enter a valid phone number.")},
    )
    consumer_id_number = forms.CharField(label=_("ID card number (optional)"), max_length=30, required=False)
    # 暂行办法 art. 9(1): name, phone and address of the complainant.
    consumer_address = forms.CharField(label=_("Your address"), max_length=255)
    consumer_email = forms.EmailField(label=_("Email (optional)"), required=False)

    business_name = forms.CharField(label=_("Name of the business"), max_length=200)
    business_address = forms.CharField(label=_("Address of the business"), max_length=255)
    business_phone = forms.CharField(
        label=_("Phone of the business (optional)"), max_length=30, required=False
    )

    product = forms.CharField(label=_("What you bought or used"), max_length=200)
    purchased_on = forms.DateField(
        label=_("Date of purchase"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount_paid = forms.DecimalField(label=_("Amount paid (yuan)"), **MONEY)
    category = forms.ChoiceField(label=_("Kind of goods or service"), choices=Category.choices)
    nature = forms.ChoiceField(
        label=_("What the problem is about"), choices=Nature.choices, initial=Nature.QUALITY
    )
    facts = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "When and where you bought it, what went wrong, what you have done with the business so far."
        ),
    )
    demand_type = forms.ChoiceField(label=_("What you ask for"), choices=Remedy.choices)
    demand = forms.CharField(
        label=_("Your demand in detail"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    amount_claimed = forms.DecimalField(label=_("Amount you claim (yuan, optional)"), required=False, **MONEY)
    evidence = MultipleEvidenceField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Receipts, photos, chat records: up to 5 files (JPEG, PNG, GIF, WebP, PDF, MP4, MP3)."),
    )
    report = forms.CharField(
        label=_("Report a violation to the regulator (举报, optional)"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False, max_length=3000,
        help_text=_(
            "If you also want the authorities to investigate a violation (e.g. fake goods, false advertising), "
            "describe it here. It is recorded apart from your complaint and may be referred to market regulation."
        ),
    )
    agent_name = forms.CharField(
        label=_("Agent's name (only if you file for someone else)"), max_length=100, required=False,
        help_text=_("An agent (委托代理人) files with their own ID number and the signed power of attorney."),
    )
    agent_id_number = forms.CharField(label=_("Agent's ID number"), max_length=30, required=False)
    agent_phone = forms.RegexField(
        label=_("Agent's phone"), regex=PHONE, required=False,
        error_messages={"invalid": _("Enter a valid phone number.")},
    )
    agent_power_of_attorney = EvidenceField(
        label=_("Power of attorney (授权委托书)"), required=False,
        help_text=_("The signed power of attorney, scanned or photographed (PDF or image)."),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the association processes my data to handle this "
            "complaint and passes the complaint to the business."
        ),
        error_messages={"required": _("You must agree to the privacy notice to file a complaint online.")},
    )
    # A field people never see (hidden by CSS, not by type) and bots fill in.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    # Joining an open group complaint (共同投诉) against the business: its number, and what the consumer agrees to.
    group = forms.CharField(widget=forms.HiddenInput, required=False)
    group_consents = forms.MultipleChoiceField(
        label=_("I agree that the group's representatives (at most two, chosen by the members) may"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A representative's act binds you only where you agree here or later on the tracking page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_consents"].choices = ConsentAct.choices

    def clean_group(self):
        number = self.cleaned_data["group"].strip().upper()
        if not number:
            return None
        group = GroupComplaint.objects.filter(number=number, status=GroupComplaint.Status.OPEN).first()
        if group is None:
            raise ValidationError(_("This group complaint is not open any more; file your complaint on its own."))
        return group

    def clean_purchased_on(self):
        value = self.cleaned_data["purchased_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of purchase cannot be in the future."))
        return value

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Leave this field empty."))
        return ""

    AGENT_FIELDS = ("agent_name", "agent_id_number", "agent_phone", "agent_power_of_attorney")

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in self.AGENT_FIELDS):
            for name, message in (
                ("agent_name", _("Enter the agent's name.")),
                ("agent_id_number", _("Enter the agent's ID number.")),
                ("agent_power_of_attorney", _("Upload the signed power of attorney (授权委托书).")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "consumer": {
                "name": data["consumer_name"].strip(),
                "phone": data["consumer_phone"].strip(),
                "id_number": data["consumer_id_number"].strip(),
                "address": data["consumer_address"].strip(),
                "email": data["consumer_email"],
            },
            "business": {
                "name": data["business_name"],
                "address": data["business_address"],
                "phone": data["business_phone"],
            },
            "files": data["evidence"],
            "group": data["group"],
            "consents": data["group_consents"] if data["group"] else [],
            "agent": {
                "name": data["agent_name"], "id_number": data["agent_id_number"], "phone": data["agent_phone"],
                "power_of_attorney": data["agent_power_of_attorney"],
            } if data.get("agent_name") else None,
            "report_text": data["report"].strip(),
            **{
                name: data[name]
                for name in (
                    "product",
                    "purchased_on",
                    "amount_paid",
                    "category",
                    "nature",
                    "facts",
                    "demand_type",
                    "demand",
                    "amount_claimed",
                )
            },
        }


class TrackSecretForm(forms.Form):
    number = forms.CharField(label=_("Tracking number or case number"), max_length=30)
    secret = forms.CharField(label=_("Secret from your receipt"), max_length=40)


class TrackPhoneForm(forms.Form):
    number = forms.CharField(label=_("Tracking number or case number"), max_length=30)
    phone = forms.RegexField(
        label=_("The phone number you gave"),
        regex=PHONE,
        error_messages={"invalid": _("Enter a valid phone number.")},
    )


class TrackCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits.")},
    )


class OfferResponseForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("accept", _("I accept this answer")), ("refuse", _("I do not accept it; please mediate"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class RatingForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling of your complaint?"),
        choices=[
            (5, _("5 — very satisfied")),
            (4, _("4 — satisfied")),
            (3, _("3 — neutral")),
            (2, _("2 — dissatisfied")),
            (1, _("1 — very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class SupplementUploadForm(forms.Form):
    files = MultipleEvidenceField(
        label=_("The missing material"), help_text=_("Photos, PDF, MP4 video or MP3 recording; up to 5 files.")
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class PerformanceForm(forms.Form):
    """The consumer (tracking page) or the business (portal) says whether the agreement was carried out."""

    performed = forms.TypedChoiceField(
        label=_("Was the agreement carried out?"),
        choices=[("yes", _("Yes, it was carried out")), ("no", _("No, it was not carried out"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
