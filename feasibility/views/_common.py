"""What the feasibility pages share: page sizes and the helpers that fetch what the user may see."""

from crm import permissions as access
from feasibility import services
from feasibility.forms import AnswerForm
from feasibility.models import (
    FeasibilityRequest,
    Invitation,
)

REQUESTS_PER_PAGE = 50
PUBLIC_FORM_LIMIT = 5  # submissions per hour per address
PUBLIC_FORM_ATTEMPTS = 20  # posts per hour per address, refused ones included (a robot probing the form)
PUBLIC_FORM_MAX_BYTES = 40 * 1024 * 1024  # the whole post: files (25 MB in all) and text
PUBLIC_FORM_WINDOW = 60 * 60


# Helpers that fetch what the user may see ------------------------------------------------------------


def _get_request_for_user(user, pk) -> FeasibilityRequest:
    return access.get_visible_or_404(
        access.visible_requests(user).select_related("sponsor", "owner", "source_engagement"), pk=pk
    )


def _get_invitation_for_user(user, pk) -> Invitation:
    return access.get_visible_or_404(
        access.visible_invitations(user).select_related("request", "request__sponsor", "centre", "response"), pk=pk
    )


def _invitations_of(feasibility_request, user):
    return (
        access.visible_invitations(user)
        .filter(request=feasibility_request)
        .select_related("centre", "response", "routed_by", "response__responded_by")
        .order_by("centre__name")
    )


def _answer_form_for(invitation, data=None):
    """The answer form, filled with the answer on record if there is one."""
    answer = getattr(invitation, "response", None)
    initial = {name: getattr(answer, name) for name in services.ANSWER_FIELDS} if answer else {}
    return AnswerForm(data, initial=initial, prefix=f"inv{invitation.pk}")
