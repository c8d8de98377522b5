"""The sponsor-side migrations carry real records forward: summaries sent before release existed keep the day
they were made, and the office's own synonyms are never overwritten by the seed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_FEASIBILITY = [("feasibility", "0001_initial")]
AFTER_FEASIBILITY = [("feasibility", "0002_sponsor_summary_release")]


@pytest.fixture(autouse=True)
def taxonomy():
    """The seeded taxonomy the synonym test names. After other migration tests in a whole run the tables can be
    left flushed; seeding again is idempotent."""
    import importlib

    from django.apps import apps

    if not apps.get_model("capabilities", "Capability").objects.filter(code="tumour.lung").exists():
        importlib.import_module("capabilities.migrations.0003_taxonomy").seed_taxonomy(apps, None)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_it_dates_an_earlier_summary_from_the_day_it_was_sent():
    old = _migrate(BEFORE_FEASIBILITY)
    Organisation = old.get_model("engagements", "Organisation")
    FeasibilityRequest = old.get_model("feasibility", "FeasibilityRequest")
    SponsorSummary = old.get_model("feasibility", "SponsorSummary")
    sponsor = Organisation.objects.create(name="Old Pharma", kind="pharma", normalised_name="old pharma")
    request = FeasibilityRequest.objects.create(reference="FR-2024-0001", title="Old study", sponsor=sponsor)
    SponsorSummary.objects.create(request=request, sent_on=datetime.date(2024, 3, 5), sent_to="lead@old.example")
    try:
        new = _migrate(AFTER_FEASIBILITY)
        summary = new.get_model("feasibility", "SponsorSummary").objects.get()
        assert summary.created_at.date() == datetime.date(2024, 3, 5)
        assert summary.released_at is None  # sent by email then; released in EPOCH only when the office says so
    finally:
        _migrate(executor_leaf())


def test_it_seeds_synonyms_without_overwriting_the_offices_words():
    old = _migrate([("capabilities", "0005_capability_synonyms")])
    Capability = old.get_model("capabilities", "Capability")
    Capability.objects.filter(code="tumour.lung").update(synonyms=["our own word"])
    Capability.objects.filter(code="tumour.lymphoma").update(synonyms=[])
    try:
        new = _migrate([("capabilities", "0006_seed_synonyms")])
        seeded = new.get_model("capabilities", "Capability").objects
        assert seeded.get(code="tumour.lung").synonyms == ["our own word"]
        assert "DLBCL" in seeded.get(code="tumour.lymphoma").synonyms
    finally:
        _migrate(executor_leaf())


def executor_leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
