"""Feasibility operations: take in a trial opportunity, route it, collect answers, report back, follow set-up.

Every state change goes through a function here (`<entity>_<action>(*, actor, ...)`), under
`transaction.atomic`, checking permission with crm.permissions and raising ValidationError with a clear
message, changing nothing, when the change is impossible (answering a withdrawn request, routing a closed one).

One module per stage: intake (taking requests in), matches (scoring centres), routing (invitations and
reminders), answers (centres' answers), outcome (sponsor summary, outcome, set-up). Callers import from
here: `from feasibility import services; services.route_request(...)`.
"""

from feasibility.services._common import (
    ADVANCED_THERAPIES,
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    DEFAULT_RESPONSE_WORKING_DAYS,
    REMINDER_WORKING_DAYS,
    REOPEN_WORKING_DAYS,
    REQUEST_FIELDS,
)
from feasibility.services.answers import (
    ANSWER_FIELDS,
    invitation_deadline_change,
    invitation_reopen,
    submit_response,
)
from feasibility.services.extract import synopsis_extract, taxonomy_terms
from feasibility.services.intake import (
    check_attachment,
    find_or_create_organisation,
    request_attach,
    request_create,
    request_submit_public,
    request_submit_sponsor,
    request_update,
)
from feasibility.services.matches import centre_profiles, matches_for, matches_for_spec, request_spec, spec_from_codes
from feasibility.services.outcome import (
    interested_responses,
    request_set_outcome,
    setup_update,
    sponsor_summary_download,
    sponsor_summary_record,
    sponsor_summary_release,
)
from feasibility.services.routing import default_deadline, invitations_remind, invitations_to_remind, route_request

__all__ = [
    "ADVANCED_THERAPIES",
    "ANSWER_FIELDS",
    "ATTACHMENT_EXTENSIONS",
    "ATTACHMENT_MAX_BYTES",
    "DEFAULT_RESPONSE_WORKING_DAYS",
    "REMINDER_WORKING_DAYS",
    "REOPEN_WORKING_DAYS",
    "REQUEST_FIELDS",
    "centre_profiles",
    "check_attachment",
    "default_deadline",
    "find_or_create_organisation",
    "interested_responses",
    "invitation_deadline_change",
    "invitation_reopen",
    "invitations_remind",
    "invitations_to_remind",
    "matches_for",
    "matches_for_spec",
    "request_attach",
    "request_create",
    "request_set_outcome",
    "request_spec",
    "request_submit_public",
    "request_submit_sponsor",
    "request_update",
    "route_request",
    "setup_update",
    "spec_from_codes",
    "sponsor_summary_download",
    "sponsor_summary_record",
    "sponsor_summary_release",
    "submit_response",
    "synopsis_extract",
    "taxonomy_terms",
]
