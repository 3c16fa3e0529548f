from django.core.management.base import BaseCommand

from groups.services import hotspot_alerts_send


class Command(BaseCommand):
    help = "Alert supervisors of businesses with many complaints in the last GROUP_HOTSPOT_DAYS days (once per window)."

    def handle(self, *args, **options):
        sent = hotspot_alerts_send()
        self.stdout.write(f"{sent} hot-spot alert(s) sent.")
