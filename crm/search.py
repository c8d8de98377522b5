"""One search box across what the user may see: organisations, contacts, engagements, events, requests, centres.

On PostgreSQL, organisations, contacts, events and engagements use full-text search (English stemming,
prefix matching, ranked), served by the GIN indexes of engagements/migrations/0003_search_indexes.py:
the vectors below must stay the same expressions as those indexes. On SQLite every word must appear
in one of the fields (icontains).
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.urls import reverse

from crm import permissions as access

RESULTS_PER_KIND = 20
RANKED_MATCHES = 100  # of each kind, the newest; see _matching
MAX_WORDS = 8

# The searched fields of each kind. The first four are indexed on PostgreSQL (keep in step with the migration).
ORGANISATION_FIELDS = ["name", "country"]
CONTACT_FIELDS = ["first_name", "last_name", "email", "job_title"]
EVENT_FIELDS = ["name", "place"]
ENGAGEMENT_FIELDS = ["subject", "summary", "topics"]
REQUEST_FIELDS = ["reference", "title", "asset"]
CENTRE_FIELDS = ["name", "code", "institution", "city"]


@dataclass
class Result:
    kind: str
    title: str
    detail: str
    url: str


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _words_query(words: list[str], fields: list[str]) -> Q:
    """Every word must match one of the fields."""
    query = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        query &= any_field
    return query


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _tsquery(words: list[str]) -> str:
    """Every word, as a prefix ('tana' finds 'Tanaka'); only letters and digits reach the raw query."""
    terms = [term for word in words for term in re.findall(r"\w+", word)]
    return " & ".join(f"{term}:*" for term in terms[:MAX_WORDS])


def _matching(queryset: QuerySet, words: list[str], fields: list[str], also: Q | None = None) -> QuerySet:
    if not _full_text():
        return queryset.filter(_words_query(words, fields))
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    raw = _tsquery(words)
    if not raw:
        return queryset.none()
    vector = SearchVector(*fields, config="english")
    query = SearchQuery(raw, search_type="raw", config="english")
    found = Q(search=query) | also if also is not None else Q(search=query)
    # Rank the newest matches only: ranking parses each matching row's text again, and a common word ("oncology")
    # matches a thousand engagements after ten years; the page shows 20. "NULLS LAST" (pk is never null) keeps the
    # planner on the GIN index: walking the primary key backwards would parse every row's text to test it.
    matches = queryset.annotate(search=vector).filter(found)
    newest = matches.order_by(F("pk").desc(nulls_last=True)).values("pk")[:RANKED_MATCHES]
    return queryset.filter(pk__in=newest).annotate(rank=SearchRank(vector, query)).order_by("-rank", "pk")


def _words(text: str) -> list[str]:
    """The words typed, without punctuation around them ('quant:*' is 'quant'; an email stays whole)."""
    words = (re.sub(r"^\W+|\W+$", "", word) for word in text.split())
    return [word for word in words if word][:MAX_WORDS]


def search(user, text: str) -> list[Result]:
    words = _words(text)
    if not words:
        return []
    results: list[Result] = []
    organisations = access.visible_organisations(user).filter(merged_into__isnull=True)
    for org in _matching(organisations, words, ORGANISATION_FIELDS)[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Organisation",
                org.name,
                org.get_kind_display(),
                _url("engagements:organisation-detail", org.pk),
            )
        )
    contacts = access.visible_contacts(user).filter(erased=False).select_related("organisation")
    # An email address is one lexeme to PostgreSQL: find it whole, as typed, too.
    by_email = Q(email__iexact=text.strip()) if "@" in text else None
    found = _matching(contacts, words, CONTACT_FIELDS, also=by_email)
    for c in found[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Contact",
                str(c) + (" (do not contact)" if c.do_not_contact else ""),
                c.organisation.name if c.organisation else "",
                _url("engagements:contact-detail", c.pk),
            )
        )
    events = _matching(access.visible_events(user), words, EVENT_FIELDS)
    for e in events[:RESULTS_PER_KIND]:
        results.append(Result("Event", str(e), e.place, _url("engagements:event-detail", e.pk)))
    engagements = _matching(access.visible_engagements(user), words, ENGAGEMENT_FIELDS)
    for g in engagements[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Engagement",
                g.subject,
                f"{g.occurred_on:%d %b %Y}",
                _url("engagements:engagement-detail", g.pk),
            )
        )
    requests = access.visible_requests(user).filter(_words_query(words, REQUEST_FIELDS))
    for r in requests.select_related("sponsor")[:RESULTS_PER_KIND]:
        results.append(
            Result(
                "Request",
                f"{r.reference} {r.title}",
                r.sponsor.name,
                _url("feasibility:request-detail", r.pk),
            )
        )
    # Every signed-in person reads the directory: centre staff find other centres here too.
    centres = access.visible_centres(user).filter(_words_query(words, CENTRE_FIELDS)).order_by("name")
    for centre in centres[:RESULTS_PER_KIND]:
        place = ", ".join(part for part in (centre.institution, centre.city) if part)
        title = centre.name if centre.active else f"{centre.name} (inactive)"
        results.append(Result("Centre", title, place, _url("capabilities:centre-detail", centre.pk)))
    return results
