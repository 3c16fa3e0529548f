from django.core.management.base import BaseCommand

from notifications.services import notifications_dispatch_pending


class Command(BaseCommand):
    help = (
        "Queue (or with --inline, deliver here) every notification that is due: new, waiting for a retry, or "
        "abandoned mid-send. The same sweep Celery beat runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--inline", action="store_true", help="Deliver in this process instead of queueing tasks."
        )

    def handle(self, *args, batch_size, inline, **options):
        count = notifications_dispatch_pending(batch_size=batch_size, inline=inline)
        verb = "Delivered (attempted)" if inline else "Queued"
        self.stdout.write(f"{verb} {count} notification(s).")
