"""{% load people %}: {{ user|display_name }} and {{ user|staff_phone }} in templates (the rules of accounts.people)."""

from django import template

from accounts import people

register = template.Library()


@register.filter
def display_name(user):
    return people.display_name(user)


@register.filter
def staff_phone(user):
    return people.staff_phone(user)
