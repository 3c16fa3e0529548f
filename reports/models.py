"""The association's figures are computed from the cases (reports.selectors); nothing is stored here. The proxy
model gives the statistics page its place in the admin and its permission."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case


class Statistics(Case):
    class Meta:
        proxy = True
        verbose_name = _("statistics")
        verbose_name_plural = _("statistics")
        default_permissions = ()
        permissions = [("view_statistics", _("Can view and export the association's statistics"))]
