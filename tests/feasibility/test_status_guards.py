"""Every impossible status change is refused with a clear message and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feasibility import services
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, SiteSetUp, SponsorSummary

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=3)
LATER = TODAY + datetime.timedelta(days=20)


@pytest.fixture
def routed(alice, triage_request, leeds):
    (invitation,) = services.route_request(actor=alice, request=triage_request, centres=[leeds])
    return invitation


def snapshot():
    return (
        list(FeasibilityRequest.objects.values_list("status", "title", "closed_on")),
        list(Invitation.objects.values_list("deadline", "reopened_at")),
        CentreResponse.objects.count(),
        SponsorSummary.objects.count(),
        SiteSetUp.objects.count(),
        FeasibilityRequest.history.count() + Invitation.history.count(),
    )


OPERATIONS = {
    "route": lambda alice, bob, inv, manchester: services.route_request(
        actor=alice, request=inv.request, centres=[manchester]
    ),
    "answer": lambda alice, bob, inv, manchester: services.submit_response(
        actor=bob, invitation=inv, decision="interested"
    ),
    "answer for the centre": lambda alice, bob, inv, manchester: services.submit_response(
        actor=alice, invitation=inv, decision="interested"
    ),
    "edit": lambda alice, bob, inv, manchester: services.request_update(actor=alice, request=inv.request, title="X"),
    "reopen": lambda alice, bob, inv, manchester: services.invitation_reopen(actor=alice, invitation=inv),
    "change deadline": lambda alice, bob, inv, manchester: services.invitation_deadline_change(
        actor=alice, invitation=inv, deadline=LATER
    ),
    "outcome": lambda alice, bob, inv, manchester: services.request_set_outcome(
        actor=alice, request=inv.request, outcome="not_placed"
    ),
}


@pytest.mark.parametrize("status", ["withdrawn", "not_placed", "placed"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_it_refuses_changes_to_a_closed_request(alice, bob, routed, manchester, adult_profile, status, operation):
    routed.deadline = PAST  # so reopening would otherwise be allowed
    routed.save()
    request = routed.request
    request.status = status
    request.save()
    routed.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        OPERATIONS[operation](alice, bob, routed, manchester)
    assert status.replace("_", " ") in str(exc.value).lower() or "already" in str(exc.value)
    assert snapshot() == before


def test_it_refuses_a_summary_for_a_withdrawn_request(alice, routed):
    request = routed.request
    request.status = "withdrawn"
    request.save()
    before = snapshot()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.sponsor_summary_record(actor=alice, request=request, sent_to="x")
    assert snapshot() == before


def test_it_refuses_set_up_dates_unless_placed(alice, routed, leeds):
    setup = SiteSetUp.objects.create(request=routed.request, centre=leeds)
    with pytest.raises(ValidationError, match="only for placed"):
        services.setup_update(actor=alice, setup=setup, opened_on=TODAY)
    setup.refresh_from_db()
    assert setup.opened_on is None


def test_it_refuses_future_dates(alice, routed, leeds):
    services.request_set_outcome(actor=alice, request=routed.request, outcome="placed", centres=[leeds])
    setup = SiteSetUp.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.setup_update(actor=alice, setup=setup, opened_on=LATER)
    assert "opened_on" in exc.value.message_dict
