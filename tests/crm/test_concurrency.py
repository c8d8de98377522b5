"""No lost updates: a stale save is refused, in the browser's forms and in the API (ETag / If-Match)."""

import re

import pytest
from django.urls import reverse

from crm import concurrency
from engagements.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def org_data(org, **changes):
    return {"name": org.name, "kind": org.kind, "status": org.status, "country": org.country, **changes}


def opened_version(client, url) -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="version" value="([0-9a-f]+)"', html).group(1)


def test_it_refuses_a_stale_save_and_shows_the_other_persons_values(client, alice):
    org = OrganisationFactory(name="Nova Rx", country="UK")
    client.force_login(alice)
    url = reverse("engagements:organisation-edit", args=[org.pk])
    version = opened_version(client, url)
    # Meanwhile a colleague saves the country.
    assert client.post(url, org_data(org, country="Ireland", version=version)).status_code == 302
    response = client.post(url, org_data(org, name="Nova Rx Ltd", version=version))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this record" in html and "Country: Ireland" in html
    assert 'value="Nova Rx Ltd"' in html  # what the person typed is kept
    org.refresh_from_db()
    assert (org.name, org.country) == ("Nova Rx", "Ireland")
    # Saving again, now on top of the current version, is a deliberate choice and goes through.
    newer = re.search(r'name="version" value="([0-9a-f]+)"', html).group(1)
    assert client.post(url, org_data(org, name="Nova Rx Ltd", version=newer)).status_code == 302
    assert Organisation.objects.get(pk=org.pk).name == "Nova Rx Ltd"


def test_it_still_saves_a_form_posted_without_a_version(client, alice):
    org = OrganisationFactory()
    client.force_login(alice)
    url = reverse("engagements:organisation-edit", args=[org.pk])
    assert client.post(url, org_data(org, country="France")).status_code == 302


def test_it_gives_every_api_object_an_etag_and_honours_if_match(api, alice):
    org = OrganisationFactory()
    api.force_authenticate(alice)
    url = f"/api/v1/organisations/{org.pk}/"
    etag = api.get(url)["ETag"]
    assert etag == concurrency.etag_for(org)
    first = api.patch(url, {"country": "Spain"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api.patch(url, {"country": "Italy"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["detail"]
    assert Organisation.objects.get(pk=org.pk).country == "Spain"
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert api.patch(url, {"country": "Italy"}, format="json").status_code == 200  # no If-Match: allowed


def test_it_has_one_version_for_the_same_stored_values():
    org = OrganisationFactory.build(pk=1, name="A")
    same = Organisation(**{f.attname: getattr(org, f.attname) for f in Organisation._meta.concrete_fields})
    assert concurrency.version_of(org) == concurrency.version_of(same)
    same.name = "B"
    assert concurrency.version_of(org) != concurrency.version_of(same)


def _version(html: str) -> str:
    return re.search(r'name="(?:[\w-]+-)?version" value="([0-9a-f]+)"', html).group(1)


def test_it_refuses_a_stale_request_edit(client, alice):
    from feasibility.models import FeasibilityRequest
    from tests.factories import FeasibilityRequestFactory

    feasibility_request = FeasibilityRequestFactory(title="Old title")
    client.force_login(alice)
    url = reverse("feasibility:request-edit", args=[feasibility_request.pk])
    version = _version(client.get(url).content.decode())
    FeasibilityRequest.objects.filter(pk=feasibility_request.pk).update(title="Their title")
    data = {
        "title": "My title",
        "sponsor": feasibility_request.sponsor_id,
        "received_on": feasibility_request.received_on.isoformat(),
        "modality": "small_molecule",
        "phase": "phase_1",
        "populations": ["adult"],
        "version": version,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode() and "Their title" in response.content.decode()
    assert FeasibilityRequest.objects.get(pk=feasibility_request.pk).title == "Their title"


def test_it_refuses_a_stale_answer(client, bob, leeds):
    from feasibility.models import CentreResponse
    from tests.factories import CentreResponseFactory, InvitationFactory

    invitation = InvitationFactory(centre=leeds)
    CentreResponseFactory(invitation=invitation, decision="interested", estimated_patients=3)
    client.force_login(bob)
    url = reverse("feasibility:answer", args=[invitation.pk])
    version = _version(client.get(url).content.decode())
    CentreResponse.objects.filter(invitation=invitation).update(estimated_patients=8)
    prefix = f"inv{invitation.pk}-"
    response = client.post(
        url, {prefix + "decision": "interested", prefix + "estimated_patients": "4", prefix + "version": version}
    )
    assert response.status_code == 200 and "Someone else saved this record" in response.content.decode()
    assert CentreResponse.objects.get(invitation=invitation).estimated_patients == 8


def test_it_refuses_a_stale_capability_level_and_centre_edit(client, alice, leeds):
    from capabilities.models import Capability, Centre, CentreCapability
    from tests.factories import CentreCapabilityFactory

    level = CentreCapabilityFactory(centre=leeds, capability=Capability.objects.get(code="adult"), level="available")
    client.force_login(alice)
    url = reverse("capabilities:level-edit", args=[leeds.pk, level.capability_id])
    version = _version(client.get(url).content.decode())
    CentreCapability.objects.filter(pk=level.pk).update(level="planned")
    response = client.post(url, {"level": "limited", "version": version})
    assert response.status_code == 200 and "Someone else saved this record" in response.content.decode()
    assert CentreCapability.objects.get(pk=level.pk).level == "planned"

    url = reverse("capabilities:centre-edit", args=[leeds.pk])
    version = _version(client.get(url).content.decode())
    Centre.objects.filter(pk=leeds.pk).update(city="Bradford")
    data = {"name": leeds.name, "code": leeds.code, "nation": leeds.nation, "city": "York", "version": version}
    response = client.post(url, data)
    assert response.status_code == 200 and "Bradford" in response.content.decode()
    assert Centre.objects.get(pk=leeds.pk).city == "Bradford"


def test_it_refuses_a_stale_site_setup_and_regulatory_edit_on_the_outcome_page(client, alice, leeds):
    import datetime

    from django.utils import timezone

    from feasibility.models import FeasibilityRequest, SiteSetUp
    from tests.factories import SiteSetUpFactory

    today = timezone.localdate()
    setup = SiteSetUpFactory(centre=leeds, selected_on=today - datetime.timedelta(days=40))
    client.force_login(alice)
    page = reverse("feasibility:outcome", args=[setup.request_id])
    html = client.get(page).content.decode()
    setup_version = re.search(rf'name="setup{setup.pk}-version" value="([0-9a-f]+)"', html).group(1)
    regulatory_version = re.search(r'name="version" value="([0-9a-f]+)"', html).group(1)

    # A colleague records the site's opening, and the study's submission, after this page was opened.
    SiteSetUp.objects.filter(pk=setup.pk).update(opened_on=today - datetime.timedelta(days=5))
    FeasibilityRequest.objects.filter(pk=setup.request_id).update(
        regulatory_submitted_on=today - datetime.timedelta(days=30)
    )

    prefix = f"setup{setup.pk}-"
    mine = (today - datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("feasibility:setup-edit", args=[setup.pk]),
        {
            prefix + "selected_on": setup.selected_on.isoformat(),
            prefix + "opened_on": mine,
            prefix + "version": setup_version,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Someone else saved this record" in html
    assert f"Site open: {today - datetime.timedelta(days=5)}" in html and f'value="{mine}"' in html
    assert SiteSetUp.objects.get(pk=setup.pk).opened_on == today - datetime.timedelta(days=5)

    response = client.post(
        reverse("feasibility:regulatory-edit", args=[setup.request_id]),
        {"regulatory_submitted_on": (today - datetime.timedelta(days=20)).isoformat(), "version": regulatory_version},
    )
    assert response.status_code == 200 and "Someone else saved this record" in response.content.decode()
    assert FeasibilityRequest.objects.get(pk=setup.request_id).regulatory_submitted_on == today - datetime.timedelta(
        days=30
    )

    # Opened afresh, the forms carry the current versions and save.
    html = client.get(page).content.decode()
    setup_version = re.search(rf'name="setup{setup.pk}-version" value="([0-9a-f]+)"', html).group(1)
    response = client.post(
        reverse("feasibility:setup-edit", args=[setup.pk]),
        {
            prefix + "selected_on": setup.selected_on.isoformat(),
            prefix + "opened_on": mine,
            prefix + "version": setup_version,
        },
    )
    assert response.status_code == 302
    assert SiteSetUp.objects.get(pk=setup.pk).opened_on == today - datetime.timedelta(days=3)


def test_it_gives_site_setups_an_etag_and_honours_if_match(api, alice, leeds):
    import datetime

    from django.utils import timezone

    from feasibility.models import SiteSetUp
    from tests.factories import SiteSetUpFactory

    today = timezone.localdate()
    setup = SiteSetUpFactory(centre=leeds, selected_on=today - datetime.timedelta(days=40))
    api.force_authenticate(alice)
    url = f"/api/v1/site-setups/{setup.pk}/"
    etag = api.get(url)["ETag"]
    assert etag == concurrency.etag_for(setup)
    signed = (today - datetime.timedelta(days=20)).isoformat()
    first = api.patch(url, {"contract_signed_on": signed}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    other = (today - datetime.timedelta(days=10)).isoformat()
    stale = api.patch(url, {"contract_signed_on": other}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["detail"]
    assert SiteSetUp.objects.get(pk=setup.pk).contract_signed_on.isoformat() == signed
    assert api.patch(url, {"contract_signed_on": other}, format="json", HTTP_IF_MATCH=first["ETag"]).status_code == 200


def test_the_answer_api_honours_if_match_against_the_existing_answer(api, bob, leeds):
    from feasibility.models import CentreResponse
    from tests.factories import CentreResponseFactory, InvitationFactory

    invitation = InvitationFactory(centre=leeds)
    answer = CentreResponseFactory(invitation=invitation, decision="interested", estimated_patients=3)
    api.force_authenticate(bob)
    url = f"/api/v1/invitations/{invitation.pk}/response/"
    read = api.get(url)
    assert read.status_code == 200 and read["ETag"] == concurrency.etag_for(answer)
    # A colleague at the centre changes the estimate after this client read it.
    CentreResponse.objects.filter(pk=answer.pk).update(estimated_patients=8)
    body = {"decision": "interested", "estimated_patients": 4}
    stale = api.put(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["detail"]
    assert CentreResponse.objects.get(pk=answer.pk).estimated_patients == 8
    fresh = api.get(url)["ETag"]
    saved = api.put(url, body, format="json", HTTP_IF_MATCH=fresh)
    assert saved.status_code == 200 and saved.json()["response"]["estimated_patients"] == 4
    assert saved["ETag"] == concurrency.etag_for(CentreResponse.objects.get(pk=answer.pk))


def test_the_answer_api_refuses_if_match_when_there_is_no_answer_yet_and_allows_a_first_answer(api, bob, leeds):
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(centre=leeds)
    api.force_authenticate(bob)
    url = f"/api/v1/invitations/{invitation.pk}/response/"
    assert "ETag" not in api.get(url)
    body = {"decision": "interested"}
    assert api.put(url, body, format="json", HTTP_IF_MATCH='"0123456789abcdef01234567"').status_code == 412
    first = api.put(url, body, format="json")
    assert first.status_code == 200 and first["ETag"]
