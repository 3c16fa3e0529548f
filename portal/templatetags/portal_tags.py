from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def association_name() -> str:
    return settings.ASSOCIATION_NAME


@register.simple_tag
def association_phone() -> str:
    return settings.ASSOCIATION_PHONE


@register.filter
def absolute(value: int) -> int:
    return abs(value)
