"""Shared set-up of the feasibility tests: a small taxonomy, centres with profiles, a request."""

import pytest

from tests.factories import (
    CapabilityFactory,
    CentreCapabilityFactory,
    FeasibilityRequestFactory,
    OrganisationFactory,
)


@pytest.fixture
def taxonomy(db):
    return {
        code: CapabilityFactory(code=code)
        for code in ["adult", "paediatric", "haematology", "radiopharmaceutical", "tumour.lung", "imaging.pet_ct"]
    }


@pytest.fixture
def adult_profile(taxonomy, leeds, manchester):
    """Leeds and Manchester serve adults; Leeds also has PET-CT."""
    for centre in (leeds, manchester):
        CentreCapabilityFactory(centre=centre, capability=taxonomy["adult"])
    CentreCapabilityFactory(centre=leeds, capability=taxonomy["imaging.pet_ct"])
    return taxonomy


@pytest.fixture
def sponsor(db):
    return OrganisationFactory(name="Helix Oncology Ltd")


@pytest.fixture
def triage_request(adult_profile, sponsor):
    return FeasibilityRequestFactory(sponsor=sponsor, status="triage", title="Secret XB-204 study", synopsis="Hush")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded documents go to a temporary folder, not the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
