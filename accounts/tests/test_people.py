"""How an account is named and reached: the profile first, then the account's own name; the system user is 系统."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from accounts.models import StaffProfile
from accounts.people import display_name, staff_phone
from cases.users import get_system_user

pytestmark = pytest.mark.django_db


def _user(username, **kwargs):
    return get_user_model().objects.create_user(username=username, **kwargs)


def test_the_profile_name_wins_over_the_full_name_and_the_username():
    user = _user("tiaojie", first_name="调解")
    StaffProfile.objects.create(user=user, display_name="李晓梅", phone="021-55556101")
    user.refresh_from_db()
    assert display_name(user) == "李晓梅"
    assert staff_phone(user) == "021-55556101"


def test_without_a_profile_the_full_name_then_the_username():
    assert display_name(_user("a", first_name="王", last_name="五")) == "王 五"
    bare = _user("business-contact-1")
    assert display_name(bare) == "business-contact-1"
    assert staff_phone(bare) == ""


def test_a_blank_profile_name_falls_back():
    user = _user("b", first_name="孙丽")
    StaffProfile.objects.create(user=user, display_name="  ")
    assert display_name(user) == "孙丽"


def test_the_system_user_is_named_in_the_viewers_language():
    system = get_system_user()
    with translation.override("zh-hans"):
        assert display_name(system) == "系统"
    with translation.override("en"):
        assert display_name(system) == "System"


def test_nobody_has_no_name():
    assert display_name(None) == ""
    assert staff_phone(None) == ""


def test_profile_changes_are_audited():
    profile = StaffProfile.objects.create(user=_user("c"), display_name="甲")
    profile.display_name = "乙"
    profile.save()
    assert list(profile.history.values_list("display_name", flat=True)) == ["乙", "甲"]
