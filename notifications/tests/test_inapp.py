import pytest
from django.contrib.auth.models import Permission
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from notifications.selectors import notification_unread_count
from notifications.services import notifications_mark_read

from .factories import InAppNotificationFactory, NotificationFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_unread_count_counts_only_the_users_unread_in_app_rows(staff):
    InAppNotificationFactory.create_batch(2, recipient_user=staff)
    InAppNotificationFactory(recipient_user=staff, read_at="2026-03-01T08:00:00+08:00")
    InAppNotificationFactory()  # someone else's
    NotificationFactory(recipient_user=staff)  # an email to the same user is not in-app

    assert notification_unread_count(user=staff) == 2


def test_mark_read_all_and_by_id(staff):
    first, second, third = InAppNotificationFactory.create_batch(3, recipient_user=staff)

    assert notifications_mark_read(user=staff, ids=[first.pk]) == 1
    assert notification_unread_count(user=staff) == 2
    assert notifications_mark_read(user=staff) == 2
    assert notification_unread_count(user=staff) == 0
    assert notifications_mark_read(user=staff) == 0


def test_mark_read_never_touches_another_users_rows(staff):
    others = InAppNotificationFactory()

    assert notifications_mark_read(user=staff, ids=[others.pk]) == 0

    others.refresh_from_db()
    assert others.read_at is None


def test_bell_shows_the_count_and_links_outbox_managers_to_the_filtered_changelist(admin_user, client):
    InAppNotificationFactory.create_batch(3, recipient_user=admin_user)
    InAppNotificationFactory.create_batch(2)  # other people's

    html = render_to_string("notifications/bell.html", {"user": admin_user})

    assert '<span class="notifications-bell-count">3</span>' in html
    url = html.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert url.startswith(reverse("admin:notifications_notification_changelist"))
    # The link really filters the changelist to this user's unread in-app notifications.
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3


def test_bell_links_other_staff_to_their_own_list(staff):
    InAppNotificationFactory(recipient_user=staff)

    html = render_to_string("notifications/bell.html", {"user": staff})

    assert f'href="{reverse("notifications:mine")}"' in html
    assert '<span class="notifications-bell-count">1</span>' in html


def test_bell_renders_without_a_link_when_mine_is_not_wired(staff, settings):
    settings.ROOT_URLCONF = "notifications.tests.urls_admin_only"
    InAppNotificationFactory(recipient_user=staff)

    html = render_to_string("notifications/bell.html", {"user": staff})

    assert "href" not in html
    assert '<span class="notifications-bell-count">1</span>' in html


def test_bell_is_empty_for_anonymous_users():
    from django.contrib.auth.models import AnonymousUser

    assert render_to_string("notifications/bell.html", {"user": AnonymousUser()}).strip() == ""


def test_bell_has_no_count_badge_when_nothing_is_unread(staff):
    assert "notifications-bell-count" not in render_to_string("notifications/bell.html", {"user": staff})


def test_bell_for_staff_with_only_the_view_permission_links_to_the_changelist():
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))

    html = render_to_string("notifications/bell.html", {"user": viewer})

    assert reverse("admin:notifications_notification_changelist") in html


# --- the `mine` view ----------------------------------------------------------------------------------


def test_mine_requires_login(client):
    response = client.get(reverse("notifications:mine"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_mine_lists_only_the_users_own_in_app_notifications(client, staff):
    InAppNotificationFactory(recipient_user=staff, subject="我的提醒")
    InAppNotificationFactory(subject="别人的提醒")
    NotificationFactory(recipient_user=staff, subject="发给我的邮件")
    client.force_login(staff)

    response = client.get(reverse("notifications:mine"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "我的提醒" in body
    assert "别人的提醒" not in body
    assert "发给我的邮件" not in body


def test_posting_marks_the_ticked_rows_read_but_never_another_users(client, staff):
    mine_first, mine_second = InAppNotificationFactory.create_batch(2, recipient_user=staff)
    theirs = InAppNotificationFactory()
    client.force_login(staff)

    response = client.post(reverse("notifications:mine"), {"ids": [mine_first.pk, theirs.pk, "x"]})

    assert response.status_code == 302
    assert Notification.objects.get(pk=mine_first.pk).read_at is not None
    assert Notification.objects.get(pk=mine_second.pk).read_at is None
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_posting_all_marks_every_own_row_read(client, staff):
    InAppNotificationFactory.create_batch(2, recipient_user=staff)
    theirs = InAppNotificationFactory()
    client.force_login(staff)

    client.post(reverse("notifications:mine"), {"all": "1"})

    assert notification_unread_count(user=staff) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_posting_without_a_csrf_token_is_refused(staff):
    row = InAppNotificationFactory(recipient_user=staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(reverse("notifications:mine"), {"all": "1"})

    assert response.status_code == 403
    assert Notification.objects.get(pk=row.pk).read_at is None
