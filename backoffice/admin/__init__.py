"""The staff admin: the case page and list (cases), the records of transfer, mediation and escalation
(mediation), urging notices and the supervisors' overdue view (reminders), the accounts (accounts)."""

from . import accounts, cases, deliveries, groups, mediation, reminders, rules  # noqa: F401  (each registers its admins)
