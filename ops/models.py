from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerReport(models.Model):
    """What the workers report to the web processes (ops.state): beat's heartbeat and the sweep's figures.

    In the database, which every process shares under every configuration (the embedded default's cache is
    per process) and which a Redis restart does not empty. One row per name, updated in place.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    at = models.DateTimeField(_("last reported at"))
    runs = models.PositiveBigIntegerField(_("runs"), default=0)
    steps = models.PositiveBigIntegerField(_("steps taken"), default=0)
    seconds = models.FloatField(_("seconds spent"), default=0)
    last_seconds = models.FloatField(_("last run's seconds"), default=0)
    last_steps = models.PositiveBigIntegerField(_("last run's steps"), default=0)

    class Meta:
        verbose_name = _("worker report")
        verbose_name_plural = _("worker reports")

    def __str__(self):
        return self.name
