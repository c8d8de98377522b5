"""The API against its own OpenAPI schema (schemathesis, in process through WSGI, no live server).

Every operation, as the Programme Office, as centre staff and as a sponsor account, with a few generated requests each: no answer
is a 5xx, every status is documented, and every body matches the schema. Bounded so CI runs it in well
under three minutes.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from crm import services
from crm.wsgi import application
from tests.factories import (
    CentreCapabilityFactory,
    EngagementFactory,
    FollowUpFactory,
    InvitationFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI app directly; like Django's test client, keep the request signals from closing
    the database connection, which on PostgreSQL holds the test's transaction."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(alice, bob, sam, leeds):
    """Bearer tokens for the Programme Office (alice), centre staff at Leeds (bob) and a sponsor account (sam),
    with records to find."""
    FollowUpFactory(engagement=EngagementFactory())
    InvitationFactory(centre=leeds)
    CentreCapabilityFactory(centre=leeds)
    return [services.token_create(actor=user, name="schemathesis")[1] for user in (alice, bob, sam)]


@schema.parametrize()
@settings(
    # Generated cases only (not the long list of boundary examples), two per operation: CI stays well under
    # three minutes; derandomized, so a failure reproduces.
    max_examples=2,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_it_answers_every_operation_as_its_schema_says(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
