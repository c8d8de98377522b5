"""The sponsor's side: sam (Acme Oncology) follows his company's requests, submits, withdraws, adds documents,
and downloads the collated answer once the office releases it."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feasibility import services
from feasibility.models import FeasibilityRequest, RequestStatus, Source
from tests.factories import (
    CentreResponseFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_request(acme, leeds, manchester):
    """Circulated to Leeds and Manchester; Leeds interested."""
    request = FeasibilityRequestFactory(sponsor=acme, status="circulating", title="ACM-1 first in human")
    answered = InvitationFactory(request=request, centre=leeds)
    InvitationFactory(request=request, centre=manchester)
    CentreResponseFactory(invitation=answered, decision="interested", principal_investigator="Dr Leeds PI")
    return request


@pytest.fixture
def recorded_summary(alice, acme_request):
    return services.sponsor_summary_record(actor=alice, request=acme_request, sent_to="study.lead@acme.example")


# Home and timeline ---------------------------------------------------------------------------------------


def test_it_sends_a_sponsor_home_to_their_requests(client_for, sam):
    response = client_for(sam).get(reverse("crm:home"))
    assert response.status_code == 302
    assert response.url == reverse("feasibility:sponsor-home")


def test_it_shows_each_request_with_its_timeline_and_no_centre_or_answer(client_for, sam, acme_request):
    response = client_for(sam).get(reverse("feasibility:sponsor-home"))
    page = response.content.decode()
    assert "ACM-1 first in human" in page
    assert "Circulated to 2 centres" in page
    assert "Answers due" in page
    assert "Leeds" not in page and "Manchester" not in page and "Dr Leeds PI" not in page


def test_it_shows_no_other_companys_request(client_for, sam, acme_request):
    other = FeasibilityRequestFactory(title="Rival secret study")
    client = client_for(sam)
    assert "Rival secret study" not in client.get(reverse("feasibility:sponsor-home")).content.decode()
    assert client.get(reverse("feasibility:sponsor-request", args=[other.pk])).status_code == 404
    assert client.get(reverse("feasibility:request-detail", args=[other.pk])).status_code == 404


def test_it_sends_a_sponsor_from_the_office_request_page_to_their_own(client_for, sam, acme_request):
    response = client_for(sam).get(reverse("feasibility:request-detail", args=[acme_request.pk]))
    assert response.url == reverse("feasibility:sponsor-request", args=[acme_request.pk])
    page = client_for(sam).get(response.url).content.decode()
    assert "Leeds" not in page
    assert "Not released yet" in page


def test_it_keeps_sponsor_pages_from_everyone_else(client_for, alice, bob):
    for user in (alice, bob):
        assert client_for(user).get(reverse("feasibility:sponsor-home")).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "engagements:organisation-list",
        "engagements:contact-list",
        "engagements:event-list",
        "engagements:engagement-list",
        "feasibility:request-list",
        "feasibility:outstanding",
        "feasibility:scorecard-list",
        "crm:annual-report-latest",
        "crm:user-list",
    ],
)
def test_it_refuses_a_sponsor_every_network_list(client_for, sam, url_name):
    assert client_for(sam).get(reverse(url_name)).status_code == 403


def test_it_lets_a_sponsor_read_the_directory_and_matrix(client_for, sam, leeds):
    client = client_for(sam)
    assert client.get(reverse("capabilities:centre-list")).status_code == 200
    assert client.get(reverse("capabilities:matrix")).status_code == 200


def test_it_shows_a_sponsor_only_their_pages_in_the_navigation(client_for, sam):
    page = client_for(sam).get(reverse("feasibility:sponsor-home")).content.decode()
    for shown in ("Your opportunities", "Submit an opportunity", "Centre directory", "Network directory (PDF)"):
        assert shown in page
    for hidden in ("Organisations", "All requests", "Scorecards", "Annual report", "Users and invitations"):
        assert hidden not in page


# Submitting ---------------------------------------------------------------------------------------------


def _submission(**extra):
    data = {
        "title": "ACM-2 in NSCLC",
        "modality": "small_molecule",
        "phase": "phase_1",
        "populations": ["adult"],
        "synopsis": "A first-in-human study.",
    }
    return data | extra


def test_it_submits_for_the_account_company_and_records_the_nda_once(client_for, sam, acme):
    client = client_for(sam)
    refused = client.post(reverse("feasibility:sponsor-submit"), _submission())
    assert refused.status_code == 200
    assert "Accept the network" in refused.content.decode()
    assert not FeasibilityRequest.objects.exists()

    response = client.post(reverse("feasibility:sponsor-submit"), _submission(nda_accepted="on"))
    made = FeasibilityRequest.objects.get()
    assert response.url == reverse("feasibility:sponsor-request", args=[made.pk])
    assert (made.sponsor, made.source, made.status) == (acme, Source.SPONSOR_ACCOUNT, RequestStatus.TRIAGE)
    sam.refresh_from_db()
    assert sam.nda_version == "2026-1" and sam.nda_accepted_at.date() == timezone.localdate()
    assert sam.history.first().history_change_reason.startswith("Accepted the network NDA")

    # Once accepted, the question is not asked again.
    page = client.get(reverse("feasibility:sponsor-submit")).content.decode()
    assert "nda_accepted" not in page
    client.post(reverse("feasibility:sponsor-submit"), _submission(title="ACM-3"))
    assert FeasibilityRequest.objects.filter(sponsor=acme).count() == 2


def test_it_refuses_a_sponsor_without_a_company(db):
    from crm.models import Role

    loose = UserFactory(role=Role.SPONSOR)
    with pytest.raises(PermissionDenied):
        services.request_submit_sponsor(actor=loose, title="A", synopsis="B", populations=["adult"])


def test_it_prefills_the_form_from_a_pasted_synopsis_and_saves_nothing(client_for, sam):
    synopsis = "Title: A Phase I study of ACM-9 in NSCLC\nAdults ≥18 years. We seek 3 UK sites. 40 patients."
    response = client_for(sam).post(
        reverse("feasibility:sponsor-submit"), {"step": "extract", "synopsis_text": synopsis}
    )
    page = response.content.decode()
    assert 'value="A Phase I study of ACM-9 in NSCLC"' in page
    assert "From the synopsis: “We seek 3 UK sites.”" in page
    assert 'data-testid="evidence"' in page
    assert not FeasibilityRequest.objects.exists()


def test_it_explains_an_unreadable_file_and_keeps_the_form_usable(client_for, sam):
    scan = SimpleUploadedFile("scan.pdf", _blank_pdf(), content_type="application/pdf")
    response = client_for(sam).post(reverse("feasibility:sponsor-submit"), {"step": "extract", "synopsis_file": scan})
    page = response.content.decode()
    assert response.status_code == 200
    assert "probably a scan" in page
    assert 'name="title"' in page


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Documents and withdrawing ----------------------------------------------------------------------------------


def test_it_lets_the_sponsor_add_documents_to_their_open_request(client_for, sam, acme_request):
    upload = SimpleUploadedFile("protocol.pdf", b"%PDF-1.4 protocol", content_type="application/pdf")
    client_for(sam).post(reverse("feasibility:attach", args=[acme_request.pk]), {"attachments": [upload]})
    attachment = acme_request.attachments.get()
    assert (attachment.name, attachment.uploaded_by) == ("protocol.pdf", sam)


def test_it_refuses_documents_on_another_companys_request(client_for, sam):
    other = FeasibilityRequestFactory()
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_for(sam).post(reverse("feasibility:attach", args=[other.pk]), {"attachments": [upload]})
    assert response.status_code == 404


def test_it_withdraws_with_the_sponsors_reason(client_for, sam, acme_request):
    client = client_for(sam)
    client.post(reverse("feasibility:sponsor-withdraw", args=[acme_request.pk]), {"reason": ""})
    acme_request.refresh_from_db()
    assert acme_request.status == RequestStatus.CIRCULATING
    client.post(reverse("feasibility:sponsor-withdraw", args=[acme_request.pk]), {"reason": "Programme paused"})
    acme_request.refresh_from_db()
    assert acme_request.status == RequestStatus.WITHDRAWN
    assert acme_request.outcome_notes == "Withdrawn by the sponsor: Programme paused"
    assert acme_request.history.first().history_user == sam


def test_it_lets_a_sponsor_record_no_other_outcome(sam, acme_request):
    with pytest.raises(PermissionDenied):
        services.request_set_outcome(actor=sam, request=acme_request, outcome="not_placed")


# The collated answer --------------------------------------------------------------------------------------


def test_it_hides_a_summary_until_the_office_releases_it(client_for, sam, recorded_summary):
    page = client_for(sam).get(reverse("feasibility:sponsor-request", args=[recorded_summary.request_id]))
    assert "Not released yet" in page.content.decode()
    url = reverse("feasibility:summary-download", args=[recorded_summary.pk, "pdf"])
    assert client_for(sam).get(url).status_code == 404


def test_it_releases_emails_a_link_and_records_each_download(
    client_for, alice, sam, acme, recorded_summary, django_capture_on_commit_callbacks
):
    colleague = UserFactory(username="sam2", role="sponsor", organisation=acme)
    UserFactory(username="rival", role="sponsor", organisation=OrganisationFactory(name="Rival"))
    office = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        office.post(
            reverse("feasibility:sponsor-summary-release", args=[recorded_summary.request_id, recorded_summary.pk])
        )
    recorded_summary.refresh_from_db()
    assert recorded_summary.released_at and recorded_summary.released_by == alice
    assert recorded_summary.history.first().history_change_reason == "Released to the sponsor"
    (email,) = mail.outbox
    assert set(email.to) == {sam.email, colleague.email}
    link = reverse("feasibility:sponsor-request", args=[recorded_summary.request_id])
    assert link in email.body and "Leeds" not in email.body and "ACM-1" not in email.body

    client = client_for(sam)
    page = client.get(link).content.decode()
    assert "Download PDF" in page and "1 of 2 centres interested" in page
    pdf = client.get(reverse("feasibility:summary-download", args=[recorded_summary.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("feasibility:summary-download", args=[recorded_summary.pk, "csv"]))
    assert "Leeds ECMC" in csv.content.decode() and "Dr Leeds PI" in csv.content.decode()
    recorded_summary.refresh_from_db()
    assert recorded_summary.downloads == 2
    reasons = [h.history_change_reason for h in recorded_summary.history.filter(history_user=sam)]
    assert reasons == ["Downloaded (CSV)", "Downloaded (PDF)"]
    office = client_for(alice)  # the same test client, signed in as the office again
    summary_page = office.get(reverse("feasibility:sponsor-summary", args=[recorded_summary.request_id])).content
    assert b"downloaded 2 times" in summary_page
    history = office.get(reverse("crm:history", args=["feasibility.sponsorsummary", recorded_summary.pk]))
    assert history.status_code == 200


def test_it_releases_a_summary_once_and_only_by_the_office(alice, victor, recorded_summary):
    with pytest.raises(PermissionDenied):
        services.sponsor_summary_release(actor=victor, summary=recorded_summary)
    services.sponsor_summary_release(actor=alice, summary=recorded_summary)
    with pytest.raises(ValidationError, match="already released"):
        services.sponsor_summary_release(actor=alice, summary=recorded_summary)


def test_it_freezes_the_released_answer(alice, sam, acme_request, recorded_summary, manchester):
    services.sponsor_summary_release(actor=alice, summary=recorded_summary)
    late = acme_request.invitations.get(centre=manchester)
    CentreResponseFactory(invitation=late, decision="interested", principal_investigator="Dr Late")
    csv = services.sponsor_summary_download(actor=sam, summary=recorded_summary, kind="csv").decode()
    assert "Dr Late" not in csv


def test_it_shows_the_release_button_to_the_office_only(client_for, alice, victor, recorded_summary):
    url = reverse("feasibility:sponsor-summary", args=[recorded_summary.request_id])
    assert "Release to the sponsor" in client_for(alice).get(url).content.decode()
    assert "Release to the sponsor" not in client_for(victor).get(url).content.decode()


def test_it_has_nothing_to_download_before_release_even_for_the_office(client_for, alice, recorded_summary):
    url = reverse("feasibility:summary-download", args=[recorded_summary.pk, "pdf"])
    assert client_for(alice).get(url).status_code == 404


def test_it_prefills_the_office_request_form_from_a_synopsis(client_for, alice):
    synopsis = "Title: ORX-1 in DLBCL\nA Phase II study in adults aged 18 years or older. 4 UK sites."
    response = client_for(alice).post(
        reverse("feasibility:request-create"), {"step": "extract", "synopsis_text": synopsis}
    )
    page = response.content.decode()
    assert 'value="ORX-1 in DLBCL"' in page
    assert "From the synopsis: “A Phase II study in adults aged 18 years or older.”" in page
    assert not FeasibilityRequest.objects.exists()


def test_it_lets_a_sponsor_download_the_network_directory(client_for, sam, leeds):
    response = client_for(sam).get(reverse("capabilities:directory-pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
