"""A readable change history of any record: who changed what, when (UTC), from what to what."""

from dataclasses import dataclass, field

from django.db import models


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _show(model, field_name: str, value) -> str:
    if value is None or value == "":
        return "—"
    try:
        f = model._meta.get_field(field_name)
    except Exception:
        return str(value)
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v.get(next(iter(v))) if isinstance(v, dict) else v) for v in value) or "—"
    if isinstance(f, models.ForeignKey):
        try:
            return str(f.related_model.objects.get(pk=value))
        except f.related_model.DoesNotExist:
            return f"#{value} (deleted)"
    return str(value)


def history_of(obj, limit: int = 200) -> list[Entry]:
    """Newest first. Each entry lists the fields that changed from the version before it."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(obj)
    entries = []
    for i, record in enumerate(records[:limit]):
        entry = Entry(
            when=record.history_date,
            who=str(record.history_user) if record.history_user else "System",
            action=_ACTIONS.get(record.history_type, record.history_type),
        )
        previous = records[i + 1] if i + 1 < len(records) else None
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                label = (
                    model._meta.get_field(change.field).verbose_name if hasattr(model, change.field) else change.field
                )
                entry.changes.append(
                    Change(
                        str(label).capitalize(),
                        _show(model, change.field, change.old),
                        _show(model, change.field, change.new),
                    )
                )
        entries.append(entry)
    return entries
