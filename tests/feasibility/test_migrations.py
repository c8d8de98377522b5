"""The second round's data migrations carry real records forward: tested on rows made before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

D = datetime.date

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("feasibility", "0001_initial"),
    ("capabilities", "0004_profile_reminder"),
    ("engagements", "0004_contact_reviewed_on"),
]
AFTER = [
    ("feasibility", "0004_remove_site_regulatory_dates"),
    ("capabilities", "0005_capability_haematological"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    apps = _migrate(BEFORE)
    yield apps
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _request(apps, reference, status="placed", closed_on=None):
    Organisation = apps.get_model("engagements", "Organisation")
    FeasibilityRequest = apps.get_model("feasibility", "FeasibilityRequest")
    sponsor, _ = Organisation.objects.get_or_create(name="Helixar", defaults={"kind": "biotech"})
    return FeasibilityRequest.objects.create(
        reference=reference, title=reference, sponsor=sponsor, status=status, closed_on=closed_on, populations=["adult"]
    )


def test_it_carries_regulatory_dates_outcome_dates_and_haematology_forward(old_apps):
    """One migration round trip (each is slow): rows made before the second round, checked after it."""
    Centre = old_apps.get_model("capabilities", "Centre")
    SiteSetUp = old_apps.get_model("feasibility", "SiteSetUp")
    Capability = old_apps.get_model("capabilities", "Capability")
    CapabilityArea = old_apps.get_model("capabilities", "CapabilityArea")
    area, _ = CapabilityArea.objects.get_or_create(name="Tumour types")
    for code, name in [
        ("tumour.lymphoma", "Lymphoma"),
        ("tumour.lung", "Lung"),
        ("tumour.mds", "Myelodysplastic syndromes"),
    ]:
        Capability.objects.update_or_create(code=code, defaults={"name": name, "area": area, "is_tumour_type": True})
    leeds = Centre.objects.create(name="Leeds", code="leeds")
    leicester = Centre.objects.create(name="Leicester", code="leicester")
    oxford = Centre.objects.create(name="Oxford", code="oxford")
    # A request whose sites held different regulatory dates: it keeps the earliest of each.
    spread = _request(old_apps, "FR-2025-0001", closed_on=D(2025, 1, 5))
    SiteSetUp.objects.create(
        request=spread, centre=leeds, regulatory_submitted_on=D(2025, 2, 10), regulatory_approved_on=D(2025, 4, 1)
    )
    SiteSetUp.objects.create(
        request=spread,
        centre=leicester,
        regulatory_submitted_on=D(2025, 2, 1),
        regulatory_approved_on=D(2025, 4, 20),
        advanced_therapy=True,
    )
    SiteSetUp.objects.create(request=spread, centre=oxford)  # no dates: does not blank the others
    # A placed request that never got an outcome date: its site selection stands in.
    undated = _request(old_apps, "FR-2025-0002")
    SiteSetUp.objects.create(request=undated, centre=leeds, selected_on=D(2025, 6, 2))
    withdrawn = _request(old_apps, "FR-2025-0003", status="withdrawn", closed_on=D(2025, 5, 5))
    circulating = _request(old_apps, "FR-2025-0004", status="circulating")

    apps = _migrate(AFTER)
    FeasibilityRequest = apps.get_model("feasibility", "FeasibilityRequest")
    spread = FeasibilityRequest.objects.get(pk=spread.pk)
    assert (spread.regulatory_submitted_on, spread.regulatory_approved_on) == (D(2025, 2, 1), D(2025, 4, 1))
    assert spread.advanced_therapy is True
    assert spread.funding == "commercial"
    undated = FeasibilityRequest.objects.get(pk=undated.pk)
    assert (undated.regulatory_submitted_on, undated.advanced_therapy) == (None, False)
    assert undated.closed_on == D(2025, 6, 2)
    assert FeasibilityRequest.objects.get(pk=withdrawn.pk).closed_on == D(2025, 5, 5)
    circulating = FeasibilityRequest.objects.get(pk=circulating.pk)
    assert (circulating.regulatory_submitted_on, circulating.closed_on) == (None, None)
    assert apps.get_model("feasibility", "SiteSetUp").objects.filter(request=spread).count() == 3
    marked = set(
        apps.get_model("capabilities", "Capability").objects.filter(haematological=True).values_list("code", flat=True)
    )
    assert {"tumour.lymphoma", "tumour.mds"} <= marked
    assert "tumour.lung" not in marked
