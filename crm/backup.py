"""Backup and restore of the whole of EPOCH in one dated archive: the database and the uploaded files.

An archive (`epoch-backup-YYYYMMDD-HHMMSS.tar.gz`) holds:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup API),
  every table, history and account events included, as one consistent snapshot;
- `media/`: every uploaded file under MEDIA_ROOT (attachments, published reports);
- `manifest.json`: the app version, the migrations applied, the rows in each table, and a SHA-256 of the
  database file and of each uploaded file.

Why not `dumpdata`/`loaddata`: they fail on the history tables and are slow on large ones; the database's
own tools copy everything exactly (ids, sequences, constraints) and quickly.

Restore checks every checksum before touching anything, refuses a database that already holds data
unless forced, loads the database, puts the files back, checks every table's row count against the
manifest, then migrates (an archive from an older version comes up to date; one from a newer version is
refused).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1


class BackupError(Exception):
    """Backup or restore cannot go on; the message says why and what to do."""


def app_version() -> str:
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _pg_env_and_args() -> tuple[dict, list[str]]:
    """libpq settings for pg_dump/pg_restore from Django's connection (the password through the environment)."""
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"`{name}` is not installed; install the PostgreSQL client (apt-get install postgresql-client)."
        )
    return path


def table_counts(cursor) -> dict[str, int]:
    """Rows in every table of the database the cursor reads (tables Django did not make included)."""
    tables = sorted(connection.introspection.table_names(cursor))
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names come from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations_applied() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _dump_sqlite(folder: Path) -> tuple[Path, dict[str, int]]:
    target = folder / "database.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    # Counted on the copy itself, so the figures describe exactly what was saved.
    with sqlite3.connect(target) as copy:
        names = [row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {
            name: copy.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in sorted(names)
            if not name.startswith("sqlite_")
        }
    return target, counts


def _dump_postgres(folder: Path) -> tuple[Path, dict[str, int]]:
    """pg_dump under a snapshot exported from our own repeatable-read transaction, counted in that same
    snapshot: the counts and the dump describe one moment even while people keep working."""
    target = folder / "database.dump"
    env, args = _pg_env_and_args()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = table_counts(cursor)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(connection.settings_dict["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target, counts


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup_create(*, out_dir: Path, now: datetime.datetime | None = None) -> Path:
    """Write a dated archive of the database and the uploaded files into out_dir; returns its path."""
    now = now or timezone.now()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"epoch-backup-{now.astimezone(datetime.UTC):%Y%m%d-%H%M%S}.tar.gz"
    if archive.exists():
        raise BackupError(f"{archive} already exists; wait a second or choose another folder.")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        database, counts = _dump_postgres(Path(tmp)) if _is_postgres() else _dump_sqlite(Path(tmp))
        files = [
            {"path": str(p.relative_to(media_root)), "size": p.stat().st_size, "sha256": sha256_of(p)}
            for p in _media_files()
        ]
        manifest = {
            "format": FORMAT,
            "app": "EPOCH",
            "app_version": app_version(),
            "created_at": now.astimezone(datetime.UTC).isoformat(),
            "engine": connection.vendor,
            "database": {"file": database.name, "sha256": sha256_of(database), "size": database.stat().st_size},
            "migrations": _migrations_applied(),
            "tables": counts,
            "files": files,
        }
        manifest_path = Path(tmp) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(manifest_path, arcname=MANIFEST)
            tar.add(database, arcname=database.name)
            for entry in files:
                tar.add(media_root / entry["path"], arcname=f"{MEDIA}/{entry['path']}")
        partial.rename(archive)  # a half-written archive never carries the final name
    os.chmod(archive, 0o600)  # it holds personal data and every password hash
    return archive


@dataclass
class Restored:
    tables: int
    rows: int
    files: int
    migrated: bool


def holds_data() -> str | None:
    """What in this database shows it is in use (None when it is empty or freshly migrated).

    Everything people make leaves a history row or is a user, so a database with neither holds nothing
    a restore would lose; the taxonomy a migration seeds does not count."""
    from crm.audit import history_models
    from crm.history import history_model_of

    User = apps.get_model(settings.AUTH_USER_MODEL)
    if User.objects.exists():
        return f"{User.objects.count()} user account(s)"
    for model in history_models().values():
        if history_model_of(model).objects.exists():
            return f"history of {model._meta.verbose_name_plural}"
    return None


def read_manifest(archive: Path, folder: Path) -> dict:
    """Unpack the archive into folder (only plain files, never outside it) and check every checksum."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive} is not a readable EPOCH backup ({exc}).") from exc
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive} has no readable manifest; it is not an EPOCH backup.") from exc
    if manifest.get("format") != FORMAT or manifest.get("app") != "EPOCH":
        raise BackupError(f"{archive} is not an EPOCH backup of a format this version reads.")
    database = folder / manifest["database"]["file"]
    if not database.is_file() or sha256_of(database) != manifest["database"]["sha256"]:
        raise BackupError("The database file in the archive does not match its checksum: the archive is damaged.")
    for entry in manifest["files"]:
        path = folder / MEDIA / entry["path"]
        if not path.is_file() or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"The uploaded file {entry['path']} does not match its checksum: the archive is damaged.")
    return manifest


def _restore_sqlite(database: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(database) as source:
        source.backup(connection.connection)


def _restore_postgres(database: Path) -> None:
    env, args = _pg_env_and_args()
    name = str(connection.settings_dict["NAME"])
    connection.close()  # pg_restore --clean drops tables: no open connection of ours may hold a lock on them
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [
            _tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={name}",
            str(database),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed; the database is as it was. {result.stderr.strip()}")


def backup_restore(*, archive: Path, force: bool = False, migrate: bool = True) -> Restored:
    """Restore an archive made by backup_create into this database and MEDIA_ROOT."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = read_manifest(archive, folder)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"This archive holds a {manifest['engine']} database; this EPOCH uses {connection.vendor}. "
                "Restore it into the same kind of database."
            )
        unknown = sorted(set(manifest["migrations"]) - set(_known_migrations()))
        if unknown:
            raise BackupError(
                f"This archive was made by a newer EPOCH ({manifest['app_version']}); it has migrations this "
                f"version lacks ({', '.join(unknown[:3])}…). Install that version or newer first."
            )
        in_use = holds_data()
        if in_use and not force:
            raise BackupError(
                f"This database already holds data ({in_use}). Restore into an empty or freshly migrated "
                "database, or pass --force to replace everything in it with the archive."
            )
        database = folder / manifest["database"]["file"]
        if manifest["engine"] == "postgresql":
            _restore_postgres(database)
        else:
            _restore_sqlite(database)
        with connection.cursor() as cursor:
            counts = table_counts(cursor)
        wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
        if wrong:
            details = ", ".join(f"{t}: {got} rows, expected {n}" for t, (n, got) in list(wrong.items())[:5])
            raise BackupError(f"The restored database does not match the manifest ({details}).")
        media_root = Path(settings.MEDIA_ROOT)
        for entry in manifest["files"]:
            target = media_root / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / MEDIA / entry["path"], target)
    migrated = False
    if migrate and set(_known_migrations()) - set(manifest["migrations"]):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        migrated = True
    return Restored(
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        migrated=migrated,
    )


def _known_migrations() -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    return [f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations]
