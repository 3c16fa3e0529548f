"""People are named by their display name wherever the staff pages show them, never by the username."""

import pytest
from django.urls import reverse

from accounts.models import StaffProfile
from cases import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def named_mediator(mediator):
    StaffProfile.objects.create(user=mediator, display_name="李晓梅", phone="021-55556101")
    return mediator


def test_case_list_column_and_filter_show_names(client, supervisor, named_mediator, make_case):
    make_case("accepted")
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert page.count("李晓梅") >= 2  # the 承办人 column and the filter
    assert named_mediator.username not in page


def test_note_authors_and_the_audit_trail_show_names(client, supervisor, named_mediator, make_case):
    case = make_case("accepted")
    services.case_add_note(case_id=case.pk, actor=named_mediator, body="已电话联系消费者")
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "李晓梅" in page
    assert named_mediator.username not in page


def test_the_overdue_view_names_the_mediators(client, supervisor, named_mediator, make_case, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    case = make_case("accepted")
    time_machine.move_to(timezone.now() + timedelta(days=90))
    client.force_login(supervisor)
    page = client.get(reverse("admin:reminders_overduecase_changelist")).content.decode()
    assert case.number in page and "李晓梅" in page
    assert named_mediator.username not in page
