"""Count every open case's due dates again, e.g. after upgrading chinesecalendar to a version with a new year's
notice (override rows entered in the admin trigger the same recomputation by themselves)."""

from django.core.management.base import BaseCommand

from cases.services import case_deadlines_recompute


class Command(BaseCommand):
    help = "Recompute the due dates of every open case on the current working calendar (as the system user)."

    def handle(self, *args, **options):
        changed = case_deadlines_recompute()
        self.stdout.write(f"{changed} open case(s) had their due dates changed.")
