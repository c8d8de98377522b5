"""Carry each study's regulatory milestones from its site set-ups to the request.

A study has one combined MHRA/ethics review, so the request keeps the EARLIEST submission and approval
dates any of its sites held, and is an advanced therapy if any site said so. A closed request with no
outcome date gets the day its history first shows it closed (or, failing that, its earliest site selection).
"""

from django.db import migrations
from django.db.models import Min

CLOSED_STATUSES = ("placed", "not_placed", "withdrawn")


def move_dates(apps, schema_editor):
    FeasibilityRequest = apps.get_model("feasibility", "FeasibilityRequest")
    SiteSetUp = apps.get_model("feasibility", "SiteSetUp")
    earliest = (
        SiteSetUp.objects.values("request_id")
        .annotate(submitted=Min("regulatory_submitted_on"), approved=Min("regulatory_approved_on"))
        .order_by()
    )
    advanced = set(SiteSetUp.objects.filter(advanced_therapy=True).values_list("request_id", flat=True))
    for row in earliest:
        request = FeasibilityRequest.objects.get(pk=row["request_id"])
        request.regulatory_submitted_on = row["submitted"]
        request.regulatory_approved_on = row["approved"]
        request.advanced_therapy = row["request_id"] in advanced
        request.save(update_fields=["regulatory_submitted_on", "regulatory_approved_on", "advanced_therapy"])


def fill_closed_on(apps, schema_editor):
    FeasibilityRequest = apps.get_model("feasibility", "FeasibilityRequest")
    HistoricalFeasibilityRequest = apps.get_model("feasibility", "HistoricalFeasibilityRequest")
    SiteSetUp = apps.get_model("feasibility", "SiteSetUp")
    for request in FeasibilityRequest.objects.filter(status__in=CLOSED_STATUSES, closed_on__isnull=True):
        first_closed = (
            HistoricalFeasibilityRequest.objects.filter(id=request.pk, status=request.status)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        selected = SiteSetUp.objects.filter(request_id=request.pk).aggregate(first=Min("selected_on"))["first"]
        request.closed_on = first_closed.date() if first_closed else selected
        if request.closed_on:
            request.save(update_fields=["closed_on"])


def move_dates_back(apps, schema_editor):
    FeasibilityRequest = apps.get_model("feasibility", "FeasibilityRequest")
    SiteSetUp = apps.get_model("feasibility", "SiteSetUp")
    for request in FeasibilityRequest.objects.filter(setups__isnull=False).distinct():
        SiteSetUp.objects.filter(request_id=request.pk).update(
            regulatory_submitted_on=request.regulatory_submitted_on,
            regulatory_approved_on=request.regulatory_approved_on,
            advanced_therapy=request.advanced_therapy,
        )


class Migration(migrations.Migration):
    dependencies = [("feasibility", "0002_study_level_regulatory_and_setup_milestones")]

    operations = [
        migrations.RunPython(move_dates, move_dates_back),
        migrations.RunPython(fill_closed_on, migrations.RunPython.noop),
    ]
