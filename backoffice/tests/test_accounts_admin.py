"""Supervisors create mediator and business accounts in the admin; the person is invited by email (outbox) to
choose a password; pickers offer only the right kind of account; nobody but an administrator sets passwords."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.people import display_name, staff_phone
from cases import users
from notifications.models import Notification

pytestmark = pytest.mark.django_db
User = get_user_model()


def _create(client, **data):
    return client.post(reverse("admin:auth_user_add"), {"phone": "", "business": "", **data})


def test_a_supervisor_creates_a_business_account_and_the_invitation_sets_the_password(
    client, supervisor, business, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    assert client.get(reverse("admin:auth_user_add")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(client, role="business", display_name="刘客服", username="liu.kefu",
                           email="liu@example.com", phone="400-800-0002", business=business.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="liu.kefu")
    assert not user.is_staff and not user.has_usable_password()
    assert user.groups.filter(name="business").exists() and business.members.filter(pk=user.pk).exists()
    assert display_name(user) == "刘客服" and staff_phone(user) == "400-800-0002"
    invitation = Notification.objects.get(template="accounts/invite", recipient_user=user)
    link = re.search(r"https?://\S+/portal/set-password/\S+/", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    page = client.get("/" + path, follow=True)
    assert page.status_code == 200 and "new_password1" in page.content.decode()
    response = client.post(page.redirect_chain[-1][0] if page.redirect_chain else "/" + path,
                           {"new_password1": "Cha-ng3-this-0ne", "new_password2": "Cha-ng3-this-0ne"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Cha-ng3-this-0ne")
    assert client.get("/" + path, follow=True).content.decode().count("new_password1") == 0  # used once
    assert mail.outbox or invitation.status  # delivered through the outbox


def test_a_supervisor_creates_a_mediator_account(client, supervisor):
    client.force_login(supervisor)
    response = _create(client, role="mediator", display_name="孙晓", username="sunxiao", email="sun@example.com")
    assert response.status_code == 302
    user = User.objects.get(username="sunxiao")
    assert user.is_staff and user.groups.filter(name="mediator").exists()


def test_bad_input_is_refused_with_the_typed_values_kept(client, supervisor):
    client.force_login(supervisor)
    response = _create(client, role="business", display_name="某人", username=supervisor.username,
                       email="x@example.com")
    page = response.content.decode()
    assert response.status_code == 200 and "某人" in page and "x@example.com" in page
    assert "请选择此账号所属的经营者" in page or "Choose the business" in page


def test_mediators_cannot_manage_accounts_and_nobody_else_sets_passwords(client, mediator, supervisor):
    client.force_login(mediator)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:auth_user_password_change", args=[mediator.pk])).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[mediator.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        users.account_create(actor=mediator, role="mediator", username="x", display_name="x", email="x@x.cn")


def test_a_supervisor_cannot_make_an_administrator_or_give_permissions(client, supervisor, mediator):
    client.force_login(supervisor)
    page = client.get(reverse("admin:auth_user_change", args=[mediator.pk])).content.decode()
    assert "is_superuser" not in page and "user_permissions" not in page and 'name="groups"' not in page
    client.post(reverse("admin:auth_user_change", args=[mediator.pk]),
                {"display_name": "调解员甲", "phone": "1", "email": "m@example.com", "is_active": "on",
                 "is_superuser": "on"})
    mediator.refresh_from_db()
    assert not mediator.is_superuser and staff_phone(mediator) == "1"


def test_the_business_members_picker_lists_business_users_only(client, supervisor, business, business_user, mediator):
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_business_change", args=[business.pk])).content.decode()
    picker = page.split('name="members"')[1].split("</select>")[0]
    assert f'value="{business_user.pk}"' in picker
    assert f'value="{mediator.pk}"' not in picker and f'value="{supervisor.pk}"' not in picker
