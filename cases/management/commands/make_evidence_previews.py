from django.core.management.base import BaseCommand

from cases.models import Evidence
from cases.previews import preview_of


class Command(BaseCommand):
    help = "Make the missing previews of evidence photos and PDFs (files stored before previews existed)."

    def handle(self, *args, **options):
        made = 0
        for item in Evidence.objects.filter(preview="").exclude(file="").iterator():
            try:
                item.file.open("rb")
            except OSError:
                continue
            with item.file:
                preview = preview_of(item.file, item.content_type)
            if preview is None:
                continue
            item.preview.save(preview.name, preview, save=False)
            # Derived data, not a change anyone made: written without a history row.
            Evidence.objects.filter(pk=item.pk).update(preview=item.preview.name)
            made += 1
        self.stdout.write(f"{made} previews made.")
