"""Feasibility pages: who may open each, and the main journeys."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feasibility import services
from feasibility.models import FeasibilityRequest, Invitation, SiteSetUp
from tests.factories import (
    CentreResponseFactory,
    EngagementFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
    OrganisationFactory,
    office_file,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def routed(alice, triage_request, leeds):
    (invitation,) = services.route_request(actor=alice, request=triage_request, centres=[leeds])
    return invitation


@pytest.fixture
def placed(alice, bob, routed, leeds):
    services.submit_response(actor=bob, invitation=routed, decision="interested", principal_investigator="Dr Reed")
    services.request_set_outcome(actor=alice, request=routed.request, outcome="placed", centres=[leeds])
    return SiteSetUp.objects.get()


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


PAGES = [
    # (url name, args from fixtures, expected status for anonymous-redirect, alice, victor, bob, carol)
    ("feasibility:request-list", None, {"alice": 200, "victor": 200, "bob": 403, "carol": 403}),
    ("feasibility:request-create", None, {"alice": 200, "victor": 403, "bob": 403, "carol": 403}),
    ("feasibility:outstanding", None, {"alice": 200, "victor": 200, "bob": 403, "carol": 403}),
    ("feasibility:to-answer", None, {"alice": 403, "victor": 403, "bob": 200, "carol": 200}),
    ("feasibility:request-detail", "request", {"alice": 200, "victor": 200, "bob": 200, "carol": 404}),
    ("feasibility:request-edit", "request", {"alice": 200, "victor": 403, "bob": 403, "carol": 404}),
    ("feasibility:sponsor-summary", "request", {"alice": 200, "victor": 200, "bob": 403, "carol": 404}),
    ("feasibility:outcome", "request", {"alice": 200, "victor": 200, "bob": 403, "carol": 404}),
    ("feasibility:answer", "invitation", {"alice": 200, "victor": 200, "bob": 200, "carol": 404}),
    ("feasibility:scorecard-list", None, {"alice": 200, "victor": 200, "bob": 403, "carol": 403}),
    ("feasibility:scorecard", "leeds", {"alice": 200, "victor": 200, "bob": 200, "carol": 404}),
    ("feasibility:my-scorecard", None, {"alice": 403, "victor": 403, "bob": 302, "carol": 302}),
]


@pytest.mark.parametrize("name, arg, expected", PAGES)
@pytest.mark.parametrize("user", ["anonymous", "alice", "victor", "bob", "carol"])
def test_it_guards_every_page(client, request, routed, leeds, name, arg, expected, user):
    args = {"request": [routed.request_id], "invitation": [routed.pk], "leeds": [leeds.pk], None: []}[arg]
    url = reverse(name, args=args)
    response = get_as(client, None if user == "anonymous" else request.getfixturevalue(user), url)
    if user == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected[user]


def test_it_shows_the_programme_office_matches_with_eligible_centres_ticked(
    client, alice, triage_request, leeds, manchester, taxonomy
):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"])
    html = get_as(client, alice, reverse("feasibility:request-detail", args=[triage_request.pk])).content.decode()
    assert f'value="{leeds.pk}" id="route-{leeds.pk}" aria-label="Route to Leeds ECMC" checked' in html
    assert f'value="{manchester.pk}" id="route-{manchester.pk}" aria-label="Route to Manchester ECMC">' in html
    assert "Missing: Imaging Pet Ct." in html


def test_it_shows_centre_staff_no_scores_nor_other_answers(client, bob, routed, manchester):
    other = InvitationFactory(request=routed.request, centre=manchester)
    CentreResponseFactory(invitation=other, comments="Manchester secret comment")
    html = get_as(client, bob, reverse("feasibility:request-detail", args=[routed.request_id])).content.decode()
    assert "Matching centres" not in html
    assert "Manchester" not in html
    assert "Route to" not in html
    assert 'data-testid="answer-form"' in html
    assert f'action="/requests/invitations/{routed.pk}/answer/"' in html


def test_it_routes_from_the_page(client, alice, triage_request, leeds):
    client.force_login(alice)
    response = client.post(reverse("feasibility:route", args=[triage_request.pk]), {"centres": [leeds.pk]})
    assert response.status_code == 302
    assert Invitation.objects.filter(request=triage_request, centre=leeds).exists()


def test_it_explains_a_refused_route(client, alice, triage_request, manchester, taxonomy):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"])
    client.force_login(alice)
    response = client.post(
        reverse("feasibility:route", args=[triage_request.pk]), {"centres": [manchester.pk]}, follow=True
    )
    assert "Not eligible: Manchester ECMC" in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_refuses_routing_by_a_viewer(client, victor, triage_request, leeds):
    client.force_login(victor)
    assert (
        client.post(reverse("feasibility:route", args=[triage_request.pk]), {"centres": [leeds.pk]}).status_code == 403
    )


def test_it_takes_bobs_answer_and_keeps_input_on_error(client, bob, routed):
    client.force_login(bob)
    url = reverse("feasibility:answer", args=[routed.pk])
    prefix = f"inv{routed.pk}-"
    response = client.post(url, {prefix + "decision": "declined", prefix + "comments": "Busy"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give a reason when declining." in html and "Busy" in html
    response = client.post(url, {prefix + "decision": "interested", prefix + "estimated_patients": "5"})
    assert response.status_code == 302
    assert Invitation.objects.get(pk=routed.pk).response.estimated_patients == 5


def test_it_refuses_carol_answering_for_leeds(client, carol, routed):
    client.force_login(carol)
    response = client.post(reverse("feasibility:answer", args=[routed.pk]), {f"inv{routed.pk}-decision": "interested"})
    assert response.status_code == 404


def test_it_refuses_victor_answering(client, victor, routed):
    client.force_login(victor)
    response = client.post(reverse("feasibility:answer", args=[routed.pk]), {f"inv{routed.pk}-decision": "interested"})
    assert response.status_code == 403


def test_it_tells_bob_the_deadline_passed(client, bob, routed):
    routed.deadline = TODAY - datetime.timedelta(days=2)
    routed.save()
    html = get_as(client, bob, reverse("feasibility:answer", args=[routed.pk])).content.decode()
    assert "Ask the Programme Office to reopen" in html
    assert 'data-testid="answer-form"' not in html


def test_it_lists_requests_to_answer_soonest_first(client, bob, leeds):
    later = InvitationFactory(centre=leeds, deadline=TODAY + datetime.timedelta(days=9))
    sooner = InvitationFactory(centre=leeds, deadline=TODAY + datetime.timedelta(days=2))
    html = get_as(client, bob, reverse("feasibility:to-answer")).content.decode()
    assert html.index(sooner.request.reference) < html.index(later.request.reference)


def test_it_pages_the_answers_past_their_deadline_latest_first(client, bob, leeds):
    past = [
        InvitationFactory(centre=leeds, request__status="summary_sent", deadline=TODAY - datetime.timedelta(days=d))
        for d in range(1, 28)
    ]
    html = get_as(client, bob, reverse("feasibility:to-answer")).content.decode()
    assert "1–25 of 27 past the deadline" in html
    assert html.index(past[0].request.reference) < html.index(past[1].request.reference)
    assert past[-1].request.reference not in html
    second = get_as(client, bob, reverse("feasibility:to-answer") + "?past=2").content.decode()
    assert past[-1].request.reference in second and past[0].request.reference not in second


def test_it_lists_outstanding_answers(client, alice, leeds):
    overdue = InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=1))
    answered = InvitationFactory(centre=leeds)
    CentreResponseFactory(invitation=answered)
    reported = InvitationFactory(centre=leeds, request__status="summary_sent", deadline=overdue.deadline)
    html = get_as(client, alice, reverse("feasibility:outstanding")).content.decode()
    assert overdue.request.reference in html
    assert answered.request.reference not in html
    assert reported.request.reference not in html


def test_it_creates_a_request_from_an_engagement(client, alice, taxonomy):
    organisation = OrganisationFactory(name="Corvid Bio")
    engagement = EngagementFactory(organisations=[organisation])
    client.force_login(alice)
    url = reverse("feasibility:request-create") + f"?engagement={engagement.pk}"
    html = client.get(url).content.decode()
    assert f'<option value="{organisation.pk}" selected' in html
    response = client.post(
        url,
        {
            "title": "CB-11 dose escalation",
            "sponsor": organisation.pk,
            "received_on": TODAY.isoformat(),
            "modality": "antibody",
            "phase": "phase_1",
            "populations": ["adult"],
            "required": ["imaging.pet_ct"],
            "under_nda": "on",
        },
    )
    made = FeasibilityRequest.objects.get()
    assert response.status_code == 302
    assert made.source_engagement == engagement
    assert [r.capability.code for r in made.requirements.all()] == ["imaging.pet_ct"]


def test_it_keeps_input_when_the_request_form_is_wrong(client, alice, sponsor):
    client.force_login(alice)
    response = client.post(reverse("feasibility:request-create"), {"title": "Keep me", "sponsor": sponsor.pk})
    assert response.status_code == 200
    assert "Keep me" in response.content.decode()
    assert not FeasibilityRequest.objects.exists()


def public_data(**extra):
    return {
        "company": "Nova Rx Ltd",
        "name": "Nia Nova",
        "email": "nia@nova.example",
        "title": "NV-9 first in human",
        "modality": "small_molecule",
        "phase": "phase_1",
        "populations": ["adult"],
        "synopsis": "Dose escalation",
        "nda_confirmed": "on",
        **extra,
    }


def test_it_takes_a_public_opportunity(client, django_capture_on_commit_callbacks):
    cache.clear()
    upload = SimpleUploadedFile("synopsis.pdf", b"%PDF-1.4", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feasibility:public-form"), public_data(attachments=[upload]))
    assert response.status_code == 302
    made = FeasibilityRequest.objects.get()
    assert made.status == "triage" and made.attachments.count() == 1
    assert made.reference in client.get(reverse("feasibility:public-thanks")).content.decode()
    assert mail.outbox[0].to == ["nia@nova.example"]


def test_it_keeps_the_sites_patients_and_start_a_sponsor_gives(client):
    cache.clear()
    start = TODAY + datetime.timedelta(days=150)
    data = public_data(sites_sought="4", patients_total="36", planned_start=start.isoformat())
    assert client.post(reverse("feasibility:public-form"), data).status_code == 302
    made = FeasibilityRequest.objects.get()
    assert (made.sites_sought, made.patients_total, made.planned_start) == (4, 36, start)


def test_it_renders_every_field_of_the_public_form():
    from django.test import Client

    from feasibility.forms import PublicOpportunityForm

    html = Client().get(reverse("feasibility:public-form")).content.decode()
    assert all(f'name="{name}"' in html for name in PublicOpportunityForm.base_fields)


def test_it_shows_the_public_form_to_anonymous_visitors(client):
    html = client.get(reverse("feasibility:public-form")).content.decode()
    assert "confidentiality agreement" in html and 'class="hp-field"' in html


def test_it_refuses_a_public_opportunity_without_nda_or_with_a_bad_file(client):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(nda_confirmed=""))
    assert response.status_code == 200
    upload = SimpleUploadedFile("macro.exe", b"MZ")
    response = client.post(reverse("feasibility:public-form"), public_data(attachments=[upload]))
    assert "PDF, DOCX or XLSX" in response.content.decode()
    assert not FeasibilityRequest.objects.exists()


def test_it_ignores_robots_filling_the_honeypot(client):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(website="http://spam.example"))
    assert response.status_code == 302
    assert not FeasibilityRequest.objects.exists()


def test_it_rate_limits_the_public_form(client):
    cache.clear()
    for _ in range(5):
        assert client.post(reverse("feasibility:public-form"), public_data()).status_code == 302
    assert client.post(reverse("feasibility:public-form"), public_data()).status_code == 429
    assert FeasibilityRequest.objects.count() == 5


def test_it_counts_each_sender_behind_a_trusted_proxy_on_its_own(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    url = reverse("feasibility:public-form")
    for _ in range(5):
        assert client.post(url, public_data(), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302
    assert client.post(url, public_data(), HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another sponsor behind the same proxy is not held up by the first one's limit.
    assert client.post(url, public_data(), HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_it_writes_the_sponsor_summary_csv_with_iso_dates_and_harmless_comments(client, alice, bob, routed):
    start = timezone.localdate() + datetime.timedelta(days=90)
    services.submit_response(
        actor=bob, invitation=routed, decision="interested", earliest_start=start, comments="=1+1 beds free"
    )
    client.force_login(alice)
    response = client.get(reverse("feasibility:sponsor-summary", args=[routed.request_id]) + "?format=csv")
    assert response["Content-Disposition"] == f'attachment; filename="{routed.request.reference}-summary.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["Leeds ECMC", "", "", start.isoformat(), "'=1+1 beds free"]
    assert rows[2:] == [[], ["centres consulted", "1"], ["centres interested", "1"]]


def test_it_downloads_the_sponsor_summary_as_csv_and_pdf(client, alice, bob, routed):
    services.submit_response(
        actor=bob, invitation=routed, decision="interested", principal_investigator="Dr Reed", estimated_patients=7
    )
    client.force_login(alice)
    url = reverse("feasibility:sponsor-summary", args=[routed.request_id])
    csv_text = client.get(url + "?format=csv").content.decode()
    assert "Leeds ECMC,Dr Reed,7" in csv_text
    assert "centres consulted,1" in csv_text
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_it_records_the_summary_sent(client, alice, routed):
    client.force_login(alice)
    url = reverse("feasibility:sponsor-summary", args=[routed.request_id])
    response = client.post(url, {"sent_on": TODAY.isoformat(), "sent_to": "Sam, sam@helix.example"})
    assert response.status_code == 302
    assert routed.request.summaries_sent.get().sent_to == "Sam, sam@helix.example"


def test_it_refuses_a_viewer_recording_the_summary(client, victor, routed):
    client.force_login(victor)
    url = reverse("feasibility:sponsor-summary", args=[routed.request_id])
    assert client.post(url, {"sent_on": TODAY.isoformat(), "sent_to": "x"}).status_code == 403


def test_it_shows_set_up_against_targets(client, alice, placed):
    d = TODAY - datetime.timedelta(days=120)
    services.request_regulatory_update(
        actor=alice,
        request=placed.request,
        regulatory_submitted_on=d,
        regulatory_approved_on=d + datetime.timedelta(days=50),
    )
    services.setup_update(
        actor=alice,
        setup=placed,
        selected_on=d + datetime.timedelta(days=50),
        opened_on=d + datetime.timedelta(days=120),
    )
    html = get_as(client, alice, reverse("feasibility:outcome", args=[placed.request_id])).content.decode()
    approved, opened = d + datetime.timedelta(days=50), d + datetime.timedelta(days=120)
    assert (
        f'<td class="text-end target-met">50 days<div class="small fw-normal text-body-secondary">{approved:%-d %b %Y}'
        in html
    )
    assert (
        f'<td class="text-end target-missed">70 days<div class="small fw-normal text-body-secondary">{opened:%-d %b %Y}'
        in html
    )
    assert "target-pending" in html


def test_it_records_an_outcome_from_the_page(client, alice, routed, leeds):
    client.force_login(alice)
    url = reverse("feasibility:outcome", args=[routed.request_id])
    response = client.post(url, {"outcome": "placed", "centres": [leeds.pk], "closed_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert SiteSetUp.objects.filter(centre=leeds).exists()


def test_it_shows_bob_his_scorecard(client, bob, leeds, routed):
    client.force_login(bob)
    response = client.get(reverse("feasibility:my-scorecard"), follow=True)
    assert "Scorecard · Leeds ECMC" in response.content.decode()


def test_it_lists_requests_in_constant_queries(client, alice, leeds, django_assert_max_num_queries):
    client.force_login(alice)

    def grow(n):
        for i in range(n):  # overdue and waiting answers alike, so both sections of outstanding answers show
            CentreResponseFactory(invitation=InvitationFactory(centre=leeds))
            InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=i % 2))
            FeasibilityRequestFactory(status="triage")

    grow(3)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("feasibility:request-list"))
        client.get(reverse("feasibility:outstanding"))
        client.get(reverse("feasibility:scorecard-list"))
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("feasibility:request-list"))
        client.get(reverse("feasibility:outstanding"))
        client.get(reverse("feasibility:scorecard-list"))


def test_it_lists_to_answer_in_constant_queries(client, bob, leeds, django_assert_max_num_queries):
    client.force_login(bob)
    InvitationFactory.create_batch(3, centre=leeds)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("feasibility:to-answer"))
    InvitationFactory.create_batch(30, centre=leeds)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("feasibility:to-answer"))


def test_it_attaches_documents_and_lets_invited_centres_download_them(client, alice, bob, carol, routed):
    client.force_login(alice)
    upload = SimpleUploadedFile("protocol.docx", office_file("docx"), content_type="application/octet-stream")
    response = client.post(reverse("feasibility:attach", args=[routed.request_id]), {"attachments": [upload]})
    assert response.status_code == 302
    attachment = routed.request.attachments.get()
    url = reverse("feasibility:attachment", args=[routed.request_id, attachment.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200
    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert client.post(reverse("feasibility:attach", args=[routed.request_id]), {}).status_code == 404
    client.force_login(bob)
    assert client.post(reverse("feasibility:attach", args=[routed.request_id]), {}).status_code == 403


def test_it_previews_matches_while_editing(client, alice, leeds, manchester, adult_profile):
    client.force_login(alice)
    url = reverse("feasibility:matches-preview")
    html = client.post(url, {"populations": ["adult"], "modality": "antibody"}).content.decode()
    assert "<strong>2</strong> of 2 centres eligible" in html
    html = client.post(
        url, {"populations": ["adult"], "modality": "antibody", "required": ["imaging.pet_ct"]}
    ).content.decode()
    assert "<strong>1</strong> of 2 centres eligible" in html
    assert "Missing: Imaging Pet Ct." in html


@pytest.mark.parametrize("user, expected", [("bob", 403), ("victor", 200)])
def test_it_keeps_the_preview_from_centre_staff(client, request, user, expected, adult_profile):
    client.force_login(request.getfixturevalue(user))
    assert client.post(reverse("feasibility:matches-preview"), {"populations": ["adult"]}).status_code == expected


def test_it_shows_viewers_matches_but_no_route_button(client, victor, triage_request, leeds):
    html = get_as(client, victor, reverse("feasibility:request-detail", args=[triage_request.pk])).content.decode()
    assert "Matching centres" in html
    assert 'data-testid="route-button"' not in html
    assert "Edit requirements" not in html


@pytest.mark.parametrize("user, expected", [("alice", 302), ("victor", 403), ("bob", 403), ("carol", 404)])
def test_it_guards_reopening_and_deadline_changes(client, request, routed, user, expected):
    routed.deadline = TODAY - datetime.timedelta(days=1)
    routed.save()
    client.force_login(request.getfixturevalue(user))
    assert client.post(reverse("feasibility:invitation-reopen", args=[routed.pk])).status_code == expected
    later = (TODAY + datetime.timedelta(days=20)).isoformat()
    response = client.post(reverse("feasibility:invitation-deadline", args=[routed.pk]), {"deadline": later})
    assert response.status_code == expected


@pytest.mark.parametrize("outside", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_it_goes_back_only_to_pages_of_this_site(client, alice, routed, outside):
    client.force_login(alice)
    later = (TODAY + datetime.timedelta(days=20)).isoformat()
    url = reverse("feasibility:invitation-deadline", args=[routed.pk])
    response = client.post(url, {"deadline": later, "next": outside})
    assert response["Location"] == reverse("feasibility:request-detail", args=[routed.request_id])
    response = client.post(url, {"deadline": later, "next": reverse("feasibility:outstanding")})
    assert response["Location"] == reverse("feasibility:outstanding")


@pytest.mark.parametrize("user, expected", [("alice", 302), ("victor", 403), ("bob", 403), ("carol", 404)])
def test_it_guards_set_up_edits(client, request, placed, user, expected):
    client.force_login(request.getfixturevalue(user))
    response = client.post(reverse("feasibility:setup-edit", args=[placed.pk]), {f"setup{placed.pk}-opened_on": ""})
    assert response.status_code == expected


def test_it_filters_and_pages_the_request_list(client, alice, sponsor):
    FeasibilityRequestFactory(title="Lung ADC", modality="adc", status="circulating")
    FeasibilityRequestFactory(title="Other antibody", modality="antibody", status="circulating")
    client.force_login(alice)
    html = client.get(reverse("feasibility:request-list") + "?modality=adc").content.decode()
    table = html[html.index('data-testid="request-table"') :]
    assert "Lung ADC" in table and "Other antibody" not in table
    FeasibilityRequestFactory.create_batch(55, status="circulating")
    html = client.get(reverse("feasibility:request-list") + "?status=circulating").content.decode()
    assert "Page 1 of 2" in html and "status=circulating&amp;page=2" in html


def test_it_shows_the_request_detail_in_constant_queries(client, alice, sponsor, django_assert_max_num_queries):
    from tests.factories import CentreFactory

    request = FeasibilityRequestFactory(sponsor=sponsor, status="circulating")
    client.force_login(alice)

    def grow(n):
        for _ in range(n):
            CentreResponseFactory(invitation=InvitationFactory(request=request, centre=CentreFactory()))
            InvitationFactory(request=request, centre=CentreFactory())

    grow(3)
    with django_assert_max_num_queries(60) as small:
        client.get(reverse("feasibility:request-detail", args=[request.pk]))
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("feasibility:request-detail", args=[request.pk]))


@pytest.mark.parametrize("who", ["alice", "victor"])
def test_it_links_the_request_and_each_answer_to_their_history(client, who, routed, bob, request):
    answered = CentreResponseFactory(invitation=routed, decision="interested")
    html = get_as(client, request.getfixturevalue(who), reverse("feasibility:request-detail", args=[routed.request_id]))
    html = html.content.decode()
    assert reverse("crm:history", args=["feasibility.feasibilityrequest", routed.request_id]) in html
    assert reverse("crm:history", args=["feasibility.centreresponse", answered.pk]) in html


def test_it_links_an_unanswered_invitation_to_its_history_but_not_for_centre_staff(client, alice, bob, routed):
    url = reverse("feasibility:request-detail", args=[routed.request_id])
    history = reverse("crm:history", args=["feasibility.invitation", routed.pk])
    assert history in get_as(client, alice, url).content.decode()
    assert "/history/" not in get_as(client, bob, url).content.decode()


def test_it_groups_outstanding_answers_under_their_request(client, alice, leeds, manchester):
    first = InvitationFactory(centre=leeds, deadline=TODAY + datetime.timedelta(days=3))
    InvitationFactory(request=first.request, centre=manchester, deadline=TODAY + datetime.timedelta(days=3))
    html = get_as(client, alice, reverse("feasibility:outstanding")).content.decode()
    assert html.count(f">{first.request.reference}</a>") == 1
    assert "Leeds ECMC" in html and "Manchester ECMC" in html


def test_it_counts_overdue_on_a_scorecard_only_while_the_request_circulates(client, alice, leeds):
    past = TODAY - datetime.timedelta(days=5)
    InvitationFactory(centre=leeds, deadline=past)
    InvitationFactory(centre=leeds, deadline=past, request__status="summary_sent")
    html = get_as(client, alice, reverse("feasibility:scorecard", args=[leeds.pk])).content.decode()
    assert "2 not answered" in html
    assert "1 overdue now" in html


def test_it_links_each_set_up_to_its_history(client, alice, placed):
    html = get_as(client, alice, reverse("feasibility:outcome", args=[placed.request_id])).content.decode()
    assert reverse("crm:history", args=["feasibility.sitesetup", placed.pk]) in html
    assert reverse("crm:history", args=["feasibility.feasibilityrequest", placed.request_id]) in html


def test_it_offers_the_interested_centres_first_with_their_answers(client, alice, carol, routed, manchester):
    (other,) = services.route_request(actor=alice, request=routed.request, centres=[manchester], override_reason="x")
    services.submit_response(actor=carol, invitation=other, decision="interested")
    html = get_as(client, alice, reverse("feasibility:outcome", args=[routed.request_id])).content.decode()
    assert html.index("Manchester ECMC · interested") < html.index("Leeds ECMC · no answer")
