"""Staff two-factor sign-in (django-otp, TOTP: any authenticator app).

After the password, a staff member in a role listed in STAFF_2FA_REQUIRED_ROLES (production: supervisors), or
anyone who has set up an authenticator, must give the app's current code before any admin page opens
(StaffTwoFactorMiddleware). Someone required to use it without an authenticator yet is sent to set one up:
the page shows a QR code and the key, and the first correct code confirms the device. Under `make run` the
list is empty, so the demo logins work with their passwords alone; anyone may still set up an authenticator
from the admin's user links.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def required_for(user) -> bool:
    roles = set(getattr(settings, "STAFF_2FA_REQUIRED_ROLES", []))
    return bool(roles) and (user.is_superuser or user.groups.filter(name__in=roles).exists())


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def needs_code(request) -> bool:
    """Is this signed-in staff member still to give a code before using the admin?"""
    user = request.user
    if not (user.is_authenticated and user.is_staff) or user.is_verified():
        return False
    return required_for(user) or has_device(user)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"), regex=r"^\s*\d{6}\s*$", max_length=12,
        error_messages={"invalid": _("Type the 6 digits the app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def _context(request, **extra):
    from django.contrib import admin

    return {**admin.site.each_context(request), "next": _next(request), **extra}


@login_required(login_url="admin:login")
def verify(request):
    if not has_device(request.user):
        return redirect(f"{reverse('twofactor_setup')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("That code is not right (or has expired). Try the one the app shows now."))
    return TemplateResponse(
        request, "admin/twofactor/verify.html", _context(request, form=form, title=_("Two-step sign-in"))
    )


@login_required(login_url="admin:login")
def setup(request):
    """Set up an authenticator: one unconfirmed device per user, confirmed by its first right code."""
    if has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('twofactor_verify')}?next={_next(request)}")
    device, _created = TOTPDevice.objects.get_or_create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("That code is not right (or has expired). Try the one the app shows now."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    secret = base64.b32encode(device.bin_key).decode()
    return TemplateResponse(
        request,
        "admin/twofactor/setup.html",
        _context(request, form=form, qr=qr, secret=secret, title=_("Set up two-step sign-in")),
    )


urlpatterns = [
    path("verify/", verify, name="twofactor_verify"),
    path("setup/", setup, name="twofactor_setup"),
]

OPEN_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/jsi18n/", "/admin/2fa/")


class StaffTwoFactorMiddleware:
    """Every admin page waits for the code (after django_otp.middleware.OTPMiddleware has set is_verified)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path_ = request.path
        if path_.startswith("/admin/") and not path_.startswith(OPEN_PREFIXES) and needs_code(request):
            return redirect(f"{reverse('twofactor_verify')}?next={request.get_full_path()}")
        return self.get_response(request)
