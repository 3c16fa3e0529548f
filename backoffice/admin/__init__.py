"""The staff admin: the case page and list (cases), the records of transfer, mediation and escalation
(mediation), urging notices and the supervisors' overdue view (reminders)."""

from . import cases, deliveries, mediation, reminders, rules  # noqa: F401  (each registers its admins)
