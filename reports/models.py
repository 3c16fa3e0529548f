"""The association's figures are computed from the cases (reports.selectors), over monthly totals kept up to date
as the cases change (reports.totals). The proxy model gives the statistics page its place in the admin and its
permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Region


class Statistics(Case):
    class Meta:
        proxy = True
        verbose_name = _("statistics")
        verbose_name_plural = _("statistics")
        default_permissions = ()
        permissions = [("view_statistics", _("Can view and export the association's statistics"))]


class MonthlyTotal(models.Model):
    """The figures' counts for one month, region and breakdown key, kept by reports.totals (never edited)."""

    month = models.DateField(_("month"))
    dimension = models.CharField(_("breakdown"), max_length=10)  # reports.totals.DIMENSIONS
    key = models.CharField(_("key"), max_length=40, blank=True)  # the nature, category, business or mediator
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    received = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    terminated = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    timely = models.PositiveIntegerField(default=0)
    late_done = models.PositiveIntegerField(default=0)
    followed_up = models.PositiveIntegerField(default=0)
    with_outcome = models.PositiveIntegerField(default=0)
    satisfaction_count = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    money_recovered = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    punitive_count = models.PositiveIntegerField(default=0)
    punitive_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("monthly total")
        verbose_name_plural = _("monthly totals")
        default_permissions = ()
        indexes = [models.Index(fields=["dimension", "month"], name="monthly_total_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.dimension} {self.key}"


class StaleMonth(models.Model):
    """A month whose totals changed cases left out of date: recounted when the totals are read next."""

    month = models.DateField(unique=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.month:%Y-%m}"
