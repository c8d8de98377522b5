"""`manage.py backup` and `manage.py restore`: every row (history included) and every uploaded file comes
back, on SQLite and on PostgreSQL (crm/backup.py)."""

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from crm import services
from engagements import services as engagement_services
from tests.factories import ContactFactory, EngagementFactory, OrganisationFactory, UserFactory

# pg_dump reads from its own connection, so the data must be committed; serialized like every transactional test
# here, so the tests after it find the database as migrations left it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def network(media):
    alice = UserFactory(username="alice-backup", role="programme_office")
    org = engagement_services.organisation_create(actor=alice, name="Helix Bio", kind="biotech")
    engagement_services.organisation_update(actor=alice, organisation=org, status="partner")
    contact = ContactFactory(organisation=org, first_name="Ada")
    engagement = EngagementFactory()
    engagement.contacts.set([contact])
    services.token_create(actor=alice, name="export script")
    default_storage.save("attachments/synopsis.pdf", ContentFile(b"%PDF-1.7 synopsis"))
    default_storage.save("reports/annual-2025.pdf", ContentFile(b"%PDF-1.7 report " * 1000))
    return alice


def backup(folder: Path) -> Path:
    out = io.StringIO()
    call_command("backup", out=folder, stdout=out)
    return Path(out.getvalue().strip())


def restore(*args) -> str:
    out = io.StringIO()
    call_command("restore", *map(str, args), stdout=out)
    return out.getvalue()


def every_row() -> dict[str, list]:
    """Every row of every model (history and many-to-many tables included), comparable across a restore."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table == "epoch_cache":
            continue
        rows[model._meta.label] = sorted(map(repr, model._base_manager.order_by("pk").values_list()))
    return rows


def every_file(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wipe(media: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)


def round_trip(tmp_path, media):
    before_rows, before_files = every_row(), every_file(media)
    assert before_files and any(before_rows[label] for label in before_rows if "Historical" in label)
    archive = backup(tmp_path / "backups")
    assert archive.name.startswith("epoch-backup-") and archive.name.endswith(".tar.gz")
    wipe(media)
    assert every_row() != before_rows and not media.exists()
    assert "Restored" in restore(archive)
    assert every_row() == before_rows
    assert every_file(media) == before_files
    return archive


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
def test_it_backs_up_and_restores_every_row_and_file_on_sqlite(network, tmp_path, media):
    round_trip(tmp_path, media)


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="the PostgreSQL round trip needs PostgreSQL with pg_dump and pg_restore",
)
def test_it_backs_up_and_restores_every_row_and_file_on_postgresql(network, tmp_path, media):
    round_trip(tmp_path, media)
    # Sequences come back too: a new record after the restore gets a fresh id.
    OrganisationFactory(name="After the restore")


def test_the_manifest_says_what_the_archive_holds(network, tmp_path, media):
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert "media/attachments/synopsis.pdf" in names
    assert manifest["app_version"] and manifest["engine"] == connection.vendor
    assert "crm.0001_initial" in manifest["migrations"]
    organisation = apps.get_model("engagements.Organisation")
    assert manifest["tables"]["engagements_organisation"] == organisation.objects.count() == 2
    assert manifest["tables"]["engagements_historicalorganisation"] == organisation.history.count()
    assert {f["path"] for f in manifest["files"]} == {"attachments/synopsis.pdf", "reports/annual-2025.pdf"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"]) and len(manifest["database"]["sha256"]) == 64
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_it_refuses_to_restore_over_data_unless_forced(network, tmp_path, media):
    archive = backup(tmp_path)
    OrganisationFactory(name="Made after the backup")
    with pytest.raises(CommandError, match="already holds data"):
        restore(archive)
    assert apps.get_model("engagements.Organisation").objects.filter(name="Made after the backup").exists()
    restore(archive, "--force")
    assert not apps.get_model("engagements.Organisation").objects.filter(name="Made after the backup").exists()


def test_it_refuses_a_damaged_archive_before_touching_anything(network, tmp_path, media):
    archive = backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/attachments/synopsis.pdf":
                data = b"tampered"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    wipe(media)
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(damaged))
    assert not apps.get_model("engagements.Organisation").objects.exists()


def test_it_explains_an_archive_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a readable EPOCH backup"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
