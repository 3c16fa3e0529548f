"""Reads for the outbox."""

from django.contrib.contenttypes.models import ContentType

from .models import Notification


def notification_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        recipient_user=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()


def notifications_for_user(*, user):
    """The user's in-app notifications, newest first."""
    return Notification.objects.filter(recipient_user=user, channel=Notification.Channel.IN_APP).order_by(
        "-pk"
    )


def notifications_about(*, obj):
    """Every notification about `obj` (any channel), newest first — for a domain object's history page."""
    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-pk")
