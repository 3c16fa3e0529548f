from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backups import backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into an empty PostgreSQL database and a media folder, then check "
        "every table's row count and every stored file's checksum against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", required=True, help="an empty database (createdb it first)")
        parser.add_argument("--media-root", required=True, help="where the stored files go")
        parser.add_argument("--verify-only", action="store_true", help="only check an earlier restore")

    def handle(self, *args, folder, database_url, media_root, verify_only, **options):
        folder, media = Path(folder), Path(media_root)
        try:
            if verify_only:
                check = backup_verify(folder, database_url=database_url, media_root=media)
            else:
                check = backup_restore(folder, database_url=database_url, media_root=media)
        except (ValueError, RuntimeError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if not check.ok:
            for problem in check.problems:
                self.stderr.write(problem)
            raise CommandError(f"The restored copy differs from the backup ({len(check.problems)} problems).")
        self.stdout.write(self.style.SUCCESS(
            f"Restored and verified: {check.tables} tables, {check.rows} rows, {check.files} stored files "
            "with equal checksums."
        ))
