from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.backups import backup_create


class Command(BaseCommand):
    help = "Back up PostgreSQL (pg_dump) and the stored files (MEDIA_ROOT) into a folder, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="default: backups/<date-time> under the current folder")

    def handle(self, *args, folder=None, **options):
        out = Path(folder or f"backups/{timezone.localtime():%Y%m%d-%H%M%S}")
        try:
            manifest = backup_create(out)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {len(manifest['files'])} stored files "
            f"into {out}"
        ))
        if manifest["missing_files"]:
            self.stdout.write(self.style.WARNING(
                f"{len(manifest['missing_files'])} files referenced by the database were missing: "
                + ", ".join(manifest["missing_files"][:10])
            ))
