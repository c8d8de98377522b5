"""HTML pages: who may see and do what, and what each page shows."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Contact, Engagement, Organisation
from tests.factories import (
    ContactFactory,
    EngagementFactory,
    EventFactory,
    FeasibilityRequestFactory,
    FollowUpFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _pages():
    org = OrganisationFactory()
    contact = ContactFactory(organisation=org)
    event = EventFactory()
    engagement = EngagementFactory(organisations=[org], event=event)
    return {
        "reads": [
            reverse("engagements:organisation-list"),
            reverse("engagements:organisation-detail", args=[org.pk]),
            reverse("engagements:contact-list"),
            reverse("engagements:contact-detail", args=[contact.pk]),
            reverse("engagements:event-list"),
            reverse("engagements:event-detail", args=[event.pk]),
            reverse("engagements:events-ics"),
            reverse("engagements:engagement-list"),
            reverse("engagements:engagement-detail", args=[engagement.pk]),
            reverse("engagements:typeahead") + "?what=organisations&q=helix",
        ],
        "writes": [
            reverse("engagements:organisation-create"),
            reverse("engagements:organisation-edit", args=[org.pk]),
            reverse("engagements:contact-create"),
            reverse("engagements:contact-edit", args=[contact.pk]),
            reverse("engagements:contact-export", args=[contact.pk]),
            reverse("engagements:contact-review"),
            reverse("engagements:event-create"),
            reverse("engagements:event-edit", args=[event.pk]),
            reverse("engagements:engagement-log"),
            reverse("engagements:engagement-edit", args=[engagement.pk]),
            reverse("engagements:followup-list"),
            reverse("engagements:import"),
        ],
    }


def test_it_sends_anonymous_visitors_to_sign_in(client):
    pages = _pages()
    for url in pages["reads"] + pages["writes"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_it_lets_the_programme_office_use_every_page(client_for, alice):
    client = client_for(alice)
    pages = _pages()
    for url in pages["reads"] + pages["writes"]:
        assert client.get(url).status_code == 200, url


def test_it_lets_viewers_read_but_not_write(client_for, victor):
    client = client_for(victor)
    pages = _pages()
    for url in pages["reads"]:
        assert client.get(url).status_code == 200, url
    for url in pages["writes"]:
        assert client.get(url).status_code == 403, url


def test_it_hides_write_buttons_from_viewers(client_for, victor):
    org = OrganisationFactory()
    response = client_for(victor).get(reverse("engagements:organisation-detail", args=[org.pk]))
    assert b"Log an engagement" not in response.content
    assert b"Edit" not in response.content


def test_it_shows_centre_staff_nothing(client_for, bob, carol):
    pages = _pages()
    for user in (bob, carol):
        client = client_for(user)
        for url in pages["reads"] + pages["writes"]:
            status = client.get(url).status_code
            expected = 404 if "/organisations/" in url and url.rstrip("/").split("/")[-1].isdigit() else None
            assert status in (403, 404), url
            if expected:
                assert status == expected


def test_it_warns_of_a_duplicate_organisation_with_a_link_and_creates_anyway(client_for, alice):
    existing = OrganisationFactory(name="Nimbus Biologics")
    client = client_for(alice)
    url = reverse("engagements:organisation-create")
    data = {"name": "Nimbus Biologics Ltd", "kind": "biotech", "status": "prospect"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert reverse("engagements:organisation-detail", args=[existing.pk]).encode() in response.content
    assert b"Create anyway" in response.content
    assert Organisation.objects.count() == 1
    response = client.post(url, {**data, "create_anyway": "on"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 2


def test_it_keeps_input_and_shows_the_email_error_next_to_the_field(client_for, alice):
    ContactFactory(email="ana@nimbus.example")
    response = client_for(alice).post(
        reverse("engagements:contact-create"),
        {"first_name": "Ana", "last_name": "Silva", "email": "ANA@nimbus.example", "lawful_basis": "consent"},
    )
    assert response.status_code == 200
    assert b"already has the email address" in response.content
    assert b'value="Silva"' in response.content


def test_it_preselects_the_event_and_organisation_on_the_quick_log(client_for, alice):
    event = EventFactory(name="ESMO Congress 2026")
    org = OrganisationFactory(name="Quantara")
    response = client_for(alice).get(reverse("engagements:engagement-log") + f"?event={event.pk}&organisation={org.pk}")
    content = response.content.decode()
    assert re.search(rf'<option value="{event.pk}"[^>]*selected', content)
    assert f'value="{org.pk}" id="organisations-picked-{org.pk}" checked' in content


def test_it_logs_an_engagement_with_a_new_contact_from_the_form(client_for, alice):
    event = EventFactory()
    org = OrganisationFactory()
    response = client_for(alice).post(
        reverse("engagements:engagement-log"),
        {
            "subject": "Booth chat about ADCs",
            "occurred_on": TODAY.isoformat(),
            "kind": "conference_meeting",
            "event": event.pk,
            "organisations": [org.pk],
            "new_contact_first_name": "Mei",
            "new_contact_last_name": "Tanaka",
            "new_contact_email": "mei@quantara.example",
        },
    )
    engagement = Engagement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagements:engagement-detail", args=[engagement.pk])
    assert engagement.contacts.get().email == "mei@quantara.example"
    assert list(engagement.staff.all()) == [alice]


def test_it_says_an_organisation_is_needed_and_keeps_the_input(client_for, alice):
    response = client_for(alice).post(
        reverse("engagements:engagement-log"),
        {"subject": "Lonely call", "occurred_on": TODAY.isoformat(), "kind": "call"},
    )
    assert response.status_code == 200
    assert b"Name at least one organisation met." in response.content
    assert b'value="Lonely call"' in response.content
    assert not Engagement.objects.exists()


def test_it_offers_organisations_and_contacts_as_you_type_with_do_not_contact(client_for, alice):
    org = OrganisationFactory(name="Quantara Medical")
    ContactFactory(first_name="Mei", last_name="Tanaka", do_not_contact=True, organisation=org)
    client = client_for(alice)
    url = reverse("engagements:typeahead")
    response = client.get(url, {"what": "organisations", "organisations_search": "quant"})
    assert b"Quantara Medical" in response.content
    response = client.get(url, {"what": "organisations", "organisations_search": "quant", "organisations": org.pk})
    assert b"Quantara Medical" not in response.content
    response = client.get(url, {"what": "contacts", "contacts_search": "tanaka"})
    assert b"Mei Tanaka" in response.content and b"Do not contact" in response.content


def test_it_flags_an_nda_expiring_within_60_days_and_lists_trial_opportunities(client_for, alice):
    org = OrganisationFactory(nda_expires_on=TODAY + datetime.timedelta(days=30))
    request = FeasibilityRequestFactory(sponsor=org, title="First-in-human XB-7")
    response = client_for(alice).get(reverse("engagements:organisation-detail", args=[org.pk]))
    assert b'data-testid="nda-expiring"' in response.content
    assert b"First-in-human XB-7" in response.content and request.reference.encode() in response.content
    org.nda_expires_on = TODAY + datetime.timedelta(days=90)
    org.save()
    response = client_for(alice).get(reverse("engagements:organisation-detail", args=[org.pk]))
    assert b'data-testid="nda-expiring"' not in response.content


def test_it_shows_meetings_and_companies_on_the_event_page(client_for, alice):
    event = EventFactory(name="ASCO Annual Meeting 2026")
    org = OrganisationFactory(name="Quantara Medical")
    EngagementFactory(organisations=[org], event=event, subject="Coffee at the booth")
    response = client_for(alice).get(reverse("engagements:event-detail", args=[event.pk]))
    content = response.content.decode()
    assert "Coffee at the booth" in content and "Quantara Medical" in content
    assert reverse("engagements:engagement-log") + f"?event={event.pk}" in content


def test_it_exports_upcoming_events_as_ics(client_for, alice):
    EventFactory(name="ESMO, Barcelona", starts_on=TODAY + datetime.timedelta(days=10))
    EventFactory(name="Old congress", starts_on=TODAY - datetime.timedelta(days=400))
    response = client_for(alice).get(reverse("engagements:events-ics"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:ESMO\\, Barcelona" in text and "Old congress" not in text
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 1


def test_it_exports_the_filtered_list_as_csv_and_xlsx(client_for, alice):
    OrganisationFactory(name="Nimbus Biologics", kind="biotech")
    OrganisationFactory(name="Quantara", kind="cro")
    client = client_for(alice)
    url = reverse("engagements:organisation-list")
    csv_text = client.get(url, {"kind": "biotech", "export": "csv"}).content.decode()
    assert "Nimbus Biologics" in csv_text and "Quantara" not in csv_text
    response = client.get(url, {"kind": "cro", "export": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Name", "Quantara"]


def test_it_exports_engagements_with_real_dates_and_harmless_text(client_for, alice):
    org = OrganisationFactory(name='=HYPERLINK("http://evil")')
    EngagementFactory(subject="Pipeline", occurred_on=datetime.date(2026, 3, 4), organisations=[org])
    response = client_for(alice).get(reverse("engagements:engagement-list"), {"export": "xlsx"})
    assert response["Content-Disposition"].startswith('attachment; filename="engagements-')
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["A2"].is_date and sheet["A2"].value.date() == datetime.date(2026, 3, 4)
    assert sheet["D2"].value == org.name and sheet["D2"].data_type == "s"
    response = client_for(alice).get(reverse("engagements:engagement-list"), {"export": "csv"})
    row = list(csv.reader(io.StringIO(response.content.decode())))[1]
    assert row[:4] == ["2026-03-04", "Meeting", "Pipeline", "'" + org.name]


@pytest.mark.parametrize(
    "url_name",
    [
        "engagements:organisation-list",
        "engagements:contact-list",
        "engagements:event-list",
        "engagements:engagement-list",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_exports_lists_in_constant_queries(client_for, alice, url_name, fmt, django_assert_max_num_queries):
    client = client_for(alice)

    def make(n):
        for _ in range(n):
            org = OrganisationFactory()
            contact = ContactFactory(organisation=org)
            engagement = EngagementFactory(organisations=[org], event=EventFactory())
            engagement.contacts.add(contact)
            engagement.staff.add(alice)

    make(3)
    client.get(reverse(url_name), {"export": fmt})
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse(url_name), {"export": fmt}).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name), {"export": fmt})
    assert response.status_code == 200


def test_it_filters_and_sorts_engagements(client_for, alice):
    EngagementFactory(subject="Alpha talk", occurred_on=TODAY - datetime.timedelta(days=3))
    EngagementFactory(subject="Beta talk", occurred_on=TODAY)
    client = client_for(alice)
    url = reverse("engagements:engagement-list")
    content = client.get(url, {"sort": "subject"}).content.decode()
    assert content.index("Alpha talk") < content.index("Beta talk")
    content = client.get(url).content.decode()
    assert content.index("Beta talk") < content.index("Alpha talk")
    content = client.get(url, {"q": "alpha"}).content.decode()
    assert "Beta talk" not in content


def test_it_shows_an_empty_state_saying_what_to_do(client_for, alice):
    response = client_for(alice).get(reverse("engagements:engagement-list"))
    assert b"No engagements logged yet" in response.content


def test_it_erases_a_contact_from_the_page(client_for, alice):
    contact = ContactFactory(first_name="Ana")
    response = client_for(alice).post(reverse("engagements:contact-erase", args=[contact.pk]))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.erased and contact.first_name == "Erased"


def test_it_refuses_erasure_to_viewers(client_for, victor):
    contact = ContactFactory(first_name="Ana")
    assert client_for(victor).post(reverse("engagements:contact-erase", args=[contact.pk])).status_code == 403
    contact.refresh_from_db()
    assert not contact.erased


def test_it_exports_a_contact_as_json(client_for, alice):
    contact = ContactFactory(email="ana@nimbus.example")
    response = client_for(alice).get(reverse("engagements:contact-export", args=[contact.pk]))
    assert response.json()["contact"]["email"] == "ana@nimbus.example"
    assert "attachment" in response["Content-Disposition"]


def test_it_lists_contacts_not_engaged_for_long_for_review(client_for, alice, settings):
    settings.CONTACT_REVIEW_AFTER_DAYS = 365
    stale = ContactFactory(first_name="Stale", last_name="Person")
    EngagementFactory(occurred_on=TODAY - datetime.timedelta(days=400)).contacts.add(stale)
    fresh = ContactFactory(first_name="Fresh", last_name="Person")
    EngagementFactory(occurred_on=TODAY - datetime.timedelta(days=10)).contacts.add(fresh)
    never = ContactFactory(first_name="Never", last_name="Met")
    never.created_at = timezone.now() - datetime.timedelta(days=500)
    never.save()
    ContactFactory(first_name="Newly", last_name="Added")
    content = client_for(alice).get(reverse("engagements:contact-review")).content.decode()
    assert "Stale Person" in content and "Never Met" in content
    assert "Fresh Person" not in content and "Newly Added" not in content


def test_it_lists_my_follow_ups_overdue_first_and_completes_one(client_for, alice):
    later = FollowUpFactory(owner=alice, text="Later thing", due_on=TODAY + datetime.timedelta(days=5))
    FollowUpFactory(owner=alice, text="Overdue thing", due_on=TODAY - datetime.timedelta(days=5))
    client = client_for(alice)
    content = client.get(reverse("engagements:followup-list")).content.decode()
    mine = content[content.index('data-testid="my-follow-ups"') :]
    assert mine.index("Overdue thing") < mine.index("Later thing")
    assert "overdue" in mine
    client.post(reverse("engagements:followup-complete", args=[later.pk]))
    later.refresh_from_db()
    assert later.done_on == TODAY


def test_it_merges_an_organisation_from_its_page(client_for, alice):
    survivor = OrganisationFactory(name="Nimbus Biologics")
    other = OrganisationFactory(name="Nimbus Bio")
    contact = ContactFactory(organisation=other)
    client_for(alice).post(reverse("engagements:organisation-merge", args=[survivor.pk]), {"other": other.pk})
    contact.refresh_from_db()
    assert contact.organisation == survivor


LISTS = [
    "engagements:organisation-list",
    "engagements:contact-list",
    "engagements:event-list",
    "engagements:engagement-list",
    "engagements:followup-list",
    "engagements:contact-review",
]


@pytest.mark.parametrize("url_name", LISTS)
def test_it_renders_lists_in_constant_queries(client_for, alice, url_name, settings, django_assert_max_num_queries):
    settings.CONTACT_REVIEW_AFTER_DAYS = 1
    client = client_for(alice)

    def make(n):
        for _ in range(n):
            org = OrganisationFactory()
            contact = ContactFactory(organisation=org)
            contact.created_at = timezone.now() - datetime.timedelta(days=30)
            contact.save()
            engagement = EngagementFactory(
                organisations=[org], event=EventFactory(), occurred_on=TODAY - datetime.timedelta(days=20)
            )
            engagement.contacts.add(contact)
            engagement.staff.add(alice)
            FollowUpFactory(engagement=engagement, organisation=org, owner=alice)

    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert Contact.objects.count() == 30


def test_it_links_every_detail_page_to_its_history(client_for, alice, victor):
    org = OrganisationFactory()
    contact = ContactFactory(organisation=org)
    event = EventFactory()
    engagement = EngagementFactory(organisations=[org], event=event)
    pages = [
        ("engagements:organisation-detail", org, "engagements.organisation"),
        ("engagements:contact-detail", contact, "engagements.contact"),
        ("engagements:event-detail", event, "engagements.event"),
        ("engagements:engagement-detail", engagement, "engagements.engagement"),
    ]
    for user in (alice, victor):
        client = client_for(user)
        for url_name, obj, label in pages:
            content = client.get(reverse(url_name, args=[obj.pk])).content.decode()
            history = reverse("crm:history", args=[label, obj.pk])
            assert f'href="{history}"' in content, (user, url_name)
            assert client.get(history).status_code == 200


def test_it_offers_the_programme_office_a_trial_opportunity_from_an_engagement(client_for, alice, victor):
    engagement = EngagementFactory()
    url = reverse("engagements:engagement-detail", args=[engagement.pk])
    create = reverse("feasibility:request-create") + f"?engagement={engagement.pk}"
    assert f'href="{create}"' in client_for(alice).get(url).content.decode()
    assert "Create trial opportunity" not in client_for(victor).get(url).content.decode()


def test_it_lists_the_trial_opportunities_that_came_from_an_engagement(client_for, victor):
    engagement = EngagementFactory()
    request = FeasibilityRequestFactory(source_engagement=engagement, title="First-in-human XB-7")
    FeasibilityRequestFactory(title="Unrelated study")
    content = client_for(victor).get(reverse("engagements:engagement-detail", args=[engagement.pk])).content.decode()
    assert reverse("feasibility:request-detail", args=[request.pk]) in content
    assert "First-in-human XB-7" in content and "Unrelated study" not in content


def test_it_shows_the_status_and_link_of_each_trial_opportunity_of_an_organisation(client_for, victor):
    org = OrganisationFactory()
    request = FeasibilityRequestFactory(sponsor=org, status="placed")
    content = client_for(victor).get(reverse("engagements:organisation-detail", args=[org.pk])).content.decode()
    table = content[content.index('data-testid="trial-opportunities"') :]
    assert reverse("feasibility:request-detail", args=[request.pk]) in table
    assert request.get_status_display() in table and "status-placed" in table


def test_it_tells_viewers_nothing_they_cannot_do_in_empty_states(client_for, victor):
    org = OrganisationFactory(name="Nimbus Biologics")
    engagement = EngagementFactory(organisations=[org])
    content = client_for(victor).get(reverse("engagements:organisation-detail", args=[org.pk])).content.decode()
    assert "No contacts here yet." in content and "Add one" not in content
    content = client_for(victor).get(reverse("engagements:engagement-detail", args=[engagement.pk])).content.decode()
    assert "No follow-ups." in content and "Add one below" not in content


def test_it_words_each_sort_by_what_the_column_holds(client_for, alice):
    content = client_for(alice).get(reverse("engagements:organisation-list")).content.decode()
    assert ">Name, A→Z<" in content and ">Last engaged, newest first<" in content
    assert "A→Z / oldest first" not in content


def test_it_completes_someone_elses_follow_up_and_returns_to_the_filtered_list(client_for, alice):
    priya = UserFactory(role="programme_office")
    follow_up = FollowUpFactory(owner=priya, text="Send the directory", due_on=TODAY)
    client = client_for(alice)
    back = reverse("engagements:followup-list") + f"?owner={priya.pk}&open=true"
    content = client.get(back).content.decode()
    assert reverse("engagements:followup-complete", args=[follow_up.pk]) in content
    response = client.post(reverse("engagements:followup-complete", args=[follow_up.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    follow_up.refresh_from_db()
    assert follow_up.done_on == TODAY


def test_it_keeps_a_reviewed_contact_off_the_list_until_the_next_review(client_for, alice, settings):
    settings.CONTACT_REVIEW_AFTER_DAYS = 365
    quiet = ContactFactory(first_name="Quiet", last_name="Person")
    EngagementFactory(occurred_on=TODAY - datetime.timedelta(days=400)).contacts.add(quiet)
    client = client_for(alice)
    review = reverse("engagements:contact-review")
    listed = f'href="{reverse("engagements:contact-detail", args=[quiet.pk])}"'
    assert listed in client.get(review).content.decode()
    response = client.post(reverse("engagements:contact-keep", args=[quiet.pk]))
    assert response.status_code == 302 and response["Location"] == review
    assert listed not in client.get(review).content.decode()
    # A year on, they come up again.
    Contact.objects.filter(pk=quiet.pk).update(reviewed_on=TODAY - datetime.timedelta(days=366))
    assert listed in client.get(review).content.decode()


def test_it_refuses_keeping_to_viewers_and_hides_contacts_from_centre_staff(client_for, victor, bob):
    contact = ContactFactory()
    url = reverse("engagements:contact-keep", args=[contact.pk])
    assert client_for(victor).post(url).status_code == 403
    assert client_for(bob).post(url).status_code == 404
    contact.refresh_from_db()
    assert contact.reviewed_on is None


def test_it_returns_to_the_review_list_after_erasing_from_it(client_for, alice):
    contact = ContactFactory()
    review = reverse("engagements:contact-review")
    response = client_for(alice).post(reverse("engagements:contact-erase", args=[contact.pk]), {"next": review})
    assert response["Location"] == review
    response = client_for(alice).post(
        reverse("engagements:contact-erase", args=[contact.pk]), {"next": "//evil.example/"}
    )
    assert response["Location"] == reverse("engagements:contact-detail", args=[contact.pk])


@pytest.mark.parametrize("page", ["organisation", "engagement"])
def test_it_renders_a_detail_page_in_constant_queries(client_for, alice, page, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org = OrganisationFactory()
    engagement = EngagementFactory(organisations=[org])
    url = reverse(f"engagements:{page}-detail", args=[org.pk if page == "organisation" else engagement.pk])
    client = client_for(alice)

    def make(n):
        for _ in range(n):
            contact = ContactFactory(organisation=org)
            other = EngagementFactory(organisations=[org], event=EventFactory())
            other.contacts.add(contact)
            FollowUpFactory(engagement=engagement, organisation=org, owner=alice)
            FeasibilityRequestFactory(sponsor=org, source_engagement=engagement)

    make(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
