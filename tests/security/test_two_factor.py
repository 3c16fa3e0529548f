"""Staff two-factor sign-in (django-otp TOTP): required for the roles in STAFF_2FA_REQUIRED_ROLES (production:
supervisors), optional otherwise (make run's demo logins keep working) (issue 10, point 4)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


def _signed_in(user):
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    return client


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_production_default_requires_it_for_supervisors():
    from config.settings import base

    assert base.STAFF_2FA_REQUIRED_ROLES == ["supervisor"] or "STAFF_2FA_REQUIRED_ROLES" in __import__("os").environ


def test_a_supervisor_must_set_up_and_give_a_code(settings, supervisor):
    settings.STAFF_2FA_REQUIRED_ROLES = ["supervisor"]
    client = _signed_in(supervisor)
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("twofactor_verify"))
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("twofactor_setup"))
    page = response.content.decode()
    assert "data:image/svg+xml" in page and re.search(r"<code>[A-Z2-7]{32}</code>", page)
    assert client.get(reverse("admin:index")).status_code == 302  # still locked until confirmed
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    bad = client.post(reverse("twofactor_setup"), {"code": f"{(int(_code(device)) + 1) % 10**6:06d}"})
    assert bad.status_code == 200 and bad.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down retries after a wrong code; not what is tested here
    ok = client.post(reverse("twofactor_setup"), {"code": _code(device), "next": "/admin/"})
    assert ok.status_code == 302
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200

    again = _signed_in(supervisor)  # a new sign-in asks for a code again
    assert again.get(reverse("admin:index"))["Location"].startswith(reverse("twofactor_verify"))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert again.post(reverse("twofactor_verify"), {"code": _code(device), "next": "/admin/"}).status_code == 302
    assert again.get(reverse("admin:index")).status_code == 200


def test_not_required_for_a_mediator_without_a_device(settings, mediator):
    settings.STAFF_2FA_REQUIRED_ROLES = ["supervisor"]
    client = _signed_in(mediator)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200


def test_under_make_run_the_demo_logins_need_no_code(settings, supervisor):
    settings.STAFF_2FA_REQUIRED_ROLES = []
    client = _signed_in(supervisor)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 200


def test_a_wrong_code_does_not_open_the_admin(settings, supervisor):
    settings.STAFF_2FA_REQUIRED_ROLES = ["supervisor"]
    TOTPDevice.objects.create(user=supervisor, name="authenticator", confirmed=True)
    client = _signed_in(supervisor)
    response = client.post(reverse("twofactor_verify"), {"code": "000000"})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get(reverse("admin:index")).status_code == 302
