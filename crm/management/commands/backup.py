"""`manage.py backup --out DIR`: a dated archive of the database and the uploaded files (crm/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write a dated archive (tar.gz) of the database and the uploaded files, with a manifest, into --out."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, type=Path, help="The folder the archive is written to.")

    def handle(self, *args, out: Path, **options):
        try:
            archive = backup_create(out_dir=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(archive))
        return None
