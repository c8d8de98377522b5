"""`manage.py restore ARCHIVE`: put an archive made by `backup` back into an empty or freshly migrated
database (crm/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and uploaded files from an archive made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data (everything in it is lost).",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        try:
            restored = backup_restore(archive=archive, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {restored.rows} rows in {restored.tables} tables and {restored.files} uploaded file(s)"
            + (", then migrated to this version." if restored.migrated else ".")
        )
