"""crm/search.py over engagement records: full text on PostgreSQL, icontains on SQLite; only what one may see."""

import pytest
from django.db import connection
from django.urls import reverse

from crm.search import search
from tests.factories import CentreFactory, ContactFactory, EngagementFactory, EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _titles(results, kind):
    return [r.title for r in results if r.kind == kind]


def test_it_finds_organisations_contacts_events_and_engagements(alice):
    org = OrganisationFactory(name="Quantara Medical", country="Germany")
    ContactFactory(first_name="Mei", last_name="Tanaka", organisation=org, email="mei@quantara.example")
    EventFactory(name="ESMO Congress 2026", place="Berlin")
    EngagementFactory(subject="Radioligand pipeline review", summary="Lutetium programmes", organisations=[org])

    assert _titles(search(alice, "quantara"), "Organisation") == ["Quantara Medical"]
    assert _titles(search(alice, "Mei Tanaka"), "Contact") == ["Mei Tanaka"]
    assert _titles(search(alice, "tana"), "Contact") == ["Mei Tanaka"]
    assert _titles(search(alice, "mei@quantara.example"), "Contact") == ["Mei Tanaka"]
    assert [r.title for r in search(alice, "esmo berlin") if r.kind == "Event"][0].startswith("ESMO Congress 2026")
    assert _titles(search(alice, "radioligand"), "Engagement") == ["Radioligand pipeline review"]
    assert _titles(search(alice, "lutetium"), "Engagement") == ["Radioligand pipeline review"]
    result = next(r for r in search(alice, "quantara") if r.kind == "Organisation")
    assert result.url == reverse("engagements:organisation-detail", args=[org.pk])


def test_it_needs_every_word_to_match(alice):
    OrganisationFactory(name="Quantara Medical")
    assert _titles(search(alice, "quantara zebra"), "Organisation") == []


def test_it_leaves_out_erased_contacts_and_merged_organisations(alice):
    survivor = OrganisationFactory(name="Nimbus Biologics")
    OrganisationFactory(name="Nimbus Bio", merged_into=survivor)
    ContactFactory(first_name="Erased", last_name="Erased", erased=True)
    assert _titles(search(alice, "nimbus"), "Organisation") == ["Nimbus Biologics"]
    assert _titles(search(alice, "erased"), "Contact") == []


def test_it_shows_do_not_contact_in_results(alice):
    ContactFactory(first_name="Mei", last_name="Tanaka", do_not_contact=True)
    assert _titles(search(alice, "tanaka"), "Contact") == ["Mei Tanaka (do not contact)"]


def test_it_shows_centre_staff_no_engagement_records(bob):
    OrganisationFactory(name="Quantara Medical")
    EngagementFactory(subject="Quantara call")
    assert search(bob, "quantara") == []


def test_it_survives_punctuation_and_query_syntax(alice):
    OrganisationFactory(name="Quantara Medical")
    for text in ["quantara & | ! ( ) : *", "'quantara'", "quant:*"]:
        assert _titles(search(alice, text), "Organisation") == ["Quantara Medical"], text
    assert search(alice, "!!! ***") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes exist on PostgreSQL only")
def test_it_uses_the_gin_indexes_on_postgresql(alice):
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from crm.search import CONTACT_FIELDS
    from engagements.models import Contact

    ContactFactory(first_name="Mei", last_name="Tanaka")
    queryset = Contact.objects.annotate(search=SearchVector(*CONTACT_FIELDS, config="english")).filter(
        search=SearchQuery("tanaka:*", search_type="raw", config="english")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "engagements_contact_search" in plan


def test_it_finds_centres_for_everyone_who_reads_the_directory(bob, victor, leeds):
    CentreFactory(name="Closed Coast ECMC", city="Whitby", active=False)
    for user in (bob, victor):
        results = [r for r in search(user, leeds.city) if r.kind == "Centre"]
        assert [r.url for r in results] == [reverse("capabilities:centre-detail", args=[leeds.pk])]
    assert _titles(search(victor, "whitby"), "Centre") == ["Closed Coast ECMC (inactive)"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text ranking runs on PostgreSQL only")
def test_it_ranks_only_the_newest_matches_so_a_common_word_costs_the_same_after_ten_years(alice, monkeypatch):
    import crm.search

    monkeypatch.setattr(crm.search, "RANKED_MATCHES", 3)
    old = EngagementFactory(subject="Radioligand radioligand radioligand review")
    newer = [EngagementFactory(subject=f"Radioligand call {n}") for n in range(3)]
    titles = _titles(search(alice, "radioligand"), "Engagement")
    assert old.subject not in titles and sorted(titles) == sorted(e.subject for e in newer)
    monkeypatch.setattr(crm.search, "RANKED_MATCHES", 100)
    assert _titles(search(alice, "radioligand"), "Engagement")[0] == old.subject  # the best ranked, when ranked


def test_the_search_page_costs_the_same_queries_with_3_or_30_matches(client_for, alice):
    from django.test.utils import CaptureQueriesContext

    def make(n):
        for _ in range(n):
            org = OrganisationFactory(name="Oncology Partners")
            ContactFactory(last_name="Oncology", organisation=org)
            EventFactory(name="Oncology Congress")
            EngagementFactory(subject="Oncology review", organisations=[org])

    client = client_for(alice)
    make(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("crm:search") + "?q=oncology").status_code == 200
    make(27)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("crm:search") + "?q=oncology").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
