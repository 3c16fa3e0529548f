"""Notices are named by what they are ("企业逾期未答复：第一次催办通知"), not by their template's path."""

import pytest
from django.urls import reverse
from django.utils import translation

from notifications.models import template_label
from notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


def test_a_template_with_a_label_is_named_by_it_in_the_viewers_language():
    with translation.override("zh-hans"):
        zh = template_label("reminders/first_urge")
    with translation.override("en"):
        en = template_label("reminders/first_urge")
    assert "/" not in zh and zh != en and en == "Answer overdue: first urging notice"
    assert template_label("no/such_template") == "no/such_template"


def test_the_outbox_lists_kinds_by_label(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-123")
    notification_enqueue(channel="email", template="reminders/first_urge", to_address="a@example.com",
                         context={"case": "TS-1", "business": "b", "deadline": "d", "association": "a",
                                  "phone": "p", "days": 1, "mediator": "m"})
    client.force_login(admin)
    page = client.get(reverse("admin:notifications_notification_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "reminders/first_urge" not in text.split("<tbody>")[1]
    assert template_label("reminders/first_urge") in text
