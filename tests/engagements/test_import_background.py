"""Large CSV imports run as a background task with progress on the page, all or nothing still
(the tests' task backend runs the task at once)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engagements import services
from engagements.models import Contact, ImportJob, Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def contacts_csv(n: int, bad_line: int | None = None) -> str:
    lines = ["first_name,last_name,email,organisation"]
    for i in range(n):
        email = "not-an-email" if i == bad_line else f"person{i}@helix.example"
        lines.append(f"Person,{i},{email},Helix Bio")
    return "\n".join(lines) + "\n"


def upload(client, text: str, what: str = "contacts"):
    return client.post(
        reverse("engagements:import"),
        {"what": what, "file": SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")},
    )


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_a_large_import_runs_in_the_background_and_shows_its_result(
    client, alice, immediate_tasks, django_capture_on_commit_callbacks
):
    OrganisationFactory(name="Helix Bio")
    client.force_login(alice)
    page = upload(client, contacts_csv(1200))
    html = page.content.decode()
    assert "imported in the background" in html
    assert "Showing 200 of 1200 rows" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("engagements:import-job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.created, job.done, job.text) == ("done", 1200, 1200, "")
    assert Contact.objects.count() == 1200
    # Each contact has its history, by the person who imported, saying where it came from.
    history = Contact.history.filter(email="person7@helix.example").get()
    assert history.history_user == alice and history.history_change_reason == "Imported from people.csv"
    progress = client.get(reverse("engagements:import-job", args=[job.pk]))
    assert "All 1200 rows imported: 1200 created, 0 updated." in progress.content.decode()


def test_the_progress_part_polls_while_the_import_runs_and_stops_when_done(client, alice):
    job = ImportJob.objects.create(
        what="contacts", file_name="big.csv", text="x", rows=20000, done=5000, created_by=alice
    )
    client.force_login(alice)
    part = client.get(reverse("engagements:import-job", args=[job.pk]), headers={"HX-Request": "true"})
    html = part.content.decode()
    assert "<html" not in html and 'hx-trigger="every 1s"' in html
    assert "5000 of 20000 rows written (25%)" in html
    job.status = "done"
    job.save()
    html = client.get(reverse("engagements:import-job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in html


def test_a_background_import_that_fails_writes_nothing_and_says_why(alice, immediate_tasks):
    from engagements.tasks import import_run

    OrganisationFactory(name="Helix Bio")
    text = contacts_csv(1500)
    job = ImportJob.objects.create(what="contacts", file_name="people.csv", text=text, rows=1500, created_by=alice)
    # Between the check and the run, someone took one of the addresses: the whole file is refused.
    Contact.objects.create(first_name="Early", last_name="Bird", email="person1499@helix.example")
    Organisation.objects.filter(name="Helix Bio").delete()
    import_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "Nothing was imported" in job.error and job.text == ""
    assert Contact.objects.count() == 1


def test_it_reports_progress_after_each_batch(alice):
    OrganisationFactory(name="Helix Bio")
    seen = []
    services.import_apply(
        actor=alice,
        what="contacts",
        data=contacts_csv(1100).encode(),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(500, 1100), (1000, 1100), (1100, 1100)]


def test_small_imports_stay_immediate(client, alice):
    client.force_login(alice)
    upload(client, "name,kind\nHelix Bio,biotech\n", what="organisations")
    response = client.post(reverse("engagements:import-confirm"), {"confirm": ""})
    assert response["Location"] == reverse("engagements:organisation-list")
    assert not ImportJob.objects.exists() and Organisation.objects.filter(name="Helix Bio").exists()


def test_only_the_programme_office_follows_imports(client, alice, victor, bob):
    job = ImportJob.objects.create(what="contacts", file_name="a.csv", text="", rows=1, created_by=alice)
    for user in (victor, bob):
        client.force_login(user)
        assert client.get(reverse("engagements:import-job", args=[job.pk])).status_code == 403
