"""Bulk actions on the lists: tick rows, then export them, change their owner or mark follow-ups done."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from engagements import services
from engagements.models import FollowUp, Organisation
from tests.factories import ContactFactory, EngagementFactory, FollowUpFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def priya(db):
    from crm.models import Role

    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.PROGRAMME_OFFICE)


def test_it_exports_only_the_ticked_organisations_as_csv(client, alice):
    helix, astrelis, _ = (
        OrganisationFactory(name="Helix"),
        OrganisationFactory(name="Astrelis"),
        OrganisationFactory(name="Other"),
    )
    client.force_login(alice)
    response = client.post(
        reverse("engagements:organisation-list"), {"selected": [helix.pk, astrelis.pk], "export": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Name"
    assert sorted(row[0] for row in rows[1:]) == ["Astrelis", "Helix"]


def test_it_exports_the_ticked_contacts_as_excel(client, victor):
    ticked, _ = ContactFactory(last_name="Ticked"), ContactFactory(last_name="Left")
    client.force_login(victor)  # reading and exporting is open to the viewer too
    response = client.post(reverse("engagements:contact-list"), {"selected": [ticked.pk], "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row]
    assert "Ticked" in " ".join(str(v) for v in values)
    assert "Left" not in " ".join(str(v) for v in values)


def test_it_exports_the_ticked_engagements_and_follow_ups(client, alice):
    call, _ = EngagementFactory(subject="Ticked call"), EngagementFactory(subject="Other call")
    client.force_login(alice)
    text = client.post(
        reverse("engagements:engagement-list"), {"selected": [call.pk], "export": "csv"}
    ).content.decode()
    assert "Ticked call" in text and "Other call" not in text
    chase, _ = FollowUpFactory(text="Chase the CDA", owner=alice), FollowUpFactory(text="Other", owner=alice)
    text = client.post(reverse("engagements:followup-list"), {"selected": [chase.pk], "export": "csv"}).content.decode()
    assert "Chase the CDA" in text and "Other" not in text.split("\n", 1)[1]


def test_it_refuses_centre_staff_an_export_of_ticked_rows(client, bob):
    org = OrganisationFactory()
    client.force_login(bob)
    response = client.post(reverse("engagements:organisation-list"), {"selected": [org.pk], "export": "csv"})
    assert response.status_code == 403
    assert org.name.encode() not in response.content


def test_it_changes_the_owner_of_ticked_organisations_with_history(client, alice, priya):
    helix, astrelis, left = (
        OrganisationFactory(owner=alice),
        OrganisationFactory(owner=None),
        OrganisationFactory(owner=alice),
    )
    client.force_login(alice)
    response = client.post(
        reverse("engagements:organisation-bulk-owner"),
        {"selected": [helix.pk, astrelis.pk], "bulk-owner": priya.pk, "next": "/organisations/?status=active"},
    )
    assert response.status_code == 302 and response["Location"] == "/organisations/?status=active"
    assert "2 organisations now owned by Priya Shah (2 changed)" in said(response)
    assert set(Organisation.objects.filter(owner=priya).values_list("pk", flat=True)) == {helix.pk, astrelis.pk}
    assert Organisation.objects.get(pk=left.pk).owner == alice
    latest = helix.history.first()
    assert latest.history_user == alice and latest.owner_id == priya.pk


def test_it_hands_ticked_follow_ups_to_a_colleague_but_never_to_nobody(client, alice, priya):
    follow_ups = FollowUpFactory.create_batch(2, owner=alice)
    client.force_login(alice)
    url = reverse("engagements:followup-bulk-owner")
    response = client.post(url, {"selected": [f.pk for f in follow_ups], "bulk-owner": ""})
    assert "always has an owner" in said(response)
    assert FollowUp.objects.filter(owner=alice).count() == 2
    response = client.post(url, {"selected": [f.pk for f in follow_ups], "bulk-owner": priya.pk})
    assert "2 follow-ups now owned by Priya Shah" in said(response)
    assert FollowUp.objects.filter(owner=priya).count() == 2


def test_it_refuses_an_owner_outside_the_programme_office(client, alice, bob):
    org = OrganisationFactory(owner=alice)
    client.force_login(alice)
    response = client.post(reverse("engagements:organisation-bulk-owner"), {"selected": [org.pk], "bulk-owner": bob.pk})
    assert "nothing was changed" in said(response)
    assert Organisation.objects.get(pk=org.pk).owner == alice


def test_it_marks_ticked_follow_ups_done_and_counts_those_done_already(client, alice):
    open_one, open_two = FollowUpFactory.create_batch(2, owner=alice)
    done_before = FollowUpFactory(owner=alice, done_on=datetime.date(2025, 1, 6))
    untouched = FollowUpFactory(owner=alice)
    client.force_login(alice)
    response = client.post(
        reverse("engagements:followup-bulk-done"), {"selected": [open_one.pk, open_two.pk, done_before.pk]}
    )
    assert "2 follow-ups marked done; 1 was done already." in said(response)
    today = timezone.localdate()
    assert set(FollowUp.objects.filter(done_on=today).values_list("pk", flat=True)) == {open_one.pk, open_two.pk}
    assert FollowUp.objects.get(pk=done_before.pk).done_on == datetime.date(2025, 1, 6)
    assert FollowUp.objects.get(pk=untouched.pk).done_on is None
    assert open_one.history.first().history_user == alice


@pytest.mark.parametrize(
    "name", ["engagements:organisation-bulk-owner", "engagements:followup-bulk-owner", "engagements:followup-bulk-done"]
)
def test_it_refuses_bulk_changes_to_the_viewer_and_centre_staff_leaving_the_data_unchanged(
    client, alice, victor, bob, name
):
    org = OrganisationFactory(owner=alice)
    follow_up = FollowUpFactory(owner=alice)
    for user in (victor, bob):
        client.force_login(user)
        response = client.post(reverse(name), {"selected": [org.pk, follow_up.pk], "bulk-owner": victor.pk})
        assert response.status_code == 403
    assert Organisation.objects.get(pk=org.pk).owner == alice
    assert (
        FollowUp.objects.get(pk=follow_up.pk).owner == alice and FollowUp.objects.get(pk=follow_up.pk).done_on is None
    )


def test_it_says_so_when_nothing_is_ticked(client, alice):
    client.force_login(alice)
    response = client.post(reverse("engagements:followup-bulk-done"), {})
    assert "Tick at least one follow-up first" in said(response)


def test_it_shows_the_bulk_bar_and_a_box_per_row_on_the_lists(client, alice):
    org = OrganisationFactory()
    FollowUpFactory(owner=alice)
    client.force_login(alice)
    page = client.get(reverse("engagements:organisation-list")).content.decode()
    assert 'id="bulk-form"' in page and f'name="selected" value="{org.pk}" form="bulk-form"' in page
    assert "Change owner" in page
    page = client.get(reverse("engagements:followup-list")).content.decode()
    assert "Mark done" in page


def test_it_rolls_back_every_change_when_one_fails(alice, priya, monkeypatch):
    follow_ups = FollowUpFactory.create_batch(3, owner=alice)
    real = services.follow_up_complete
    calls = []

    def fail_on_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "follow_up_complete", fail_on_third)
    with pytest.raises(RuntimeError):
        services.follow_ups_complete(actor=alice, follow_ups=follow_ups)
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()
