import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification

from .factories import InAppNotificationFactory, NotificationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status


def changelist_url():
    return reverse("admin:notifications_notification_changelist")


def make_rows(count):
    """Rows that touch every relation the changelist shows: a user, an `about` object, both channels."""
    for i in range(count):
        about = UserFactory()
        if i % 2:
            InAppNotificationFactory(about=about)
        else:
            NotificationFactory(
                recipient_user=about,
                about=about,
                status=Status.FAILED,
                attempts=1,
                last_error="SMTPServerDisconnected",
            )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_shows_rows_with_their_delivery_status(admin_client):
    NotificationFactory(to_address="shop@example.com", status=Status.FAILED, attempts=2, last_error="boom")

    response = admin_client.get(changelist_url())

    assert response.status_code == 200
    body = response.content.decode()
    assert "shop@example.com" in body
    assert 'class="field-status">' in body
    assert 'class="field-attempts">2<' in body


@pytest.mark.parametrize(
    "query", ["status__exact=failed", "channel__exact=sms", "template=generic", "q=shop%40example.com"]
)
def test_changelist_filters_and_search(admin_client, query):
    NotificationFactory(to_address="shop@example.com", status=Status.FAILED, attempts=1)
    NotificationFactory(to_address="other@example.com", channel="sms", template="other")

    response = admin_client.get(f"{changelist_url()}?{query}")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_changelist_query_count_is_flat(admin_client):
    make_rows(10)
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(changelist_url()).status_code == 200

    make_rows(190)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(changelist_url())

    assert len(response.context["cl"].result_list) == 100  # a full page of the 200 rows
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_change_page_is_read_only(admin_client, admin_user):
    row = NotificationFactory(about=admin_user, subject="冻结的主题", body="冻结的正文")
    url = reverse("admin:notifications_notification_change", args=[row.pk])

    response = admin_client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "冻结的主题" in body
    assert 'name="subject"' not in body
    assert reverse("admin:auth_user_change", args=[admin_user.pk]) in body  # the `about` link

    admin_client.post(url, {"subject": "改写", "body": "改写", "status": "sent"})
    row.refresh_from_db()
    assert (row.subject, row.body, row.status) == ("冻结的主题", "冻结的正文", Status.PENDING)


def test_no_adding_or_deleting_from_the_admin(admin_client):
    row = NotificationFactory()

    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:notifications_notification_delete", args=[row.pk])).status_code == 403
    )


def test_retry_action_puts_failed_and_dead_rows_back_and_sends_them(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(to_address="a@example.com", status=Status.FAILED, attempts=2, last_error="x")
    dead = NotificationFactory(
        to_address="b@example.com", status=Status.DEAD, attempts=5, next_attempt_at=None
    )
    sent = NotificationFactory(to_address="c@example.com", status=Status.SENT, next_attempt_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist_url(),
            {"action": "retry_delivery", "_selected_action": [failed.pk, dead.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "2" in " ".join(str(m) for m in response.context["messages"])
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    for row in (failed, dead):
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.SENT, 1)


def test_retry_action_needs_the_change_permission(client):
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))
    dead = NotificationFactory(status=Status.DEAD, attempts=5, next_attempt_at=None)
    client.force_login(viewer)

    assert client.get(changelist_url()).status_code == 200
    client.post(changelist_url(), {"action": "retry_delivery", "_selected_action": [dead.pk]})

    dead.refresh_from_db()
    assert dead.status == Status.DEAD


def test_staff_without_permission_cannot_see_the_outbox(client):
    client.force_login(StaffFactory())

    assert client.get(changelist_url()).status_code == 403
