"""Django's own form messages, kept in Django's own wording across the site.

Django REST framework (installed for the API) ships a catalog with some of the same msgids translated differently,
and every app's catalog comes before Django's. Listed here, they are in the project's catalog (LOCALE_PATHS,
which comes first) with Django's translations, so the admin's and the portal's forms read as before.
"""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("This field is required."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("Value must be valid JSON."),
]
