"""Deleting a record must not change other records behind the history's back.

When an organisation, event, contact, user or any other record is deleted, the database empties the
links that pointed at it (`on_delete=SET_NULL`: a contact's organisation, an engagement's event, a
follow-up's owner) and drops it from many-to-many sets (an engagement's contacts, a request's tumour
types). Neither passes through `save()`, so simple-history would record nothing and the records would
change silently. Here, for every model that keeps history, the records about to change are noted before
the delete and given a history row after it: the new state, attributed to whoever deleted, with the
reason ("Organisation “Helix Bio” deleted"). The rows are written with the history library's bulk helper
(one query per model), and many-to-many snapshots in one query per field.

A programme office keeps its contacts and engagements when an organisation or event goes (they are the
record of what happened), so the links are emptied and recorded rather than the delete refused; the
services still refuse deletes that would lose meaning (an organisation with engagements or trial
opportunities must be merged or marked dormant).

Signals are the one place every delete path meets (services, the admin, cascades, commands).
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_delete, pre_delete
from simple_history.models import HistoricalRecords

from crm.history import history_model_of

REASON_LENGTH = 100  # simple-history's history_change_reason column


def _keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _tracked_m2m_names(model) -> set[str]:
    return {f.name for f in getattr(history_model_of(model), "_history_m2m_fields", [])}


def _affected(instance) -> list[tuple[type, list]]:
    """[(model, [pks])] of the history-keeping records the deletion of `instance` will change."""
    affected = []
    for rel in instance._meta.related_objects:
        model = rel.related_model
        if not _keeps_history(model):
            continue
        if rel.many_to_many:
            if rel.field.name not in _tracked_m2m_names(model):
                continue
        elif rel.on_delete is not models.SET_NULL:
            continue
        pks = list(model._base_manager.filter(**{rel.field.name: instance.pk}).values_list("pk", flat=True))
        if pks:
            affected.append((model, pks))
    return affected


def _actor(instance):
    user = getattr(instance, "_history_user", None)
    if user is not None:
        return user
    try:
        request_user = HistoricalRecords.context.request.user
    except AttributeError:
        return None
    return request_user if request_user.is_authenticated else None


def _before_delete(sender, instance, **kwargs):
    if instance.pk is not None:
        instance._affected_by_delete = _affected(instance)


def _after_delete(sender, instance, **kwargs):
    affected = getattr(instance, "_affected_by_delete", None)
    if not affected:
        return
    actor = _actor(instance)
    reason = f"{instance._meta.verbose_name.capitalize()} “{instance}” deleted"
    if len(reason) > REASON_LENGTH:
        reason = reason[: REASON_LENGTH - 1] + "…"
    merged: dict[type, set] = {}
    for model, pks in affected:
        merged.setdefault(model, set()).update(pks)
    for model, pks in merged.items():
        record_changed(model, pks, actor=actor, reason=reason)


def record_changed(model, pks, *, actor, reason: str) -> list:
    """Write a "changed" history row for each record of `model` still there, as it now stands."""
    objects = list(model._base_manager.filter(pk__in=pks))  # those deleted in the same cascade are gone
    if not objects:
        return []
    rows = model.history.bulk_history_create(objects, update=True, default_user=actor, default_change_reason=reason)
    history_model = history_model_of(model)
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        through = m2m.remote_field.through
        owner, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        row_for = {row.id: row for row in rows}
        snapshot = getattr(history_model, m2m.name).model
        snapshot.objects.bulk_create(
            snapshot(history=row_for[owner_id], id=pk, **{f"{owner}_id": owner_id, f"{target}_id": target_id})
            for pk, owner_id, target_id in through.objects.filter(**{f"{owner}__in": row_for}).values_list(
                "pk", f"{owner}_id", f"{target}_id"
            )
        )
    return rows


def connect() -> None:
    """Called once from CoreConfig.ready(): every model that keeps history."""
    from django.apps import apps

    for model in apps.get_models():
        if _keeps_history(model):
            pre_delete.connect(
                _before_delete, sender=model, weak=False, dispatch_uid=f"crm-deletions-pre-{model._meta.label}"
            )
            post_delete.connect(
                _after_delete, sender=model, weak=False, dispatch_uid=f"crm-deletions-post-{model._meta.label}"
            )
