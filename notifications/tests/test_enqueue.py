import datetime
from unittest import mock

import pytest
from django.db import connection
from kombu.exceptions import OperationalError as BrokerOperationalError

from notifications import services, tasks
from notifications.models import Notification
from notifications.services import notification_enqueue, notifications_dispatch_pending

pytestmark = pytest.mark.django_db

Status = Notification.Status


def enqueue_email(**overrides):
    kwargs = {
        "channel": "email",
        "template": "generic",
        "context": {"subject": "转办单已发出", "message": "请在期限内答复。"},
        "to_address": "shop@example.com",
    }
    return notification_enqueue(**{**kwargs, **overrides})


def test_renders_and_freezes_subject_and_body():
    notification = enqueue_email()

    notification.refresh_from_db()
    assert notification.subject == "转办单已发出"
    assert notification.body.startswith("请在期限内答复。")
    assert notification.context == {"subject": "转办单已发出", "message": "请在期限内答复。"}
    assert notification.status == Status.PENDING
    assert notification.next_attempt_at is not None


def test_plain_text_is_not_html_escaped_and_subject_is_one_line():
    notification = enqueue_email(context={"subject": "A & B\n<续>", "message": "退款 <100> & 道歉"})

    assert notification.subject == "A & B <续>"
    assert notification.body.startswith("退款 <100> & 道歉")


def test_renders_in_simplified_chinese_by_default_and_in_the_given_language():
    context = {"when": datetime.date(2026, 3, 1)}
    zh = enqueue_email(template="lang_probe", context=context)
    en = enqueue_email(template="lang_probe", context=context, language="en")

    assert (zh.language, zh.body, zh.subject) == ("zh-hans", "zh-hans|2026年3月1日", "2026年3月1日")
    assert (en.language, en.body) == ("en", "en|March 1, 2026")
    assert Notification.objects.get(pk=zh.pk).context == {"when": "2026-03-01"}


def test_same_dedupe_key_returns_the_existing_row_and_schedules_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = enqueue_email(dedupe_key="case:12:remind_business:2026-03-01")
        second = enqueue_email(dedupe_key="case:12:remind_business:2026-03-01", context={"subject": "x"})

    assert second.pk == first.pk
    assert second.subject == "转办单已发出"
    assert Notification.objects.count() == 1
    assert len(callbacks) == 1


def test_without_dedupe_key_every_call_is_a_new_row():
    enqueue_email()
    enqueue_email(dedupe_key="")

    assert Notification.objects.count() == 2
    assert not Notification.objects.exclude(dedupe_key=None).exists()


def test_losing_the_dedupe_race_returns_the_winner_and_keeps_the_transaction_usable():
    winner = enqueue_email(dedupe_key="case:7:urge:2026-03-02")
    real_lookup = services._find_by_dedupe_key
    # The first look-up misses, as if the other transaction had not committed yet; the insert then collides.
    with mock.patch.object(services, "_find_by_dedupe_key", side_effect=[None, winner]) as lookup:
        result = enqueue_email(dedupe_key="case:7:urge:2026-03-02")

    assert lookup.call_count == 2
    assert result.pk == winner.pk
    # Without a savepoint the IntegrityError would have broken the test's transaction and this would raise.
    assert real_lookup("case:7:urge:2026-03-02").pk == winner.pk
    assert connection.needs_rollback is False


def test_delivery_is_scheduled_on_commit_not_before(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = enqueue_email()
    assert len(callbacks) == 1
    assert mailoutbox == []

    callbacks[0]()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert [m.to for m in mailoutbox] == [["shop@example.com"]]


def test_committed_enqueue_sends_the_email(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue_email()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.sent_at is not None
    assert notification.attempts == 1
    assert "locmem" in notification.transport_note
    assert mailoutbox[0].subject == "转办单已发出"


def test_broker_down_at_enqueue_leaves_the_row_pending_for_the_sweep(
    django_capture_on_commit_callbacks, mailoutbox, caplog
):
    broker_down = BrokerOperationalError("[Errno 111] Connection refused")
    with mock.patch.object(tasks.deliver_notification, "delay", side_effect=broker_down) as delay:
        with django_capture_on_commit_callbacks(execute=True):
            notification = enqueue_email()

    assert delay.called
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert mailoutbox == []
    assert "broker unavailable" in caplog.text

    assert notifications_dispatch_pending() == 1

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(mailoutbox) == 1


def test_other_errors_while_scheduling_are_not_swallowed(django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.deliver_notification, "delay", side_effect=RuntimeError("bug")):
        with pytest.raises(RuntimeError):
            with django_capture_on_commit_callbacks(execute=True):
                enqueue_email()


def test_email_goes_to_the_users_address_when_none_is_given(user):
    notification = enqueue_email(to_address="", recipient_user=user)

    assert notification.to_address == user.email
    assert notification.recipient_user == user


@pytest.mark.parametrize(
    ("channel", "kwargs"),
    [("email", {"to_address": ""}), ("sms", {"to_address": ""}), ("in_app", {"to_address": ""}), ("fax", {})],
)
def test_refuses_a_notice_it_cannot_address(channel, kwargs):
    with pytest.raises(ValueError):
        enqueue_email(channel=channel, **kwargs)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("template", ["../../admin/base", "Generic", "generic/", ""])
def test_refuses_template_names_outside_the_notifications_folder(template):
    with pytest.raises(ValueError):
        enqueue_email(template=template)


def test_missing_subject_template_is_fine_for_sms_but_not_for_email(settings):
    sms = notification_enqueue(
        channel="sms", template="lang_probe_body_only", context={}, to_address="13800000000"
    )
    assert sms.subject == "" and sms.body == "短信正文"
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        enqueue_email(template="lang_probe_body_only")


def test_about_is_a_generic_reference(user):
    notification = enqueue_email(about=user)

    notification = Notification.objects.get(pk=notification.pk)
    assert notification.about == user
    assert notification.object_id == str(user.pk)


def test_about_must_be_saved():
    from django.contrib.auth import get_user_model

    with pytest.raises(ValueError):
        enqueue_email(about=get_user_model()(username="unsaved"))
