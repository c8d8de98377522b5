"""The API for sponsor accounts: their requests (created for their own company), released summaries, and
`feasibility-requests/extract/` reading a synopsis without saving anything."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from feasibility import services
from feasibility.models import FeasibilityRequest, Source
from tests.factories import FeasibilityRequestFactory, InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SYNOPSIS = (
    "Title: A Phase I study of ACM-9 in NSCLC\n"
    "Adults ≥18 years with NSCLC. Sites need PET-CT. We seek 3 UK sites and 40 patients in total.\n"
    "First patient in: Q2 2027."
)


@pytest.fixture
def released(alice, acme, leeds):
    request = FeasibilityRequestFactory(sponsor=acme, status="circulating")
    InvitationFactory(request=request, centre=leeds)
    summary = services.sponsor_summary_record(actor=alice, request=request, sent_to="lead@acme.example")
    return services.sponsor_summary_release(actor=alice, summary=summary)


def test_it_lists_only_the_sponsors_own_requests(api, sam, acme):
    own = FeasibilityRequestFactory(sponsor=acme)
    other = FeasibilityRequestFactory()
    api.force_authenticate(sam)
    assert [r["id"] for r in api.get("/api/v1/feasibility-requests/").json()["results"]] == [own.pk]
    assert api.get(f"/api/v1/feasibility-requests/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/feasibility-requests/{own.pk}/matches/").status_code == 403


def test_it_creates_for_the_sponsors_company_whatever_is_sent(api, sam, acme):
    rival = OrganisationFactory(name="Rival")
    api.force_authenticate(sam)
    body = {"title": "ACM-4", "synopsis": "A study", "sponsor": rival.pk, "populations": ["adult"]}
    refused = api.post("/api/v1/feasibility-requests/", body, format="json")
    assert refused.status_code == 400 and "nda_accepted" in refused.json()
    made = api.post("/api/v1/feasibility-requests/", body | {"nda_accepted": True}, format="json")
    assert made.status_code == 201, made.json()
    request = FeasibilityRequest.objects.get(pk=made.json()["id"])
    assert (request.sponsor, request.source, request.status) == (acme, Source.API, "triage")


def test_it_never_lets_a_sponsor_change_a_request(api, sam, acme):
    own = FeasibilityRequestFactory(sponsor=acme)
    api.force_authenticate(sam)
    assert api.patch(f"/api/v1/feasibility-requests/{own.pk}/", {"title": "x"}, format="json").status_code == 403
    assert api.post(f"/api/v1/feasibility-requests/{own.pk}/route/", {"centres": [1]}, format="json").status_code == 403


def test_it_still_needs_a_sponsor_from_the_office(api, alice):
    api.force_authenticate(alice)
    response = api.post("/api/v1/feasibility-requests/", {"title": "A"}, format="json")
    assert response.status_code == 400 and "sponsor" in response.json()


def test_it_shows_a_sponsor_released_summaries_of_their_requests_only(api, sam, alice, released, leeds):
    other = FeasibilityRequestFactory(status="circulating")
    InvitationFactory(request=other, centre=leeds)
    services.sponsor_summary_release(
        actor=alice, summary=services.sponsor_summary_record(actor=alice, request=other, sent_to="x@y.example")
    )
    unreleased_request = FeasibilityRequestFactory(sponsor=released.request.sponsor, status="circulating")
    InvitationFactory(request=unreleased_request, centre=leeds)
    services.sponsor_summary_record(actor=alice, request=unreleased_request, sent_to="lead@acme.example")

    api.force_authenticate(sam)
    body = api.get("/api/v1/sponsor-summaries/").json()
    assert [s["id"] for s in body["results"]] == [released.pk]
    row = body["results"][0]
    assert set(row) == {"id", "request", "created_at", "released_at", "pdf"}
    assert row["pdf"].endswith(f"/sponsor/summaries/{released.pk}/pdf/")
    assert api.get(f"/api/v1/sponsor-summaries/?request={released.request_id}").json()["count"] == 1
    assert api.get(f"/api/v1/sponsor-summaries/?request={other.pk}").json()["count"] == 0
    api.force_authenticate(alice)
    assert api.get("/api/v1/sponsor-summaries/").json()["count"] == 3


def _extract(api, user, **data):
    api.force_authenticate(user)
    return api.post("/api/v1/feasibility-requests/extract/", data, format="multipart")


def test_it_extracts_pasted_text_with_evidence_and_saves_nothing(api, sam):
    response = _extract(api, sam, synopsis=SYNOPSIS)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["fields"]["title"] == "A Phase I study of ACM-9 in NSCLC"
    assert body["fields"]["phase"] == "phase_1"
    assert body["fields"]["tumour_types"] == ["tumour.lung"]
    assert {"capability": "radio.pet_ct", "necessity": "required"} in body["fields"]["requirements"]
    assert body["fields"]["planned_start"] == "2027-04-01"
    assert body["evidence"]["sites_sought"] == "We seek 3 UK sites and 40 patients in total."
    assert not FeasibilityRequest.objects.exists()


def test_it_extracts_a_docx_and_a_pdf(api, alice):
    import docx
    from weasyprint import HTML

    document = docx.Document()
    for line in SYNOPSIS.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Sample size", "40"
    out = io.BytesIO()
    document.save(out)
    word = SimpleUploadedFile("synopsis.docx", out.getvalue())
    assert _extract(api, alice, synopsis=word).json()["fields"]["sites_sought"] == 3

    html = "".join(f"<p>{line}</p>" for line in SYNOPSIS.splitlines())
    pdf = SimpleUploadedFile("synopsis.pdf", HTML(string=html).write_pdf(), content_type="application/pdf")
    assert _extract(api, alice, synopsis=pdf).json()["fields"]["patients_total"] == 40


def _pdf(encrypt: bool = False, text: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", _pdf(), "probably a scan"),
        ("locked.pdf", _pdf(encrypt=True), "protected by a password"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "damaged"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("fake.pdf", b"MZ\x90\x00 an executable", "not a PDF"),
        ("picture.png", b"\x89PNG\r\n", "PDF, a Word"),
    ],
)
def test_it_explains_a_file_it_cannot_read(api, sam, name, content, message):
    response = _extract(api, sam, synopsis=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.json()["synopsis"][0]


def test_it_refuses_a_40_mb_file_without_reading_it(api, sam):
    big = SimpleUploadedFile("huge.pdf", b"%PDF-1.4" + b"0" * (40 * 1024 * 1024))
    response = _extract(api, sam, synopsis=big)
    assert response.status_code == 400
    assert "40 MB" in response.json()["synopsis"][0]


def test_it_asks_for_a_synopsis(api, alice):
    response = _extract(api, alice)
    assert response.status_code == 400 and "synopsis" in response.json()


@pytest.mark.parametrize("user", ["bob", "victor"])
def test_it_keeps_extraction_for_the_office_and_sponsors(api, request, user):
    assert _extract(api, request.getfixturevalue(user), synopsis=SYNOPSIS).status_code == 403


def test_it_refuses_a_sponsor_post_that_leaves_out_the_synopsis_with_a_message(sam):
    """Found by schemathesis: a sponsor's POST without synopsis or populations was a 500."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(sam)
    response = api.post("/api/v1/feasibility-requests/", {"title": "FIH study", "nda_accepted": True}, format="json")
    assert response.status_code == 400
    assert "synopsis" in response.json()
