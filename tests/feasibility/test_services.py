"""Feasibility services: taking requests in, routing, answers, sponsor summary, outcome, set-up."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engagements.models import Organisation
from feasibility import services
from feasibility.models import FeasibilityRequest, Invitation, SiteSetUp
from feasibility.services import intake
from feasibility.workdays import add_working_days
from tests.factories import (
    CentreCapabilityFactory,
    CentreFactory,
    CentreResponseFactory,
    FeasibilityRequestFactory,
    InvitationFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def route(alice, request, *centres, **kwargs):
    return services.route_request(actor=alice, request=request, centres=list(centres), **kwargs)


# Taking requests in ---------------------------------------------------------------------------------


def test_it_numbers_requests_per_received_year(alice, sponsor, taxonomy):
    first = services.request_create(actor=alice, title="A", sponsor=sponsor, received_on=datetime.date(2025, 5, 1))
    second = services.request_create(actor=alice, title="B", sponsor=sponsor, received_on=datetime.date(2025, 6, 1))
    other = services.request_create(actor=alice, title="C", sponsor=sponsor, received_on=datetime.date(2026, 1, 5))
    assert (first.reference, second.reference, other.reference) == ("FR-2025-0001", "FR-2025-0002", "FR-2026-0001")
    assert first.status == "triage" and first.owner == alice


def test_it_skips_a_reference_taken_meanwhile(alice, sponsor, monkeypatch):
    FeasibilityRequestFactory(reference="FR-2025-0001", received_on=datetime.date(2025, 1, 2))
    calls = []
    real = intake._next_reference

    def stale(year):
        calls.append(year)
        return "FR-2025-0001" if len(calls) == 1 else real(year)

    monkeypatch.setattr(intake, "_next_reference", stale)
    made = services.request_create(actor=alice, title="A", sponsor=sponsor, received_on=datetime.date(2025, 3, 1))
    assert made.reference == "FR-2025-0002"


def test_it_stores_requirements_and_tumour_types(alice, sponsor, taxonomy):
    made = services.request_create(
        actor=alice,
        title="A",
        sponsor=sponsor,
        populations=["adult", "paediatric"],
        tumour_types=["tumour.lung"],
        requirements=[{"capability": "imaging.pet_ct", "necessity": "required"}, ("haematology", "preferred")],
    )
    assert {(r.capability.code, r.necessity) for r in made.requirements.all()} == {
        ("imaging.pet_ct", "required"),
        ("haematology", "preferred"),
    }
    assert [t.code for t in made.tumour_types.all()] == ["tumour.lung"]
    services.request_update(actor=alice, request=made, requirements=[("haematology", "required")], tumour_types=[])
    assert [(r.capability.code, r.necessity) for r in made.requirements.all()] == [("haematology", "required")]
    assert made.tumour_types.count() == 0


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"populations": []}, "populations"),
        ({"populations": ["elderly"]}, "populations"),
        ({"title": " "}, "title"),
        ({"requirements": [("no.such", "required")]}, "requirements"),
        ({"requirements": [("haematology", "essential")]}, "requirements"),
        ({"tumour_types": ["tumour.none"]}, "tumour_types"),
    ],
)
def test_it_refuses_a_bad_request_and_saves_nothing(alice, sponsor, taxonomy, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.request_create(actor=alice, sponsor=sponsor, **{"title": "A", **kwargs})
    assert field in exc.value.message_dict
    assert FeasibilityRequest.objects.count() == 0


@pytest.mark.parametrize("user", ["bob", "victor"])
def test_it_lets_only_the_programme_office_create_requests(request, sponsor, user):
    with pytest.raises(PermissionDenied):
        services.request_create(actor=request.getfixturevalue(user), title="A", sponsor=sponsor)


def test_it_takes_a_public_submission_into_triage_with_the_known_sponsor(db, django_capture_on_commit_callbacks):
    known = OrganisationFactory(name="Helix Oncology")
    upload = SimpleUploadedFile("synopsis.pdf", b"%PDF-1.4", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.request_submit_public(
            company="HELIX ONCOLOGY LTD",
            name="Sam Sponsor",
            email="sam@helix.example",
            title="XB-204 first in human",
            synopsis="A study",
            populations=["adult"],
            nda_confirmed=True,
            attachments=[upload],
        )
    assert made.sponsor == known
    assert (made.status, made.source) == ("triage", "public_form")
    assert made.attachments.count() == 1
    assert mail.outbox[0].to == ["sam@helix.example"]
    assert made.reference in mail.outbox[0].subject


def test_it_creates_an_unknown_public_sponsor_once(db):
    for _ in range(2):
        services.request_submit_public(
            company="Nova Rx",
            name="N",
            email="n@nova.example",
            title="T",
            synopsis="S",
            populations=["adult"],
            nda_confirmed=True,
        )
    assert Organisation.objects.filter(name="Nova Rx").count() == 1


@pytest.mark.parametrize(
    "upload, nda, message",
    [
        (SimpleUploadedFile("run.exe", b"MZ"), True, "PDF, DOCX or XLSX"),
        (SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1)), True, "10 MB"),
        (None, False, "confidentiality"),
    ],
)
def test_it_refuses_a_bad_public_submission(db, upload, nda, message):
    with pytest.raises(ValidationError) as exc:
        services.request_submit_public(
            company="Nova",
            name="N",
            email="n@nova.example",
            title="T",
            synopsis="S",
            populations=["adult"],
            nda_confirmed=nda,
            attachments=[upload] if upload else [],
        )
    assert message in str(exc.value)
    assert FeasibilityRequest.objects.count() == 0


# Matching from the database ----------------------------------------------------------------------------


def test_it_matches_centres_from_the_database(triage_request, leeds, manchester, taxonomy):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"], necessity="required")
    matches = services.matches_for(triage_request)
    assert [(m.centre_name, m.eligible) for m in matches] == [("Leeds ECMC", True), ("Manchester ECMC", False)]
    assert matches[1].missing == ["imaging.pet_ct"]


def test_it_applies_modality_rules(triage_request, leeds, taxonomy):
    from capabilities.models import ModalityRule

    ModalityRule.objects.get_or_create(modality="radioligand", capability=taxonomy["radiopharmaceutical"])
    triage_request.modality = "radioligand"
    triage_request.save()
    leeds_match = next(m for m in services.matches_for(triage_request) if m.centre_id == leeds.pk)
    assert not leeds_match.eligible
    assert "radiopharmaceutical" in leeds_match.missing  # the taxonomy seeds radioligand rules too


def test_it_matches_in_constant_queries(triage_request, taxonomy, django_assert_max_num_queries):
    def grow(n):
        for _i in range(n):
            centre = CentreFactory()
            CentreCapabilityFactory(centre=centre, capability=taxonomy["adult"])
            InvitationFactory(centre=centre, deadline=TODAY - datetime.timedelta(days=3))

    grow(3)
    # The request (requirements, tumour types, names and rules) in 3; the profiles' version in 1, and (built
    # afresh, as the records changed) centres, levels, partners, history in 4.
    with django_assert_max_num_queries(8) as small:
        services.matches_for(triage_request)
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(services.matches_for(triage_request)) == 35


def test_it_matches_against_profiles_as_they_now_are(triage_request, leeds, manchester, taxonomy):
    """The network's profiles are kept between requests, but any change to a level or a centre shows at once."""
    spec = services.request_spec(triage_request)
    assert {m.centre_id for m in services.matches_for_spec(spec) if m.eligible} == {leeds.pk, manchester.pk}
    level = manchester.capability_levels.get(capability=taxonomy["adult"])
    level.level = "planned"
    level.save()
    assert {m.centre_id for m in services.matches_for_spec(spec) if m.eligible} == {leeds.pk}
    leeds.active = False
    leeds.save()
    assert not [m for m in services.matches_for_spec(spec) if m.eligible]


def test_it_measures_responsiveness_from_answers_on_time(triage_request, leeds):
    on_time = InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=5))
    CentreResponseFactory(invitation=on_time, first_responded_at=timezone.now() - datetime.timedelta(days=9))
    InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=1))  # never answered
    InvitationFactory(centre=leeds, deadline=TODAY + datetime.timedelta(days=5))  # not due yet
    (profile,) = services.centre_profiles([leeds])
    assert (profile.past_invitations, profile.answered_on_time) == (2, 1)


def test_it_measures_responsiveness_over_the_last_year_only(triage_request, leeds):
    recent = InvitationFactory(centre=leeds, deadline=TODAY - datetime.timedelta(days=5))
    CentreResponseFactory(invitation=recent, first_responded_at=timezone.now() - datetime.timedelta(days=9))
    InvitationFactory(
        centre=leeds,
        routed_at=timezone.now() - datetime.timedelta(days=400),
        deadline=TODAY - datetime.timedelta(days=380),
    )  # never answered, but more than a year ago
    (profile,) = services.centre_profiles([leeds])
    assert (profile.past_invitations, profile.answered_on_time) == (1, 1)


# Routing --------------------------------------------------------------------------------------------


def test_it_routes_to_eligible_centres_and_circulates(alice, triage_request, leeds, bob):
    (invitation,) = route(alice, triage_request, leeds)
    triage_request.refresh_from_db()
    assert triage_request.status == "circulating"
    assert invitation.eligible and invitation.score is not None and invitation.routed_by == alice
    assert "matched" in invitation.explanation
    assert invitation.deadline == add_working_days(TODAY, 10, "england")


def test_it_refuses_an_ineligible_centre_without_an_override_and_routes_nothing(
    alice, triage_request, leeds, manchester, taxonomy
):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"], necessity="required")
    with pytest.raises(ValidationError) as exc:
        route(alice, triage_request, leeds, manchester)
    assert "Manchester ECMC" in str(exc.value)
    assert Invitation.objects.count() == 0
    triage_request.refresh_from_db()
    assert triage_request.status == "triage"


def test_it_keeps_the_override_reason(alice, triage_request, leeds, manchester, taxonomy):
    triage_request.requirements.create(capability=taxonomy["imaging.pet_ct"], necessity="required")
    made = route(alice, triage_request, leeds, manchester, override_reason="PET-CT arriving in March")
    by_centre = {i.centre: i for i in made}
    assert not by_centre[manchester].eligible
    assert by_centre[manchester].override_reason == "PET-CT arriving in March"
    assert by_centre[leeds].override_reason == ""


def test_it_never_invites_a_centre_twice(alice, triage_request, leeds, manchester):
    route(alice, triage_request, leeds)
    made = route(alice, triage_request, leeds, manchester)
    assert [i.centre for i in made] == [manchester]
    assert Invitation.objects.filter(request=triage_request).count() == 2


def test_it_picks_the_deadline(alice, triage_request, leeds, manchester):
    given = TODAY + datetime.timedelta(days=20)
    (first,) = route(alice, triage_request, leeds, deadline=given)
    assert first.deadline == given
    triage_request.response_deadline = TODAY + datetime.timedelta(days=30)
    triage_request.save()
    (second,) = route(alice, triage_request, manchester)
    assert second.deadline == triage_request.response_deadline


def test_it_counts_working_days_in_the_centre_nation(alice, triage_request, taxonomy):
    belfast = CentreFactory(name="Belfast ECMC", nation="northern_ireland")
    CentreCapabilityFactory(centre=belfast, capability=taxonomy["adult"])
    (made,) = route(alice, triage_request, belfast)
    assert made.deadline == add_working_days(TODAY, 10, "northern_ireland")


def test_it_emails_centres_a_link_and_nothing_confidential(
    alice, triage_request, leeds, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = route(alice, triage_request, leeds)
    (message,) = mail.outbox
    assert set(message.to) == {bob.email, leeds.email}
    text = message.subject + message.body + message.alternatives[0][0]
    assert triage_request.reference in text
    assert f"/requests/invitations/{invitation.pk}/answer/" in text
    for secret in ("Secret XB-204", "Hush", triage_request.sponsor.name):
        assert secret not in text


@pytest.mark.parametrize("status", ["placed", "not_placed", "withdrawn"])
def test_it_refuses_to_route_a_closed_request(alice, triage_request, leeds, status):
    triage_request.status = status
    triage_request.save()
    with pytest.raises(ValidationError, match="cannot be routed"):
        route(alice, triage_request, leeds)
    assert Invitation.objects.count() == 0


def test_it_refuses_routing_to_nobody_or_in_the_past(alice, triage_request, leeds):
    with pytest.raises(ValidationError):
        route(alice, triage_request)
    with pytest.raises(ValidationError):
        route(alice, triage_request, leeds, deadline=TODAY - datetime.timedelta(days=1))


@pytest.mark.parametrize("user", ["bob", "victor"])
def test_it_lets_only_the_programme_office_route(request, triage_request, leeds, user):
    with pytest.raises(PermissionDenied):
        route(request.getfixturevalue(user), triage_request, leeds)


# Answers --------------------------------------------------------------------------------------------


@pytest.fixture
def invitation(alice, triage_request, leeds):
    (made,) = route(alice, triage_request, leeds)
    return made


def test_it_takes_and_changes_an_answer_until_the_deadline(bob, invitation):
    first = services.submit_response(actor=bob, invitation=invitation, decision="interested", estimated_patients=4)
    second = services.submit_response(
        actor=bob, invitation=invitation, decision="declined", decline_reason="no_capacity"
    )
    assert first.pk == second.pk
    assert second.first_responded_at == first.first_responded_at
    assert second.decision == "declined" and second.responded_by == bob


def test_it_needs_a_reason_to_decline(bob, invitation):
    with pytest.raises(ValidationError) as exc:
        services.submit_response(actor=bob, invitation=invitation, decision="declined")
    assert "decline_reason" in exc.value.message_dict
    assert not hasattr(Invitation.objects.get(pk=invitation.pk), "response")


def test_it_refuses_another_centre_and_viewers(carol, victor, invitation):
    for user in (carol, victor):
        with pytest.raises(PermissionDenied):
            services.submit_response(actor=user, invitation=invitation, decision="interested")


def test_it_refuses_an_answer_after_the_deadline_until_reopened(alice, bob, invitation):
    invitation.deadline = TODAY - datetime.timedelta(days=1)
    invitation.save()
    with pytest.raises(ValidationError, match="deadline"):
        services.submit_response(actor=bob, invitation=invitation, decision="interested")
    services.invitation_reopen(actor=alice, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.deadline > TODAY and invitation.reopened_at
    services.submit_response(actor=bob, invitation=invitation, decision="interested")


def test_it_refuses_to_reopen_before_the_deadline(alice, bob, invitation):
    with pytest.raises(ValidationError, match="has not passed"):
        services.invitation_reopen(actor=alice, invitation=invitation)
    with pytest.raises(PermissionDenied):
        services.invitation_reopen(actor=bob, invitation=invitation)


def test_it_changes_a_deadline(alice, invitation):
    later = TODAY + datetime.timedelta(days=40)
    services.invitation_deadline_change(actor=alice, invitation=invitation, deadline=later)
    invitation.refresh_from_db()
    assert invitation.deadline == later
    with pytest.raises(ValidationError):
        services.invitation_deadline_change(
            actor=alice, invitation=invitation, deadline=TODAY - datetime.timedelta(days=1)
        )


@pytest.mark.parametrize("status", ["withdrawn", "placed", "not_placed"])
def test_it_refuses_answers_to_a_closed_request(bob, invitation, status):
    invitation.request.status = status
    invitation.request.save()
    with pytest.raises(ValidationError, match="takes no more answers"):
        services.submit_response(actor=bob, invitation=invitation, decision="interested")


# Sponsor summary, outcome, set-up ---------------------------------------------------------------------


def test_it_records_the_sponsor_summary(alice, bob, invitation):
    services.submit_response(actor=bob, invitation=invitation, decision="interested")
    summary = services.sponsor_summary_record(
        actor=alice, request=invitation.request, sent_to="sam@helix.example", sent_on=TODAY
    )
    assert (summary.centres_consulted, summary.centres_interested) == (1, 1)
    invitation.request.refresh_from_db()
    assert invitation.request.status == "summary_sent"


def test_it_refuses_a_summary_before_routing_or_after_withdrawal(alice, triage_request):
    with pytest.raises(ValidationError, match="Route the request"):
        services.sponsor_summary_record(actor=alice, request=triage_request, sent_to="x")
    triage_request.status = "withdrawn"
    triage_request.save()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.sponsor_summary_record(actor=alice, request=triage_request, sent_to="x")


def test_it_places_a_request_with_set_ups_for_selected_centres(alice, invitation, leeds):
    services.request_set_outcome(actor=alice, request=invitation.request, outcome="placed", centres=[leeds])
    invitation.request.refresh_from_db()
    assert invitation.request.status == "placed" and invitation.request.closed_on == TODAY
    setup = SiteSetUp.objects.get()
    assert (setup.centre, setup.selected_on) == (leeds, TODAY)


def test_it_refuses_outcomes_that_make_no_sense(alice, invitation, triage_request, manchester, leeds):
    with pytest.raises(ValidationError, match="selected"):
        services.request_set_outcome(actor=alice, request=invitation.request, outcome="placed")
    with pytest.raises(ValidationError, match="Not invited"):
        services.request_set_outcome(actor=alice, request=invitation.request, outcome="placed", centres=[manchester])
    with pytest.raises(ValidationError):
        services.request_set_outcome(actor=alice, request=invitation.request, outcome="circulating")
    services.request_set_outcome(actor=alice, request=invitation.request, outcome="withdrawn")
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.request_set_outcome(actor=alice, request=invitation.request, outcome="placed", centres=[leeds])
    assert SiteSetUp.objects.count() == 0


def test_it_refuses_placing_a_request_still_in_triage_but_lets_it_be_withdrawn(alice, db, sponsor):
    fresh = FeasibilityRequestFactory(sponsor=sponsor, status="triage")
    with pytest.raises(ValidationError, match="Route the request"):
        services.request_set_outcome(actor=alice, request=fresh, outcome="not_placed")
    services.request_set_outcome(actor=alice, request=fresh, outcome="withdrawn")


def test_it_refuses_editing_a_closed_request(alice, triage_request):
    triage_request.status = "withdrawn"
    triage_request.save()
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.request_update(actor=alice, request=triage_request, title="New")
    triage_request.refresh_from_db()
    assert triage_request.title == "Secret XB-204 study"


def test_it_records_set_up_dates_in_order(alice, invitation, leeds):
    services.request_set_outcome(actor=alice, request=invitation.request, outcome="placed", centres=[leeds])
    setup = SiteSetUp.objects.get()
    d = TODAY - datetime.timedelta(days=100)
    services.request_regulatory_update(
        actor=alice,
        request=invitation.request,
        regulatory_submitted_on=d,
        regulatory_approved_on=d + datetime.timedelta(days=40),
    )
    services.setup_update(actor=alice, setup=setup, selected_on=d, opened_on=d + datetime.timedelta(days=80))
    setup.refresh_from_db()
    assert setup.days_to_approval == 40
    with pytest.raises(ValidationError) as exc:
        services.setup_update(actor=alice, setup=setup, first_participant_on=d + datetime.timedelta(days=70))
    assert "first_participant_on" in exc.value.message_dict
    setup.refresh_from_db()
    assert setup.first_participant_on is None


# Reminders ----------------------------------------------------------------------------------------------


def test_it_reminds_once_two_working_days_before_the_deadline(
    alice, triage_request, leeds, manchester, bob, django_capture_on_commit_callbacks
):
    soon = add_working_days(TODAY, 2, "england")
    route(alice, triage_request, leeds, deadline=soon)
    triage_request2 = FeasibilityRequestFactory(sponsor=triage_request.sponsor, status="triage")
    route(alice, triage_request2, leeds, deadline=TODAY + datetime.timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_remind() == 1
        assert services.invitations_remind() == 0
    assert len(mail.outbox) == 1
    assert "reminder" in mail.outbox[0].subject
    assert "Secret" not in mail.outbox[0].body


def test_it_does_not_remind_answered_invitations(alice, bob, triage_request, leeds):
    (made,) = route(alice, triage_request, leeds, deadline=TODAY)
    services.submit_response(actor=bob, invitation=made, decision="interested")
    assert services.invitations_remind() == 0


def test_it_stops_chasing_unanswered_invitations_once_the_summary_is_sent(alice, triage_request, leeds, manchester):
    route(alice, triage_request, leeds, manchester, deadline=TODAY)
    assert Invitation.objects.outstanding().count() == 2
    services.sponsor_summary_record(actor=alice, request=triage_request, sent_to="sam@helix.example")
    assert not Invitation.objects.outstanding().exists()
    assert not Invitation.objects.overdue(TODAY + datetime.timedelta(days=1)).exists()
    assert services.invitations_remind() == 0


def test_it_stops_chasing_unanswered_invitations_once_the_request_closes(alice, triage_request, leeds):
    route(alice, triage_request, leeds, deadline=TODAY)
    services.request_set_outcome(actor=alice, request=triage_request, outcome="withdrawn")
    assert not Invitation.objects.outstanding().exists()
    assert services.invitations_remind() == 0


def test_it_lists_the_reminder_job_and_runs_it_as_a_task(alice, triage_request, leeds):
    from feasibility import tasks
    from feasibility.schedule import JOBS

    assert ("daily", "feasibility.tasks.send_deadline_reminders") in JOBS
    route(alice, triage_request, leeds, deadline=TODAY)
    tasks.send_deadline_reminders.call()
    assert Invitation.objects.get().reminded_at is not None
