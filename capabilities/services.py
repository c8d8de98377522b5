"""Changing the directory: centres, the taxonomy, modality rules and each centre's capability levels.

Views, the API, admin and commands call these and nothing else writes these rows. Each function
checks permission first, validates everything before it writes (so bad input changes nothing) and
records who did it in the row's history.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from capabilities.models import (
    HELD_LEVELS,
    POPULATION_CODES,
    Capability,
    CapabilityArea,
    Centre,
    CentreCapability,
    Level,
    Modality,
    ModalityRule,
)
from crm import permissions as access

TAXONOMY_REFUSAL = "Only the Programme Office edits the taxonomy."
CENTRE_FIELDS = ("name", "code", "institution", "nation", "city", "email", "active")
AREA_FIELDS = ("name", "description", "order")
CAPABILITY_FIELDS = (
    "code",
    "name",
    "area",
    "description",
    "synonyms",
    "has_quantity",
    "quantity_unit",
    "expires",
    "is_tumour_type",
    "order",
)


def _save(obj, actor, reason: str = "") -> None:
    """Validate and save one row, naming the actor in its history even outside a web request."""
    obj.full_clean()
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save()


def _apply(obj, changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(obj, field, value)


def _office_edit(obj, *, actor, changes: dict[str, Any], allowed: tuple[str, ...], refusal: str):
    """The shape of every Programme Office edit of the directory: check, set the allowed fields, validate, save."""
    access.require(access.can_edit_taxonomy(actor), refusal)
    _apply(obj, changes, allowed)
    _save(obj, actor)
    return obj


# Centres ----------------------------------------------------------------------------------------------


@transaction.atomic
def centre_create(*, actor, **fields) -> Centre:
    """Add a centre to the network (Programme Office)."""
    return _office_edit(
        Centre(), actor=actor, changes=fields, allowed=CENTRE_FIELDS, refusal="Only the Programme Office adds centres."
    )


@transaction.atomic
def centre_update(*, actor, centre: Centre, **changes) -> Centre:
    """Change a centre's name, contact details or whether it is active (Programme Office)."""
    return _office_edit(
        centre,
        actor=actor,
        changes=changes,
        allowed=CENTRE_FIELDS,
        refusal="Only the Programme Office changes centres.",
    )


# Centre capability levels -----------------------------------------------------------------------------


def _validate_level(
    *,
    capability: Capability,
    level: str,
    quantity: int | None,
    expires_on: datetime.date | None,
    today: datetime.date,
) -> None:
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = "Choose available, limited or planned."
    if quantity is not None:
        if not capability.has_quantity:
            errors["quantity"] = f"“{capability.name}” takes no number; leave the quantity empty."
        elif quantity < 0:
            errors["quantity"] = "The quantity cannot be negative."
    elif capability.has_quantity and level in HELD_LEVELS:
        unit = capability.quantity_unit or "the number"
        errors["quantity"] = f"Give {unit} for “{capability.name}” (a whole number)."
    if expires_on is not None:
        if not capability.expires:
            errors["expires_on"] = f"“{capability.name}” does not expire; leave the expiry date empty."
        elif expires_on < today and level in HELD_LEVELS:
            errors["expires_on"] = (
                "This date has passed: give the renewed expiry date, or set the level to planned until it is renewed."
            )
    elif capability.expires and level in HELD_LEVELS:
        errors["expires_on"] = f"Give the expiry date of the {capability.name}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def centre_capability_set(
    *,
    actor,
    centre: Centre,
    capability: Capability,
    level: str,
    quantity: int | None = None,
    notes: str = "",
    evidence: str = "",
    expires_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> CentreCapability:
    """Record (or change) a centre's level of one capability; doing so confirms it as current today."""
    access.require(
        access.can_edit_centre_capabilities(actor, centre),
        "Only the centre's own staff or the Programme Office can change its capabilities.",
    )
    today = today or timezone.localdate()
    _validate_level(capability=capability, level=level, quantity=quantity, expires_on=expires_on, today=today)
    row = CentreCapability.objects.filter(centre=centre, capability=capability).first()
    row = row or CentreCapability(centre=centre, capability=capability)
    row.level = level
    row.quantity = quantity
    row.notes = notes or ""
    row.evidence = evidence or ""
    row.expires_on = expires_on
    row.confirmed_on = today
    row.confirmed_by = actor
    _save(row, actor)
    return row


@transaction.atomic
def centre_capability_remove(*, actor, centre_capability: CentreCapability) -> None:
    """The centre no longer has (or plans) this capability; the history keeps what it was."""
    access.require(
        access.can_edit_centre_capabilities(actor, centre_capability.centre_id),
        "Only the centre's own staff or the Programme Office can change its capabilities.",
    )
    centre_capability._history_user = actor
    centre_capability.delete()


@transaction.atomic
def centre_confirm_all(*, actor, centre: Centre, today: datetime.date | None = None) -> int:
    """Confirm every level the centre holds as current today, in one action; returns how many."""
    access.require(
        access.can_edit_centre_capabilities(actor, centre),
        "Only the centre's own staff or the Programme Office can confirm its capabilities.",
    )
    today = today or timezone.localdate()
    rows = list(CentreCapability.objects.filter(centre=centre))
    for row in rows:
        row.confirmed_on = today
        row.confirmed_by = actor
    bulk_update_with_history(
        rows,
        CentreCapability,
        ["confirmed_on", "confirmed_by"],
        default_user=actor,
        default_change_reason="Confirmed as current",
    )
    return len(rows)


# Taxonomy ---------------------------------------------------------------------------------------------


@transaction.atomic
def capability_area_create(*, actor, **fields) -> CapabilityArea:
    return _office_edit(CapabilityArea(), actor=actor, changes=fields, allowed=AREA_FIELDS, refusal=TAXONOMY_REFUSAL)


@transaction.atomic
def capability_area_update(*, actor, area: CapabilityArea, **changes) -> CapabilityArea:
    return _office_edit(area, actor=actor, changes=changes, allowed=AREA_FIELDS, refusal=TAXONOMY_REFUSAL)


def _synonyms(changes: dict) -> dict:
    """Synonyms as a list of distinct words (an empty form field or admin box gives none)."""
    if "synonyms" in changes:
        words = changes["synonyms"] or []
        if isinstance(words, str):
            words = words.splitlines()
        if not isinstance(words, list | tuple) or not all(isinstance(w, str) for w in words):
            raise ValidationError({"synonyms": "Give the synonyms as words, one per line."})
        changes = changes | {"synonyms": list(dict.fromkeys(w.strip() for w in words if w.strip()))}
    return changes


@transaction.atomic
def capability_create(*, actor, **fields) -> Capability:
    """Add a capability to the taxonomy; its code is fixed from now on."""
    fields = _synonyms(fields)
    return _office_edit(Capability(), actor=actor, changes=fields, allowed=CAPABILITY_FIELDS, refusal=TAXONOMY_REFUSAL)


@transaction.atomic
def capability_update(*, actor, capability: Capability, **changes) -> Capability:
    """Rename, describe or move a capability. Its code never changes: requests and matching name it."""
    access.require(access.can_edit_taxonomy(actor), TAXONOMY_REFUSAL)
    if "code" in changes and changes["code"] != capability.code:
        raise ValidationError(
            {"code": "A capability's code is fixed once created (requests and matching name it); add a new one."}
        )
    changes = _synonyms(changes)
    return _office_edit(capability, actor=actor, changes=changes, allowed=CAPABILITY_FIELDS, refusal=TAXONOMY_REFUSAL)


@transaction.atomic
def modality_rule_add(*, actor, modality: str, capability: Capability, note: str = "") -> ModalityRule:
    """Every request of this modality will require this capability."""
    access.require(access.can_edit_taxonomy(actor), "Only the Programme Office edits modality rules.")
    errors = {}
    if modality not in Modality.values:
        errors["modality"] = "Choose a modality from the list."
    if capability.code in POPULATION_CODES:
        errors["capability"] = "A population is chosen on the request, not by a modality rule."
    if not errors and ModalityRule.objects.filter(modality=modality, capability=capability).exists():
        errors["capability"] = f"{Modality(modality).label} already requires {capability.code}."
    if errors:
        raise ValidationError(errors)
    rule = ModalityRule(modality=modality, capability=capability, note=note)
    _save(rule, actor)
    return rule


@transaction.atomic
def modality_rule_remove(*, actor, rule: ModalityRule) -> None:
    access.require(access.can_edit_taxonomy(actor), "Only the Programme Office edits modality rules.")
    rule._history_user = actor
    rule.delete()
