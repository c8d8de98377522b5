"""A readable change history of any record: who changed what, when (UTC), from what to what.

Used by the per-record history page and the audit log. Both describe many versions at once, so the
words are found in bounded queries: the many-to-many snapshots of all the versions in one query per
field, and the names of every linked record (foreign keys, many-to-many members) in one query per
model, whatever the number of versions shown. Many-to-many changes read as the names added and
removed ("+ Breast, − Lung"), never as ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models


@dataclass
class Change:
    field: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def is_set(self) -> bool:
        """A many-to-many change: members added and removed rather than a value replaced."""
        return bool(self.added or self.removed)

    @property
    def text(self) -> str:
        if self.is_set:
            return ", ".join([f"+ {name}" for name in self.added] + [f"− {name}" for name in self.removed])
        return f"{self.old} → {self.new}"


@dataclass
class Entry:
    when: object
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_EMPTY = "—"


def history_model_of(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name.replace("_", " ").capitalize()


class _Names:
    """Collects the linked records a set of changes mentions, then names them in one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.names: dict[type, dict] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def resolve(self) -> None:
        for model, pks in self.wanted.items():
            names = {pk: str(obj) for pk, obj in model._base_manager.in_bulk(pks).items()}
            gone = pks - set(names)
            if gone and hasattr(model._meta, "simple_history_manager_attribute"):
                # A deleted record is named as its history last knew it.
                last = history_model_of(model).objects.filter(id__in=gone).order_by("id", "-history_date")
                for version in last:
                    names.setdefault(version.id, f"{version.instance} (deleted)")
            self.names[model] = names

    def name(self, model, pk) -> str:
        if pk is None:
            return _EMPTY
        return self.names.get(model, {}).get(pk) or f"#{pk} (deleted)"


def _m2m_members(history_model, records) -> dict[tuple[str, int], set]:
    """{(field name, history_id): {target ids}} for every many-to-many field tracked, one query per field."""
    members: dict[tuple[str, int], set] = defaultdict(set)
    ids = [r.history_id for r in records]
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        through_history = getattr(history_model, m2m.name).model
        target = m2m.m2m_reverse_field_name() + "_id"
        for history_id, target_id in through_history.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            members[(m2m.name, history_id)].add(target_id)
    return members


def describe(model, pairs: list[tuple[object, object | None]]) -> list[list[Change]]:
    """For each (version, the version before it or None), the fields that changed, in words.

    All versions must be of `model`. Created and deleted versions list no changes."""
    if not pairs:
        return []
    history_model = history_model_of(model)
    m2m_fields = list(getattr(history_model, "_history_m2m_fields", []))
    tracked = [f for f in history_model.tracked_fields if f.name != model._meta.pk.name]
    versions = [r for pair in pairs for r in pair if r is not None]
    members = _m2m_members(history_model, versions) if m2m_fields else {}
    names = _Names()
    raw: list[list[tuple]] = []
    for record, previous in pairs:
        found = []
        if previous is not None and record.history_type == "~":
            for f in tracked:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old == new:
                    continue
                if isinstance(f, models.ForeignKey):
                    names.want(f.related_model, old)
                    names.want(f.related_model, new)
                found.append((f, old, new))
            for m2m in m2m_fields:
                before = members.get((m2m.name, previous.history_id), set())
                after = members.get((m2m.name, record.history_id), set())
                if before != after:
                    for pk in before ^ after:
                        names.want(m2m.related_model, pk)
                    found.append((m2m, before, after))
        raw.append(found)
    names.resolve()
    return [[_change(model, f, old, new, names) for f, old, new in found] for found in raw]


def _change(model, f, old, new, names: _Names) -> Change:
    label = _label(model, f.name)
    if f.many_to_many:
        added = sorted((names.name(f.related_model, pk) for pk in new - old), key=str.casefold)
        removed = sorted((names.name(f.related_model, pk) for pk in old - new), key=str.casefold)
        return Change(label, added=added, removed=removed)
    if isinstance(f, models.ForeignKey):
        return Change(label, names.name(f.related_model, old), names.name(f.related_model, new))
    return Change(label, _show(f, old), _show(f, new))


def _show(f, value) -> str:
    if value is None or value == "" or value == []:
        return _EMPTY
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(
            str(dict(f.base_field.flatchoices).get(v, v)) if hasattr(f, "base_field") else str(v) for v in value
        )
    return str(value)


def who(record) -> str:
    return str(record.history_user) if record.history_user_id else "System"


def history_of(obj, limit: int = 200) -> list[Entry]:
    """Newest first. Each entry lists the fields that changed from the version before it."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    pairs = [(record, records[i + 1] if i + 1 < len(records) else None) for i, record in enumerate(records[:limit])]
    changes = describe(type(obj), pairs)
    return [
        Entry(
            when=record.history_date,
            who=who(record),
            action=ACTIONS.get(record.history_type, record.history_type),
            changes=found,
            reason=record.history_change_reason or "",
        )
        for (record, _), found in zip(pairs, changes, strict=True)
    ]
