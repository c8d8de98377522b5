"""The named users of every test (STYLE.md): alice (Programme Office), bob (centre staff at Leeds),
carol (centre staff at Manchester), victor (viewer), sam (sponsor account at Acme Oncology)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from crm.models import Role
from tests.factories import PASSWORD, CentreFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: sign-in failures and form limits are counted per address (every
    test client comes from 127.0.0.1) and per account (ids are reused after a rollback), and charts are
    cached, so nothing of one test may leak into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def leeds(db):
    return CentreFactory(name="Leeds ECMC", code="leeds", city="Leeds")


@pytest.fixture
def manchester(db):
    return CentreFactory(name="Manchester ECMC", code="manchester", city="Manchester")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", first_name="Alice", role=Role.PROGRAMME_OFFICE)


@pytest.fixture
def bob(db, leeds):
    user = UserFactory(username="bob", first_name="Bob", role=Role.CENTRE)
    leeds.members.add(user)
    return user


@pytest.fixture
def carol(db, manchester):
    user = UserFactory(username="carol", first_name="Carol", role=Role.CENTRE)
    manchester.members.add(user)
    return user


@pytest.fixture
def victor(db):
    return UserFactory(username="victor", first_name="Victor", role=Role.VIEWER)


@pytest.fixture
def acme(db):
    """The company sam works for."""
    return OrganisationFactory(name="Acme Oncology", kind="biotech")


@pytest.fixture
def sam(db, acme):
    return UserFactory(username="sam", first_name="Sam", role=Role.SPONSOR, organisation=acme)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def api():
    """An API client; `api.force_authenticate(user)` or a token header to sign in."""
    return APIClient()


@pytest.fixture
def client_for(client):
    """`client_for(alice)`: the Django test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
