"""The overdue view is tested on the reminders tests' clock and ladder settings."""

from reminders.tests.conftest import FILED, ladder_defaults, sweep, travel  # noqa: F401
