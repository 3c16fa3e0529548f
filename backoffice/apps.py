from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = _("Back office")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the back office's site (the workbench as its home)."""

    default = False
    default_site = "backoffice.site.StaffAdminSite"
