"""Who may see and do what (DESIGN.md section 5): the one place that answers it.

Visibility is a queryset (`visible_requests(user)`); an action is a check (`can_answer(user, invitation)`).
HTML views and API viewsets both use these and never filter by role themselves. An object outside
the visible queryset answers 404; a visible object the user may not change answers 403.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from capabilities.models import Capability, CapabilityArea, Centre, CentreCapability, ModalityRule
from crm.models import ReportNarrative, Role
from engagements.models import Contact, Engagement, Event, FollowUp, Organisation
from feasibility.models import CentreResponse, FeasibilityRequest, Invitation, SiteSetUp, SponsorSummary

if TYPE_CHECKING:
    pass


# Roles ---------------------------------------------------------------------------------------------


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_programme_office(user) -> bool:
    return is_signed_in(user) and (user.is_superuser or user.role == Role.PROGRAMME_OFFICE)


def is_viewer(user) -> bool:
    return is_signed_in(user) and not user.is_superuser and user.role == Role.VIEWER


def is_centre_staff(user) -> bool:
    return is_signed_in(user) and not user.is_superuser and user.role == Role.CENTRE


def is_sponsor(user) -> bool:
    """A company's account (DESIGN.md section 5, third round): sees its organisation's requests only."""
    return is_signed_in(user) and not user.is_superuser and user.role == Role.SPONSOR


def sponsor_organisation_id(user) -> int | None:
    """The organisation a sponsor account acts for; None for everyone else (and a sponsor not yet tied to one)."""
    return user.organisation_id if is_sponsor(user) else None


def reads_everything(user) -> bool:
    """The Programme Office and network leadership read the whole network."""
    return is_programme_office(user) or is_viewer(user)


def own_centres(user) -> QuerySet[Centre]:
    if not is_centre_staff(user):
        return Centre.objects.none()
    return Centre.objects.filter(members=user)


def own_centre_ids(user) -> set[int]:
    cache = getattr(user, "_own_centre_ids", None)
    if cache is None:
        cache = set(own_centres(user).values_list("id", flat=True)) if is_centre_staff(user) else set()
        if is_signed_in(user):
            user._own_centre_ids = cache
    return cache


# Engagements: organisations, contacts, events, engagements, follow-ups ------------------------------


def can_read_engagements(user) -> bool:
    return reads_everything(user)


def can_write_engagements(user) -> bool:
    return is_programme_office(user)


def _all_or_none(user, queryset: QuerySet) -> QuerySet:
    return queryset if can_read_engagements(user) else queryset.none()


def visible_organisations(user) -> QuerySet[Organisation]:
    return _all_or_none(user, Organisation.objects.all())


def visible_contacts(user) -> QuerySet[Contact]:
    return _all_or_none(user, Contact.objects.all())


def visible_events(user) -> QuerySet[Event]:
    return _all_or_none(user, Event.objects.all())


def visible_engagements(user) -> QuerySet[Engagement]:
    return _all_or_none(user, Engagement.objects.all())


def visible_follow_ups(user) -> QuerySet[FollowUp]:
    return _all_or_none(user, FollowUp.objects.all())


# Capabilities: the directory -------------------------------------------------------------------------


def can_read_directory(user) -> bool:
    return is_signed_in(user)


def visible_centres(user) -> QuerySet[Centre]:
    return Centre.objects.all() if can_read_directory(user) else Centre.objects.none()


def visible_capabilities(user) -> QuerySet[Capability]:
    return Capability.objects.all() if can_read_directory(user) else Capability.objects.none()


def visible_capability_areas(user) -> QuerySet[CapabilityArea]:
    return CapabilityArea.objects.all() if can_read_directory(user) else CapabilityArea.objects.none()


def visible_centre_capabilities(user) -> QuerySet[CentreCapability]:
    return CentreCapability.objects.all() if can_read_directory(user) else CentreCapability.objects.none()


def visible_modality_rules(user) -> QuerySet[ModalityRule]:
    return ModalityRule.objects.all() if can_read_directory(user) else ModalityRule.objects.none()


def can_edit_taxonomy(user) -> bool:
    """Areas, capabilities, modality rules and the centres themselves."""
    return is_programme_office(user)


def can_edit_centre_capabilities(user, centre: Centre | int) -> bool:
    centre_id = centre if isinstance(centre, int) else centre.pk
    return is_programme_office(user) or (is_centre_staff(user) and centre_id in own_centre_ids(user))


def can_edit_any_centre_capabilities(user) -> bool:
    """May change some centre's levels (the Programme Office, or staff of at least one centre)."""
    return is_programme_office(user) or bool(own_centre_ids(user))


# Feasibility ------------------------------------------------------------------------------------------


def visible_requests(user) -> QuerySet[FeasibilityRequest]:
    if reads_everything(user):
        return FeasibilityRequest.objects.all()
    if is_centre_staff(user):
        return FeasibilityRequest.objects.filter(invitations__centre__members=user).distinct()
    if organisation_id := sponsor_organisation_id(user):
        return FeasibilityRequest.objects.filter(sponsor_id=organisation_id)
    return FeasibilityRequest.objects.none()


def can_write_requests(user) -> bool:
    """Create, edit, route, reopen, record outcomes and set-up."""
    return is_programme_office(user)


def can_submit_requests(user) -> bool:
    """A sponsor account tied to its company submits opportunities for that company (and only that one)."""
    return sponsor_organisation_id(user) is not None


def can_create_requests(user) -> bool:
    """Who may add a request at all: the office (for any sponsor) or a sponsor account (for its own company)."""
    return can_write_requests(user) or can_submit_requests(user)


def is_own_sponsor_request(user, request: FeasibilityRequest) -> bool:
    organisation_id = sponsor_organisation_id(user)
    return organisation_id is not None and request.sponsor_id == organisation_id


def can_add_documents(user, request: FeasibilityRequest) -> bool:
    """The office, or the sponsor's own accounts adding documents to their request later."""
    return can_write_requests(user) or is_own_sponsor_request(user, request)


def can_withdraw_request(user, request: FeasibilityRequest) -> bool:
    """The office records any outcome; a sponsor may withdraw its own opportunity."""
    return can_write_requests(user) or is_own_sponsor_request(user, request)


def can_extract_synopsis(user) -> bool:
    """Reading a synopsis into the request form: for those who fill that form in, the office and sponsors."""
    return is_programme_office(user) or can_submit_requests(user)


def can_see_matches(user) -> bool:
    return reads_everything(user)


def can_read_invitations(user) -> bool:
    """The network's own people; sponsors learn how many centres were asked, never which (403 for lists)."""
    return reads_everything(user) or is_centre_staff(user)


def visible_invitations(user) -> QuerySet[Invitation]:
    if reads_everything(user):
        return Invitation.objects.all()
    if is_centre_staff(user):
        return Invitation.objects.filter(centre__members=user)
    return Invitation.objects.none()


def visible_responses(user) -> QuerySet[CentreResponse]:
    return CentreResponse.objects.filter(invitation__in=visible_invitations(user))


def can_read_sponsor_summaries(user) -> bool:
    return reads_everything(user) or is_sponsor(user)


def visible_sponsor_summaries(user) -> QuerySet[SponsorSummary]:
    """The office and viewers read every summary; a sponsor reads its own requests' once released."""
    if reads_everything(user):
        return SponsorSummary.objects.all()
    if organisation_id := sponsor_organisation_id(user):
        return SponsorSummary.objects.released().filter(request__sponsor_id=organisation_id)
    return SponsorSummary.objects.none()


def can_release_sponsor_summaries(user) -> bool:
    return is_programme_office(user)


def visible_setups(user) -> QuerySet[SiteSetUp]:
    if reads_everything(user):
        return SiteSetUp.objects.all()
    if is_centre_staff(user):
        return SiteSetUp.objects.filter(centre__members=user)
    return SiteSetUp.objects.none()


ANSWERS_FOR_CENTRE_ONLY = "Only the invited centre's staff or the Programme Office can answer this request."


def answers_for_centre(user, invitation: Invitation) -> bool:
    """The invited centre's staff, or the Programme Office on its behalf (whatever the deadline)."""
    return is_programme_office(user) or (is_centre_staff(user) and invitation.centre_id in own_centre_ids(user))


def answer_refusal(user, invitation: Invitation, today: datetime.date | None = None) -> str | None:
    """Why this user may not answer this invitation now, in words; None when they may."""
    if not answers_for_centre(user, invitation):
        return ANSWERS_FOR_CENTRE_ONLY
    if invitation.request.is_closed:
        return f"This request is {invitation.request.get_status_display().lower()}; it takes no more answers."
    today = today or timezone.localdate()
    if invitation.deadline < today and not is_programme_office(user):
        return (
            f"The deadline ({invitation.deadline:%d %b %Y}) has passed. "
            "Ask the Programme Office to reopen the request for your centre."
        )
    return None


def can_answer(user, invitation: Invitation, today: datetime.date | None = None) -> bool:
    return answer_refusal(user, invitation, today) is None


# Reports and dashboards -----------------------------------------------------------------------------


def can_read_reports(user) -> bool:
    return reads_everything(user)


def can_write_reports(user) -> bool:
    """Write the narrative and publish."""
    return is_programme_office(user)


def visible_report_narratives(user) -> QuerySet[ReportNarrative]:
    return ReportNarrative.objects.all() if can_read_reports(user) else ReportNarrative.objects.none()


def visible_scorecard_centres(user) -> QuerySet[Centre]:
    if reads_everything(user):
        return Centre.objects.all()
    return own_centres(user)


# Users and invitations ------------------------------------------------------------------------------


def can_manage_users(user) -> bool:
    return is_programme_office(user)


# History -----------------------------------------------------------------------------------------------

_VISIBLE_BY_MODEL = {
    "engagements.organisation": visible_organisations,
    "engagements.contact": visible_contacts,
    "engagements.event": visible_events,
    "engagements.engagement": visible_engagements,
    "engagements.followup": visible_follow_ups,
    "capabilities.centre": visible_centres,
    "capabilities.capability": visible_capabilities,
    "capabilities.capabilityarea": visible_capability_areas,
    "capabilities.centrecapability": visible_centre_capabilities,
    "capabilities.modalityrule": visible_modality_rules,
    "feasibility.feasibilityrequest": visible_requests,
    "feasibility.invitation": visible_invitations,
    "feasibility.centreresponse": visible_responses,
    "feasibility.sitesetup": visible_setups,
    "feasibility.sponsorsummary": visible_sponsor_summaries,
    "crm.reportnarrative": visible_report_narratives,
}


def visible_for_history(user, model_label: str) -> QuerySet | None:
    """The records of this model whose change history the user may read; None for a model without one.

    The Programme Office and viewers read every history; centre staff read the history of their own
    centres' profiles (what they and the Programme Office changed), nothing else.
    """
    helper = _VISIBLE_BY_MODEL.get(model_label)
    if helper is None:
        return None
    if reads_everything(user):
        return helper(user)
    if model_label == "capabilities.centre":
        return own_centres(user)
    if model_label == "capabilities.centrecapability":
        return CentreCapability.objects.filter(centre__in=own_centres(user))
    return helper(user).none()


# Helpers for views -----------------------------------------------------------------------------------


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one object from a visible queryset; 404 when the user may not see it."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from exc


def require(allowed: bool, message: str = "You do not have permission to do this.") -> None:
    """Raise 403 unless allowed."""
    if not allowed:
        raise PermissionDenied(message)
