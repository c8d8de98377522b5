"""Admin: for looking things up and correcting typos. Routing, answers and outcomes go through the app's pages,
which call the services (and their checks); the admin leaves those rows read-only where it matters."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from feasibility.models import (
    Attachment,
    CentreResponse,
    FeasibilityRequest,
    Invitation,
    Requirement,
    SiteSetUp,
    SponsorSummary,
)


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0
    raw_id_fields = ["capability"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["size", "uploaded_at", "uploaded_by"]


@admin.register(FeasibilityRequest)
class FeasibilityRequestAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "sponsor", "received_on", "modality", "status"]
    list_filter = ["status", "modality", "phase", "source"]
    search_fields = ["reference", "title", "asset", "sponsor__name"]
    readonly_fields = ["reference", "status", "created_at", "closed_on"]
    raw_id_fields = ["sponsor", "sponsor_contacts", "source_engagement", "tumour_types"]
    inlines = [RequirementInline, AttachmentInline]
    date_hierarchy = "received_on"


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["request", "centre", "routed_at", "deadline", "eligible", "score"]
    list_filter = ["eligible", "centre"]
    search_fields = ["request__reference", "centre__name"]
    readonly_fields = [
        "request",
        "centre",
        "routed_at",
        "routed_by",
        "score",
        "eligible",
        "explanation",
        "override_reason",
        "reminded_at",
        "reopened_at",
    ]


@admin.register(CentreResponse)
class CentreResponseAdmin(SimpleHistoryAdmin):
    list_display = ["invitation", "decision", "decline_reason", "responded_at"]
    list_filter = ["decision", "decline_reason"]
    search_fields = ["invitation__request__reference", "invitation__centre__name"]
    readonly_fields = ["invitation", "responded_by", "responded_at", "first_responded_at"]


@admin.register(SponsorSummary)
class SponsorSummaryAdmin(SimpleHistoryAdmin):
    list_display = ["request", "sent_on", "sent_to", "centres_consulted", "centres_interested"]
    search_fields = ["request__reference", "sent_to"]


@admin.register(SiteSetUp)
class SiteSetUpAdmin(SimpleHistoryAdmin):
    list_display = ["request", "centre", "selected_on", "opened_on", "first_participant_on"]
    search_fields = ["request__reference", "centre__name"]
