"""Accounts in the staff admin: supervisors (accounts.manage_accounts) create mediator and business accounts, which
are invited by email to choose their password, keep the names and phones up to date and deactivate accounts.
Administrators (superusers) keep Django's full user form, with the profile beside it. Every write goes through
cases.users."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffProfile
from accounts.people import display_name, staff_phone
from cases import users
from cases.models import Business
from core.audit import save_audited

User = get_user_model()
ROLE_CHOICES = [(users.MEDIATOR_GROUP, _("Mediator")), (users.BUSINESS_GROUP, _("Business user"))]
ROLE_NAMES = {
    users.MEDIATOR_GROUP: _("Mediator"),
    users.SUPERVISOR_GROUP: _("Supervisor"),
    users.BUSINESS_GROUP: _("Business user"),
}


class AccountCreateForm(forms.ModelForm):
    """A new mediator's or business user's account: who, how to reach them; no password (the invitation)."""

    role = forms.ChoiceField(label=_("Kind of account"), choices=ROLE_CHOICES, widget=forms.RadioSelect)
    display_name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("The real name shown on pages and documents.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    business = forms.ModelChoiceField(
        label=_("Business"), queryset=Business.objects.order_by("name"), required=False,
        help_text=_("For a business user: the business the account answers transfer sheets for."),
    )

    class Meta:
        model = User
        fields = ["username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The invitation to choose a password is sent here.")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("The username %(username)s is taken.") % {"username": username})
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == users.BUSINESS_GROUP and not cleaned.get("business"):
            self.add_error("business", _("Choose the business this account answers for."))
        return cleaned


class AccountChangeForm(forms.ModelForm):
    """What an account manager may change: the name, the phone, the email, active or not. No roles, no
    permissions, no passwords (the person sets it through the invitation)."""

    display_name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    class Meta:
        model = User
        fields = ["email", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].initial = display_name(self.instance)
        self.fields["phone"].initial = staff_phone(self.instance)
        self.order_fields(["display_name", "phone", "email", "is_active"])


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fields = ["display_name", "phone"]
    can_delete = False
    extra = 1
    max_num = 1


class RoleFilter(admin.SimpleListFilter):
    title = _("kind of account")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return list(ROLE_NAMES.items())

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ["username", "name", "role", "email", "phone", "is_active", "last_login"]
    list_filter = [RoleFilter, "is_active"]
    search_fields = ["username", "first_name", "last_name", "email", "staff_profile__display_name"]
    list_select_related = ["staff_profile"]
    ordering = ["username"]
    actions = ["send_invitation"]
    add_form_template = "admin/change_form.html"  # Django's says "edit more options after"; nothing more here

    # --- who may --------------------------------------------------------------------------------------------

    @staticmethod
    def _manages(request):
        return request.user.is_active and (request.user.is_superuser or request.user.has_perm(users.MANAGE_ACCOUNTS))

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_superuser or obj.username == users.settings.SYSTEM_USERNAME):
            return request.user.is_superuser
        return self._manages(request)

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated: their names stay on the records they wrote

    def has_invite_permission(self, request):
        return self._manages(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related(Prefetch("groups"))
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False).exclude(username=users.settings.SYSTEM_USERNAME)
        return queryset

    # --- columns ---------------------------------------------------------------------------------------------

    @admin.display(description=_("name"), ordering="staff_profile__display_name")
    def name(self, obj):
        return display_name(obj)

    @admin.display(description=_("phone"))
    def phone(self, obj):
        return staff_phone(obj) or "—"

    @admin.display(description=_("kind of account"))
    def role(self, obj):
        names = [str(ROLE_NAMES.get(g.name, g.name)) for g in obj.groups.all()]
        if obj.is_superuser:
            names.insert(0, str(_("Administrator")))
        return "、".join(names) or "—"

    # --- forms ---------------------------------------------------------------------------------------------

    def get_inlines(self, request, obj):
        return [StaffProfileInline] if obj is not None and request.user.is_superuser else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AccountCreateForm
            kwargs["fields"] = None
            return admin.ModelAdmin.get_form(self, request, obj, **kwargs)
        if request.user.is_superuser:
            return super().get_form(request, obj, **kwargs)
        kwargs["form"] = AccountChangeForm
        kwargs["fields"] = None
        return admin.ModelAdmin.get_form(self, request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["role", "display_name", "username", "email", "phone", "business"]})]
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": ["display_name", "phone", "email", "is_active"]})]

    def get_readonly_fields(self, request, obj=None):
        return []

    def add_view(self, request, form_url="", extra_context=None):
        """The new account goes through cases.users.account_create (profile, role, invitation)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return admin.ModelAdmin.add_view(self, request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            data = form.cleaned_data
            user = users.account_create(
                actor=request.user, role=data["role"], username=data["username"], display_name=data["display_name"],
                email=data["email"], phone=data["phone"], business=data["business"],
            )
            obj.pk = user.pk
            return
        if isinstance(form, AccountChangeForm):
            with transaction.atomic():
                obj.save()
                profile, _created = StaffProfile.objects.get_or_create(user=obj)
                profile.display_name, profile.phone = form.cleaned_data["display_name"], form.cleaned_data["phone"]
                save_audited(profile, request.user)
            return
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        """Nobody sets another person's password but an administrator: the person sets it from the invitation."""
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request, _("The account %(username)s was created; the invitation was sent to %(email)s.")
            % {"username": obj.get_username(), "email": User.objects.get(pk=obj.pk).email},
        )
        return HttpResponseRedirect(reverse("admin:auth_user_changelist"))

    # --- the invitation again -------------------------------------------------------------------------------

    @admin.action(description=_("Send the invitation to choose a password again"), permissions=["invite"])
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                users.account_invite(user=user, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                messages.warning(request, f"{user.get_username()}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
            else:
                sent += 1
        if sent:
            messages.success(request, _("%(count)s invitations sent.") % {"count": sent})
