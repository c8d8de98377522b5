"""The request form (issue 13's request-form bullet, issue 10's thresholds): the sponsor's contacts only, a
contact added inline, searchable multi-selects, thresholds with their unit beside a capability."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from capabilities.models import Capability
from engagements.models import Contact
from feasibility.models import FeasibilityRequest
from tests.factories import CentreCapabilityFactory, ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def form_data(sponsor, **extra):
    return {
        "title": "LX-177 in neuroblastoma",
        "sponsor": sponsor.pk,
        "received_on": TODAY.isoformat(),
        "modality": "small_molecule",
        "phase": "phase_1",
        "populations": ["adult"],
        "under_nda": "on",
        **extra,
    }


@pytest.fixture
def helix(db):
    return OrganisationFactory(name="Helix Oncology")


def test_it_offers_only_the_chosen_sponsors_contacts(client, alice, helix):
    mine = ContactFactory(organisation=helix, first_name="Hana", last_name="Helix")
    other = ContactFactory(first_name="Oskar", last_name="Other")
    client.force_login(alice)
    url = reverse("feasibility:sponsor-contacts")
    html = client.get(url, {"sponsor": helix.pk}).content.decode()
    assert "Hana Helix" in html and "Oskar Other" not in html
    assert 'id="id_sponsor_contacts"' in html
    assert "Choose the sponsor" in client.get(url).content.decode()
    assert "Choose the sponsor" in client.get(url, {"sponsor": "nonsense"}).content.decode()
    form = client.get(reverse("feasibility:request-create")).content.decode()
    assert f'hx-get="{url}"' in form and "Oskar Other" not in form
    response = client.post(reverse("feasibility:request-create"), form_data(helix, sponsor_contacts=[other.pk]))
    assert response.status_code == 200  # another company's contact is refused
    assert not FeasibilityRequest.objects.exists()
    client.post(reverse("feasibility:request-create"), form_data(helix, sponsor_contacts=[mine.pk]))
    assert list(FeasibilityRequest.objects.get().sponsor_contacts.all()) == [mine]


def test_it_refuses_the_sponsor_contacts_field_to_others(client, bob):
    client.force_login(bob)
    assert client.get(reverse("feasibility:sponsor-contacts")).status_code == 403


def test_it_adds_a_contact_inline_at_the_sponsor(client, alice, helix):
    client.force_login(alice)
    data = form_data(
        helix, new_contact_first_name="Nia", new_contact_last_name="Novak", new_contact_email="nia@helix.example"
    )
    assert client.post(reverse("feasibility:request-create"), data).status_code == 302
    contact = Contact.objects.get(email="nia@helix.example")
    assert contact.organisation == helix
    assert list(FeasibilityRequest.objects.get().sponsor_contacts.all()) == [contact]


def test_it_refuses_a_half_given_or_duplicate_new_contact_and_saves_nothing(client, alice, helix):
    ContactFactory(organisation=helix, email="taken@helix.example")
    client.force_login(alice)
    half = client.post(reverse("feasibility:request-create"), form_data(helix, new_contact_first_name="Nia"))
    assert "first and last name" in half.content.decode()
    taken = client.post(
        reverse("feasibility:request-create"),
        form_data(
            helix, new_contact_first_name="T", new_contact_last_name="Aken", new_contact_email="taken@helix.example"
        ),
    )
    assert taken.status_code == 200
    assert not FeasibilityRequest.objects.exists() and Contact.objects.count() == 1


def test_it_renders_searchable_multi_selects_and_thresholds_with_their_unit(client, alice):
    client.force_login(alice)
    html = client.get(reverse("feasibility:request-create")).content.decode()
    assert 'data-multiselect="tumour types"' in html
    assert 'data-multiselect="required capabilities"' in html
    assert 'name="required-at_most-unit.minutes_to_icu"' in html
    assert "minutes\n</span>" in html or "minutes</span>" in html.replace("\n", "").replace("  ", "")
    assert 'name="required-at_most-unit.cover_24_7"' not in html  # no quantity, no threshold
    assert "js/multiselect.js" in html and "<script>" not in html  # no inline script under the CSP


def test_it_saves_thresholds_and_shows_them_back_on_edit(client, alice, helix):
    client.force_login(alice)
    data = form_data(
        helix,
        required=["unit.minutes_to_icu"],
        preferred=["unit.beds"],
        **{"required-at_most-unit.minutes_to_icu": "15", "preferred-at_least-unit.beds": "4"},
        **{"required-at_most-unit.beds": "99"},  # typed beside a capability not chosen there: ignored
    )
    assert client.post(reverse("feasibility:request-create"), data).status_code == 302
    made = FeasibilityRequest.objects.get()
    rows = {r.capability.code: (r.necessity, r.at_most, r.at_least) for r in made.requirements.all()}
    assert rows == {"unit.minutes_to_icu": ("required", 15, None), "unit.beds": ("preferred", None, 4)}
    edit = client.get(reverse("feasibility:request-edit", args=[made.pk])).content.decode()
    assert 'name="required-at_most-unit.minutes_to_icu" value="15"' in edit
    assert 'name="preferred-at_least-unit.beds" value="4"' in edit
    detail = client.get(reverse("feasibility:request-detail", args=[made.pk])).content.decode()
    assert "Time to intensive care, at most 15 minutes" in detail


def test_it_says_a_bad_threshold_on_the_field_and_keeps_the_input(client, alice, helix):
    client.force_login(alice)
    data = form_data(helix, required=["unit.minutes_to_icu"], **{"required-at_most-unit.minutes_to_icu": "ten"})
    response = client.post(reverse("feasibility:request-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Time to intensive care: a threshold is a whole number, 0 or more." in html
    assert 'value="LX-177 in neuroblastoma"' in html
    assert not FeasibilityRequest.objects.exists()


def test_it_previews_matches_with_thresholds_and_never_fails_on_half_typed_input(client, alice, leeds, manchester):
    minutes = Capability.objects.get(code="unit.minutes_to_icu")
    adult = Capability.objects.get(code="adult")
    for centre, quantity in ((leeds, 5), (manchester, 25)):
        CentreCapabilityFactory(centre=centre, capability=adult)
        CentreCapabilityFactory(centre=centre, capability=minutes, quantity=quantity)
    client.force_login(alice)
    url = reverse("feasibility:matches-preview")
    base = {"populations": ["adult"], "modality": "antibody", "required": ["unit.minutes_to_icu"]}
    html = client.post(url, {**base, "required-at_most-unit.minutes_to_icu": "15"}).content.decode()
    assert "<strong>1</strong> of 2 centres eligible" in html
    assert "Time to intensive care 25 minutes, at most 15 minutes required." in html
    for junk in ("1.5", "-3", "x"):
        response = client.post(url, {**base, "required-at_most-unit.minutes_to_icu": junk, "planned_start": "2026-13"})
        assert response.status_code == 200


def test_it_flags_in_the_preview_a_licence_expiring_before_the_planned_start(client, alice, leeds):
    arsac = Capability.objects.get(code="radio.arsac_licence")
    CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"))
    CentreCapabilityFactory(centre=leeds, capability=arsac, expires_on=TODAY + datetime.timedelta(days=20))
    client.force_login(alice)
    html = client.post(
        reverse("feasibility:matches-preview"),
        {
            "populations": ["adult"],
            "modality": "antibody",
            "required": ["radio.arsac_licence"],
            "planned_start": (TODAY + datetime.timedelta(days=90)).isoformat(),
        },
    ).content.decode()
    assert "limited: ARSAC research licence" in html
