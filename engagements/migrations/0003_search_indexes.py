"""GIN indexes for full-text search (crm/search.py) on PostgreSQL; nothing to do on SQLite.

Each index expression is exactly what django.contrib.postgres.search.SearchVector(*columns, config="english")
writes, so the planner uses it for `vector @@ query`.
"""

from django.db import migrations

INDEXES = {
    "engagements_organisation_search": ("engagements_organisation", ["name", "country"]),
    "engagements_contact_search": ("engagements_contact", ["first_name", "last_name", "email", "job_title"]),
    "engagements_event_search": ("engagements_event", ["name", "place"]),
    "engagements_engagement_search": ("engagements_engagement", ["subject", "summary", "topics"]),
}


def _expression(columns):
    return " || ' ' || ".join(f"COALESCE(\"{c}\", '')" for c in columns)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, columns) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin(to_tsvector('english'::regconfig, {_expression(columns)}))"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("engagements", "0002_follow_up_digest")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
