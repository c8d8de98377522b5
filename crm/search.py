"""One search box across what the user may see: organisations, contacts, engagements, events, requests."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from crm import permissions as access

RESULTS_PER_KIND = 20


@dataclass
class Result:
    kind: str
    title: str
    detail: str
    url: str


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _words_query(words: list[str], fields: list[str]) -> Q:
    """Every word must match one of the fields."""
    query = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        query &= any_field
    return query


def search(user, text: str) -> list[Result]:
    words = text.split()[:8]
    if not words:
        return []
    results: list[Result] = []
    for org in access.visible_organisations(user).filter(_words_query(words, ["name", "country"]))[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Organisation",
                org.name,
                org.get_kind_display(),
                _url("engagements:organisation-detail", org.pk),
            )
        )
    contacts = access.visible_contacts(user).filter(erased=False).select_related("organisation")
    for c in contacts.filter(_words_query(words, ["first_name", "last_name", "email", "job_title"]))[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Contact",
                str(c),
                c.organisation.name if c.organisation else "",
                _url("engagements:contact-detail", c.pk),
            )
        )
    events = access.visible_events(user).filter(_words_query(words, ["name", "place"]))
    for e in events[:RESULTS_PER_KIND]:
        results.append(Result("Event", str(e), e.place, _url("engagements:event-detail", e.pk)))
    engagements = access.visible_engagements(user).filter(_words_query(words, ["subject", "summary", "topics"]))
    for g in engagements[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Engagement",
                g.subject,
                f"{g.occurred_on:%d %b %Y}",
                _url("engagements:engagement-detail", g.pk),
            )
        )
    requests = access.visible_requests(user).filter(_words_query(words, ["reference", "title", "asset"]))
    for r in requests.select_related("sponsor")[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Request",
                f"{r.reference} {r.title}",
                r.sponsor.name,
                _url("feasibility:request-detail", r.pk),
            )
        )
    return results
