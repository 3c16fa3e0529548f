"""Run the follow-up sweep by hand: close finished cases whose follow-up window lapsed."""

from django.core.management.base import BaseCommand

from mediation.services.follow_up import follow_up_sweep


class Command(BaseCommand):
    help = "Close finished cases whose follow-up window lapsed (recorded as the system user)."

    def handle(self, *args, **options):
        counts = follow_up_sweep()
        self.stdout.write(
            "closed without follow-up: {closed_without_follow_up}; closed after follow-up: "
            "{closed_after_follow_up}; skipped: {skipped}".format(**counts)
        )
