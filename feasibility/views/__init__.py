"""HTML pages of feasibility requests, one module per stage: requests (triage, matching, routing), answers,
the public form, the sponsor summary, outcome and set-up, scorecards. urls.py reads the views from here."""

from feasibility.views.answers import answer, invitation_deadline, invitation_reopen, outstanding, to_answer
from feasibility.views.outcome import request_outcome, setup_edit, setup_rows
from feasibility.views.public import public_form, public_thanks
from feasibility.views.requests import (
    attachment_download,
    matches_preview,
    request_attach,
    request_create,
    request_detail,
    request_edit,
    request_list,
    request_route,
)
from feasibility.views.scorecards import my_scorecard, scorecard, scorecard_for, scorecard_list
from feasibility.views.sponsor import sponsor_home, sponsor_request, sponsor_submit, sponsor_withdraw, synopsis_prefill
from feasibility.views.summary import sponsor_summary, sponsor_summary_download, sponsor_summary_release

__all__ = [
    "answer",
    "attachment_download",
    "invitation_deadline",
    "invitation_reopen",
    "matches_preview",
    "my_scorecard",
    "outstanding",
    "public_form",
    "public_thanks",
    "request_attach",
    "request_create",
    "request_detail",
    "request_edit",
    "request_list",
    "request_outcome",
    "request_route",
    "scorecard",
    "scorecard_for",
    "scorecard_list",
    "setup_edit",
    "setup_rows",
    "sponsor_home",
    "sponsor_request",
    "sponsor_submit",
    "sponsor_summary",
    "sponsor_summary_download",
    "sponsor_summary_release",
    "sponsor_withdraw",
    "synopsis_prefill",
    "to_answer",
]
