"""The regulatory milestones now live on the request (0003 carried them there); drop the per-site copies."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feasibility", "0003_move_regulatory_dates_to_request")]

    operations = [
        migrations.RemoveField(
            model_name="historicalsitesetup",
            name="advanced_therapy",
        ),
        migrations.RemoveField(
            model_name="historicalsitesetup",
            name="regulatory_approved_on",
        ),
        migrations.RemoveField(
            model_name="historicalsitesetup",
            name="regulatory_submitted_on",
        ),
        migrations.RemoveField(
            model_name="sitesetup",
            name="advanced_therapy",
        ),
        migrations.RemoveField(
            model_name="sitesetup",
            name="regulatory_approved_on",
        ),
        migrations.RemoveField(
            model_name="sitesetup",
            name="regulatory_submitted_on",
        ),
    ]
