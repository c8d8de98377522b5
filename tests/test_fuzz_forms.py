"""A little fuzzing: whatever lands in the fields of the busiest forms, the answer is never a 500."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OrganisationFactory
from tests.feasibility.test_views import public_data

pytestmark = pytest.mark.django_db

anything = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "1e9", "-0", "\x00", "NaN", " "]),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["sites_sought", "patients_total", "planned_start", "title"]), anything))
def test_it_never_fails_on_the_public_form(client, values):
    cache.clear()
    response = client.post(reverse("feasibility:public-form"), public_data(**values))
    assert response.status_code in (200, 302, 400)


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["starts_on", "ends_on", "name", "kind", "website"]), anything))
def test_it_never_fails_on_the_event_form(client, alice, values):
    client.force_login(alice)
    data = {"name": "ESMO", "kind": "conference", "starts_on": "2026-10-17", **values}
    assert client.post(reverse("engagements:event-create"), data).status_code in (200, 302, 400)


@FUZZ
@given(values=st.dictionaries(st.sampled_from(["name", "country", "website", "nda_signed_on", "parent"]), anything))
def test_it_never_fails_on_the_organisation_api(api, alice, values):
    api.force_authenticate(alice)
    OrganisationFactory()
    response = api.post("/api/v1/organisations/", {"name": "Nova", "kind": "pharma", **values}, format="json")
    assert response.status_code in (201, 400)
