"""The permission backend gives what Django's ModelBackend gives, in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from accounts.backends import OneQueryModelBackend

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_own_and_role_permissions_in_one_query(django_assert_num_queries):
    user = get_user_model().objects.create_user("perm-probe", password="x")
    role = Group.objects.create(name="probe-role")
    role.permissions.add(Permission.objects.get(codename="view_case"))
    user.groups.add(role)
    user.user_permissions.add(Permission.objects.get(codename="add_case"))
    expected = ModelBackend().get_all_permissions(_fresh(user))
    assert {"cases.view_case", "cases.add_case"} <= expected
    probe = _fresh(user)
    with django_assert_num_queries(1):
        assert OneQueryModelBackend().get_all_permissions(probe) == expected
        assert probe.has_perm("cases.view_case") and not probe.has_perm("cases.delete_case")


def test_inactive_users_and_superusers():
    user = get_user_model().objects.create_user("perm-inactive", password="x", is_active=False)
    user.user_permissions.add(Permission.objects.get(codename="add_case"))
    assert OneQueryModelBackend().get_all_permissions(_fresh(user)) == set()
    boss = get_user_model().objects.create_superuser("perm-boss", password="x")
    assert OneQueryModelBackend().get_all_permissions(_fresh(boss)) == ModelBackend().get_all_permissions(_fresh(boss))
