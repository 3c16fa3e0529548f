from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from notifications.selectors import notification_unread_count

register = template.Library()


@register.simple_tag
def unread_notifications_count(user) -> int:
    """`{% unread_notifications_count user as unread %}`: the user's unread in-app notifications (one COUNT)."""
    return notification_unread_count(user=user)


@register.simple_tag
def notifications_bell_url(user) -> str:
    """Where the bell leads: the admin changelist filtered to the user's unread in-app notifications for those
    allowed to see the outbox, otherwise the user's own list (`notifications:mine`); "" if neither applies."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.has_perm("notifications.view_notification") or user.has_perm("notifications.change_notification"):
        query = urlencode(
            {"channel__exact": "in_app", "recipient_user__id__exact": user.pk, "read_at__isnull": "True"}
        )
        return f"{reverse('admin:notifications_notification_changelist')}?{query}"
    try:
        return reverse("notifications:mine")
    except NoReverseMatch:
        return ""
