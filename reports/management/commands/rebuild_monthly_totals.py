from django.core.management.base import BaseCommand

from reports.totals import monthly_totals_rebuild


class Command(BaseCommand):
    help = "Recount the statistics' monthly totals from the cases (after a bulk import that bypassed the signals)."

    def handle(self, *args, **options):
        monthly_totals_rebuild()
