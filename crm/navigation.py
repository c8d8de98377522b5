"""The navigation bar, by role. Each app's section names its own pages."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from crm import permissions as access


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    show: object = access.is_signed_in  # a check of crm.permissions taking the user


@dataclass(frozen=True)
class Section:
    label: str
    links: list[Link] = field(default_factory=list)


NAVIGATION = [
    Section(
        "Engagements",
        [
            Link("Organisations", "engagements:organisation-list", access.can_read_engagements),
            Link("Contacts", "engagements:contact-list", access.can_read_engagements),
            Link("Events", "engagements:event-list", access.can_read_engagements),
            Link("Engagements", "engagements:engagement-list", access.can_read_engagements),
            Link("Follow-ups", "engagements:followup-list", access.can_write_engagements),
            Link("Import", "engagements:import", access.can_write_engagements),
            Link("Contacts to review", "engagements:contact-review", access.can_write_engagements),
        ],
    ),
    Section(
        "Requests",
        [
            Link("All requests", "feasibility:request-list", access.reads_everything),
            Link("Outstanding answers", "feasibility:outstanding", access.reads_everything),
            Link("Requests to answer", "feasibility:to-answer", access.is_centre_staff),
            Link("Your opportunities", "feasibility:sponsor-home", access.is_sponsor),
            Link("Submit an opportunity", "feasibility:sponsor-submit", access.can_submit_requests),
            Link("Scorecards", "feasibility:scorecard-list", access.reads_everything),
            Link("My centre's scorecard", "feasibility:my-scorecard", access.is_centre_staff),
        ],
    ),
    Section(
        "Centres",
        [
            Link("My centre", "capabilities:my-centre", access.is_centre_staff),
            Link("Centre directory", "capabilities:centre-list"),
            Link("Capability matrix", "capabilities:matrix"),
            Link("Network directory (PDF)", "capabilities:directory-pdf", access.is_sponsor),
            Link("Taxonomy", "capabilities:taxonomy", access.can_edit_taxonomy),
            Link("Modality rules", "capabilities:modality-rules", access.reads_everything),
        ],
    ),
    Section(
        "Reports",
        [Link("Annual report", "crm:annual-report-latest", access.can_read_reports)],
    ),
    Section(
        "Admin",
        [
            Link("Users and invitations", "crm:user-list", access.can_manage_users),
            Link("Django admin", "admin:index", lambda user: user.is_superuser),
        ],
    ),
]


def navigation_for(user) -> list[dict]:
    """The sections and links this user may use; pages not yet built are left out."""
    sections = []
    for section in NAVIGATION:
        links = []
        for link in section.links:
            if not link.show(user):
                continue
            try:
                links.append({"label": link.label, "url": reverse(link.url_name), "name": link.url_name})
            except NoReverseMatch:
                continue
        if links:
            sections.append({"label": section.label, "links": links})
    return sections
