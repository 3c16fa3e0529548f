"""What the working calendar tells the apps built on it, without knowing them.

``calendar_changed`` is sent after a ``CalendarOverride`` row is saved or deleted (through any path: the admin, a
shell, a fixture), with ``dates``: the dates whose status may have changed. Apps that store dates computed on the
calendar (``cases`` stores every due date) connect to it in their ``AppConfig.ready`` and recompute them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

calendar_changed = Signal()


def _override_saved(sender, instance, **kwargs):
    calendar_changed.send(sender=sender, dates=[instance.date])


def connect():
    """Called from WorkcalendarConfig.ready()."""
    from .models import CalendarOverride

    post_save.connect(_override_saved, sender=CalendarOverride, dispatch_uid="workcalendar_override_saved")
    post_delete.connect(_override_saved, sender=CalendarOverride, dispatch_uid="workcalendar_override_deleted")
