"""What every stage of feasibility/services shares: constants, history attribution, status guards."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from capabilities.models import Modality
from feasibility.models import (
    CLOSED_STATUSES,
    FeasibilityRequest,
    RequestStatus,
)

DEFAULT_RESPONSE_WORKING_DAYS = 10
REOPEN_WORKING_DAYS = 5
REMINDER_WORKING_DAYS = 2
ATTACHMENT_EXTENSIONS = (".pdf", ".docx", ".xlsx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ADVANCED_THERAPIES = (Modality.CELL_THERAPY, Modality.GENE_THERAPY)

REQUEST_FIELDS = (
    "title",
    "sponsor",
    "source_engagement",
    "received_on",
    "asset",
    "modality",
    "phase",
    "populations",
    "sites_sought",
    "patients_total",
    "planned_start",
    "under_nda",
    "synopsis",
    "response_deadline",
    "owner",
    "funding",
    "regulatory_submitted_on",
    "regulatory_approved_on",
    "advanced_therapy",
)


def _by(instance, actor):
    """Tell simple_history who made the change, also outside a web request (API, commands, tasks)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor
    return instance


def _status_label(request: FeasibilityRequest) -> str:
    return RequestStatus(request.status).label.lower()


def _refuse_if_closed(request: FeasibilityRequest, doing: str) -> None:
    if request.status in CLOSED_STATUSES:
        raise ValidationError(f"This request is {_status_label(request)}; it cannot be {doing}.")


# Taking requests in ---------------------------------------------------------------------------------
