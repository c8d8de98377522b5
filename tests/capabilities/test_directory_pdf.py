"""The sponsor-facing network capability directory PDF."""

import re
import subprocess

import pytest
from django.urls import reverse

from capabilities.models import Capability
from tests.factories import CentreCapabilityFactory, CentreFactory

pytestmark = pytest.mark.django_db

URL = reverse("capabilities:directory-pdf")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "directory.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_it_sends_anonymous_visitors_to_sign_in(client):
    assert "/accounts/login/" in client.get(URL)["Location"]


def test_it_renders_a_dated_pdf_naming_every_active_centre(client_for, victor, leeds, manchester, tmp_path):
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="unit.beds"), quantity=14)
    CentreCapabilityFactory(centre=manchester, capability=Capability.objects.get(code="haematology"))
    CentreFactory(name="Closed ECMC", code="closed", active=False)
    response = client_for(victor).get(URL)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Network capability directory" in text
    assert "The network at a glance" in text  # the overview, with a link to each centre
    assert text.count("Leeds ECMC") >= 2 and text.count("Manchester ECMC") >= 2  # overview and its own section
    assert "Closed ECMC" not in text
    assert "14 beds" in text
    assert "Haematological malignancies" in text
    from django.utils import timezone

    assert timezone.localdate().strftime("%B %Y") in text


def test_it_says_when_a_centre_has_no_profile_yet(client_for, bob, leeds, tmp_path):
    text = pdf_text(client_for(bob).get(URL).content, tmp_path)
    assert "not yet published its capability profile" in text


def test_it_reads_the_directory_in_the_same_number_of_queries_for_3_or_30_centres(db, django_assert_max_num_queries):
    from capabilities.models import Centre
    from capabilities.pdf import directory_context

    def make(n):
        for _ in range(n):
            centre = CentreFactory()
            for code in ("adult", "tumour.lung", "unit.beds"):
                CentreCapabilityFactory(centre=centre, capability=Capability.objects.get(code=code))

    make(3)
    with django_assert_max_num_queries(5) as few:
        assert len(directory_context(Centre.objects.active())["sections"]) == 3
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(directory_context(Centre.objects.active())["sections"]) == 30


def test_it_opens_with_an_overview_and_dates_each_centre_and_stale_level(
    client_for, victor, leeds, manchester, tmp_path
):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"), confirmed_on=today)
    CentreCapabilityFactory(
        centre=manchester,
        capability=Capability.objects.get(code="haematology"),
        confirmed_on=today - datetime.timedelta(days=400),
    )
    text = pdf_text(client_for(victor).get(URL).content, tmp_path)
    (overview,) = [page for page in text.split("\f") if "The network at a glance" in page]
    assert "Leeds ECMC" in overview and "Manchester ECMC" in overview and "confirmed" in overview
    assert f"Profile last confirmed {today:%-d %B %Y}." in text
    old = today - datetime.timedelta(days=400)
    assert f"Profile last confirmed {old:%-d %B %Y}; 1 level not confirmed in 12 months." in text
    assert "Haematological malignancies · not confirmed in 12 months" in text


def test_it_draws_the_directory_once_until_a_profile_changes(victor, leeds, client_for, monkeypatch):
    from capabilities import pdf

    drawn = []
    real = pdf.render_directory_pdf
    monkeypatch.setattr(pdf, "render_directory_pdf", lambda *a, **k: drawn.append(1) or real(*a, **k))
    level = CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"))
    client = client_for(victor)
    first = client.get(URL).content
    assert client.get(URL).content == first and len(drawn) == 1
    level.level = "limited"
    level.save()
    client.get(URL)
    assert len(drawn) == 2


def test_it_shows_progress_while_the_worker_draws_it_then_downloads_it(client_for, victor, leeds, settings):
    from django.core.cache import cache

    from capabilities import pdf

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}  # a worker that waits
    client = client_for(victor)
    response = client.get(URL)
    assert response.status_code == 202
    assert "Preparing the network directory" in response.content.decode()
    assert "Waiting for the worker" in response.content.decode()
    fingerprint = pdf.directory_fingerprint(type(leeds).objects.active())
    cache.set(f"directory-pdf:{fingerprint}:progress", {"stage": "Laying out the pages", "started": 0})
    poll = client.get(URL, headers={"HX-Request": "true"})
    assert poll.status_code == 202 and "Laying out the pages" in poll.content.decode()
    assert "<html" not in poll.content.decode()
    pdf.cached_directory_pdf(type(leeds).objects.active())  # what the worker does
    assert client.get(URL, headers={"HX-Request": "true"})["HX-Redirect"] == URL
    assert client.get(URL).content.startswith(b"%PDF")


def test_it_names_limited_and_planned_levels_and_bars_every_level(client_for, victor, leeds, tmp_path):
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"), level="available")
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="haematology"), level="limited")
    text = pdf_text(client_for(victor).get(URL).content, tmp_path)
    assert re.search(r"Limited\s+Haematological malignancies", text)
    assert "Adult early-phase trials" in text  # available: the green bar says so, without a word


def test_it_turns_the_garbage_collector_back_on_after_drawing_even_when_drawing_fails(monkeypatch):
    import gc

    from capabilities import pdf

    with pdf.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), pdf.gc_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_it_draws_the_directory_again_when_the_taxonomy_renames_a_capability(victor, leeds, client_for, tmp_path):
    capability = Capability.objects.get(code="adult")
    CentreCapabilityFactory(centre=leeds, capability=capability)
    client = client_for(victor)
    assert "Adult early-phase trials" in pdf_text(client.get(URL).content, tmp_path)
    capability.name = "Adult first-in-human and early-phase trials"
    capability.save()
    assert "Adult first-in-human and early-phase trials" in pdf_text(client.get(URL).content, tmp_path)
