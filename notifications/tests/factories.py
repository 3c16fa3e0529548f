import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from notifications.models import Notification


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")


class StaffFactory(UserFactory):
    is_staff = True


class NotificationFactory(factory.django.DjangoModelFactory):
    """A row as notification_enqueue would leave it (pending email), without rendering or scheduling."""

    class Meta:
        model = Notification

    channel = Notification.Channel.EMAIL
    to_address = factory.Sequence(lambda n: f"consumer{n}@example.com")
    template = "generic"
    context = factory.LazyFunction(lambda: {"subject": "S", "message": "M"})
    language = "zh-hans"
    subject = "投诉处理通知"
    body = "您的投诉已受理。"
    next_attempt_at = factory.LazyFunction(timezone.now)


class InAppNotificationFactory(NotificationFactory):
    channel = Notification.Channel.IN_APP
    to_address = ""
    recipient_user = factory.SubFactory(StaffFactory)
    status = Notification.Status.SENT
    sent_at = factory.LazyFunction(timezone.now)
    next_attempt_at = None
