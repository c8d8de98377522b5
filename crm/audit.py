"""The audit log: every record's history and every account event, newest first, in one list.

The rows come from one query: a UNION ALL, in the database, of the history table of every model that
keeps history and the security-event table, each reduced to the same six columns (type, row id,
record id, when, who, action) and filtered there; the database orders and pages it. Only the page shown
is then read in full: one query per record type on the page for its versions (each with the id of the
version before it, found by a subquery), one for those previous versions, and the names the changes
mention (crm/history.py). A page costs the same whether the history holds a thousand rows or a million.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import CharField, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from crm.history import ACTIONS, Change, describe, history_model_of, who
from crm.models import SecurityEvent
from crm.permissions import has_history_page

SECURITY = "security"
ACTION_CHOICES = [("+", "Created"), ("~", "Changed"), ("-", "Deleted"), ("s", "Account event")]
COLUMNS = ("log_kind", "log_row_id", "log_object_id", "log_when", "log_who_id", "log_action")


def history_models() -> dict[str, type]:
    """{'engagements.organisation': Organisation, ...} for every model that keeps history."""
    found = {
        model._meta.label_lower: model
        for model in apps.get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    }
    return dict(sorted(found.items(), key=lambda item: str(item[1]._meta.verbose_name_plural).casefold()))


def record_type_choices() -> list[tuple[str, str]]:
    types = [(label, str(model._meta.verbose_name_plural).capitalize()) for label, model in history_models().items()]
    return [*types, (SECURITY, "Account events (sign-ins, passwords, two-factor, tokens)")]


@dataclass(frozen=True)
class Filters:
    user_id: int | None = None
    record_type: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    action: str = ""


def _bounds(filters: Filters) -> dict:
    """Whole days, start and end included, on the UTC calendar the log is shown in."""
    found = {}
    if filters.start:
        found["gte"] = datetime.datetime.combine(filters.start, datetime.time.min, tzinfo=datetime.UTC)
    if filters.end:
        found["lt"] = datetime.datetime.combine(
            filters.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
        )
    return found


def _history_rows(label: str, model, filters: Filters) -> QuerySet:
    queryset = history_model_of(model).objects.all()
    for op, value in _bounds(filters).items():
        queryset = queryset.filter(**{f"history_date__{op}": value})
    if filters.user_id:
        queryset = queryset.filter(history_user_id=filters.user_id)
    if filters.action:
        queryset = queryset.filter(history_type=filters.action)
    return (
        queryset.order_by()
        .annotate(
            log_kind=Value(label, output_field=CharField()),
            log_row_id=F("history_id"),
            log_object_id=F("id"),
            log_when=F("history_date"),
            log_who_id=F("history_user_id"),
            log_action=F("history_type"),
        )
        .values(*COLUMNS)
    )


def _security_rows(filters: Filters) -> QuerySet:
    queryset = SecurityEvent.objects.all()
    for op, value in _bounds(filters).items():
        queryset = queryset.filter(**{f"at__{op}": value})
    if filters.user_id:
        queryset = queryset.filter(user_id=filters.user_id) | queryset.filter(actor_id=filters.user_id)
    return (
        queryset.order_by()
        .annotate(
            log_kind=Value(SECURITY, output_field=CharField()),
            log_row_id=F("id"),
            log_object_id=F("user_id"),
            log_when=F("at"),
            log_who_id=Coalesce(F("actor_id"), F("user_id"), output_field=IntegerField()),
            log_action=Value("s", output_field=CharField()),
        )
        .values(*COLUMNS)
    )


def audit_rows(filters: Filters) -> QuerySet:
    """The matching rows of the log as a database query, newest first (the caller slices a page)."""
    parts = []
    if filters.action in ("", "s") and filters.record_type in ("", SECURITY):
        parts.append(_security_rows(filters))
    if filters.action != "s":
        for label, model in history_models().items():
            if filters.record_type in ("", label):
                parts.append(_history_rows(label, model, filters))
    if not parts:
        return SecurityEvent.objects.none().values(*COLUMNS)
    first, *rest = parts
    return (
        first.union(*rest, all=True).order_by("-log_when", "-log_row_id")
        if rest
        else first.order_by("-log_when", "-log_row_id")
    )


@dataclass
class AuditEntry:
    when: datetime.datetime
    who: str
    action: str
    record_type: str
    record: str
    link: str = ""
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def _history_link(label: str, pk) -> str:
    return reverse("crm:history", args=[label, pk])


def _with_previous(history_model) -> QuerySet:
    previous = history_model.objects.filter(
        id=OuterRef("id"), history_date__lte=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    ).order_by("-history_date", "-history_id")
    return history_model.objects.select_related("history_user").annotate(
        previous_id=Subquery(previous.values("history_id")[:1])
    )


def _history_entries(label: str, model, row_ids: list[int], existing: set) -> dict[int, AuditEntry]:
    history_model = history_model_of(model)
    versions = list(_with_previous(history_model).filter(history_id__in=row_ids))
    previous = history_model.objects.in_bulk([v.previous_id for v in versions if v.previous_id])
    pairs = [(v, previous.get(v.previous_id)) for v in versions]
    changes = describe(model, pairs)
    type_name = str(model._meta.verbose_name).capitalize()
    entries = {}
    for (version, _), found in zip(pairs, changes, strict=True):
        entries[version.history_id] = AuditEntry(
            when=version.history_date,
            who=who(version),
            action=ACTIONS.get(version.history_type, version.history_type),
            record_type=type_name,
            record=str(version.instance),
            link=_history_link(label, version.id) if version.id in existing and has_history_page(label) else "",
            changes=found,
            reason=version.history_change_reason or "",
        )
    return entries


def _security_entries(row_ids: list[int]) -> dict[int, AuditEntry]:
    entries = {}
    for event in SecurityEvent.objects.select_related("user", "actor").filter(pk__in=row_ids):
        account = str(event.user) if event.user_id else event.username or "unknown account"
        detail = " · ".join(part for part in (event.detail, f"from {event.ip}" if event.ip else "") if part)
        entries[event.pk] = AuditEntry(
            when=event.at,
            who=str(event.actor or event.user or event.username or "Unknown"),
            action=event.get_kind_display(),
            record_type="Account",
            record=account,
            reason=detail,
        )
    return entries


def audit_entries(rows) -> list[AuditEntry]:
    """The page's rows in words, in the page's order. Queries: a few per record type on the page."""
    rows = list(rows)
    by_kind: dict[str, list] = {}
    for row in rows:
        by_kind.setdefault(row["log_kind"], []).append(row)
    models = history_models()
    found: dict[tuple[str, int], AuditEntry] = {}
    for kind, kind_rows in by_kind.items():
        ids = [row["log_row_id"] for row in kind_rows]
        if kind == SECURITY:
            entries = _security_entries(ids)
        else:
            model = models[kind]
            existing = set(
                model._base_manager.filter(pk__in={row["log_object_id"] for row in kind_rows}).values_list(
                    "pk", flat=True
                )
            )
            entries = _history_entries(kind, model, ids, existing)
        found.update({(kind, row_id): entry for row_id, entry in entries.items()})
    return [
        found[(row["log_kind"], row["log_row_id"])] for row in rows if (row["log_kind"], row["log_row_id"]) in found
    ]


CSV_HEADERS = ["When (UTC)", "Who", "Action", "Record type", "Record", "Changes", "Note"]
CSV_CHUNK = 500


def csv_rows(filters: Filters) -> Iterator[list]:
    """Every matching row for the CSV download, read a chunk at a time (never the whole log in memory)."""
    queryset = audit_rows(filters)
    offset = 0
    while True:
        chunk = list(queryset[offset : offset + CSV_CHUNK])
        if not chunk:
            return
        for entry in audit_entries(chunk):
            yield [
                entry.when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                entry.who,
                entry.action,
                entry.record_type,
                entry.record,
                "; ".join(f"{c.field}: {c.text}" for c in entry.changes),
                entry.reason,
            ]
        offset += CSV_CHUNK
