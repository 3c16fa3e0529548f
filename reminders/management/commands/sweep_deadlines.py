from django.core.management.base import BaseCommand

from reminders.services import deadlines_sweep


class Command(BaseCommand):
    help = (
        "Take every reminder step that is due (reminders before the due date, urging notices, the supervisors' "
        "queue, escalation candidates, acceptance and mediation limits), exactly once. The sweep Celery beat runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        result = deadlines_sweep(batch_size=batch_size)
        self.stdout.write(
            f"{result.steps} step(s) taken for {result.claimed} case(s); {result.urging_notices} urging notice(s) "
            f"issued; {result.notifications} notification(s) queued."
        )
