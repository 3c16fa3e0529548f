"""Enqueueing many notices at once (notifications_enqueue_bulk) for callers such as periodic sweeps."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError as BrokerOperationalError

from notifications import services, tasks
from notifications.models import Notification
from notifications.services import Notice, notification_enqueue, notifications_enqueue_bulk

from .factories import StaffFactory

pytestmark = pytest.mark.django_db

Status = Notification.Status


def email(n, **overrides):
    fields = dict(
        channel="email", template="generic", context={"subject": f"主题{n}", "message": f"正文{n}"},
        to_address=f"shop{n}@example.com", dedupe_key=f"bulk:{n}",
    )
    return Notice(**{**fields, **overrides})


def test_stores_each_notice_rendered_and_frozen(django_capture_on_commit_callbacks):
    staff = StaffFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        count = notifications_enqueue_bulk(
            [email(1), email(2, about=(get_user_model(), staff.pk)),
             Notice(channel="in_app", template="generic", context={"subject": "铃", "message": "有新案件"},
                    recipient_user_id=staff.pk)]
        )

    assert count == 3
    rows = list(Notification.objects.order_by("pk"))
    assert [(r.channel, r.status, r.subject, r.body.splitlines()[0]) for r in rows] == [
        ("email", Status.PENDING, "主题1", "正文1"),
        ("email", Status.PENDING, "主题2", "正文2"),
        ("in_app", Status.SENT, "铃", "有新案件"),
    ]
    assert rows[1].about == staff and rows[0].about is None
    assert rows[2].sent_at is not None and rows[2].next_attempt_at is None
    assert len(callbacks) == 1  # one dispatch sweep for the lot, not a task per row


def test_dispatch_on_commit_delivers_them(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notifications_enqueue_bulk([email(1), email(2)])

    assert sorted(m.to[0] for m in mailoutbox) == ["shop1@example.com", "shop2@example.com"]
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_existing_dedupe_keys_are_skipped_and_left_unchanged():
    first = notification_enqueue(channel="email", template="generic", context={"subject": "原", "message": "原"},
                                 to_address="a@example.com", dedupe_key="bulk:1")

    notifications_enqueue_bulk([email(1), email(2)], dispatch=False)

    assert Notification.objects.count() == 2
    assert Notification.objects.get(pk=first.pk).subject == "原"


def test_a_text_of_its_own_in_the_language_is_preferred():
    notifications_enqueue_bulk(
        [Notice(channel="email", template="bilingual", context={"n": 7}, to_address="a@example.com"),
         Notice(channel="email", template="bilingual", context={"n": 8}, to_address="b@example.com", language="en")],
        dispatch=False,
    )
    rows = list(Notification.objects.order_by("pk").values_list("language", "subject", "body"))
    assert rows == [("zh-hans", "7 号通知", "中文正文 7"), ("en", "8 号通知", "English body 8")]


def test_notification_enqueue_uses_the_language_text_too():
    row = notification_enqueue(channel="email", template="bilingual", context={"n": 3}, to_address="a@example.com",
                               language="en")
    assert row.body == "English body 3"


def test_broker_down_leaves_the_rows_for_the_periodic_sweep(django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.dispatch_pending_notifications, "delay",
                           side_effect=BrokerOperationalError("Connection refused")) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            notifications_enqueue_bulk([email(1)])
        assert services.notifications_request_dispatch() is False

    assert delay.call_count == 2
    assert Notification.objects.get().status == Status.PENDING


@pytest.mark.parametrize(
    ("notice", "message"),
    [
        (Notice(channel="email", template="generic", context={}), "needs an address"),
        (Notice(channel="in_app", template="generic", context={}), "recipient_user_id"),
        (Notice(channel="sms", template="../x", context={}, to_address="1"), "Invalid notification template"),
    ],
)
def test_bad_notices_are_refused_and_nothing_is_stored(notice, message):
    with pytest.raises(ValueError, match=message):
        notifications_enqueue_bulk([email(1), notice])
    assert not Notification.objects.exists()


def test_the_callers_language_is_restored():
    from django.utils import translation

    with translation.override("en"):
        notifications_enqueue_bulk([email(1, language="zh-hans")], dispatch=False)
        assert translation.get_language() == "en"


@pytest.mark.parametrize(
    ("source", "context"),
    [
        ("甲 {{ a }} 乙 {{ n }}", {"a": "A & <B>", "n": 12345}),
        ("{{ missing }}|{{ a }}", {"a": "x"}),
        ("{{ n }}", {"n": 1.5}),
        ("{{ d }}", {"d": __import__("datetime").date(2026, 3, 1)}),
        ("{{ a.b }}", {"a": {"b": "dotted"}}),
        ("{% if a %}{{ a }}{% endif %}", {"a": "tag"}),
        ("{{ a|upper }}", {"a": "filter"}),
    ],
)
@pytest.mark.parametrize("grouping", [False, True])
def test_plain_templates_render_exactly_as_the_engine(settings, source, context, grouping):
    from django.template import Context, Engine

    from notifications.services import _Templates

    settings.USE_THOUSAND_SEPARATOR = grouping
    template = Engine.get_default().from_string(source)
    compiled = services._PlainTemplate.compile(template) or template
    assert _Templates._render(compiled, context) == template.render(Context(dict(context), autoescape=False))
