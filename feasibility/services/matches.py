"""Matching every centre against a request: the profiles matching.py reads, and the matches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import Count, F, Q
from django.utils import timezone

from capabilities.models import POPULATION_CODES, Capability, Centre, CentreCapability, ModalityRule
from feasibility import matching
from feasibility.models import (
    FeasibilityRequest,
    Invitation,
    Necessity,
)


def centre_profiles(centres: Iterable[Centre] | None = None, today: datetime.date | None = None):
    """Every centre as matching's plain profile, in a constant number of queries."""
    today = today or timezone.localdate()
    centre_list = list(centres) if centres is not None else list(Centre.objects.all())
    ids = [c.pk for c in centre_list]
    levels: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    for centre_id, code, level in CentreCapability.objects.filter(centre_id__in=ids).values_list(
        "centre_id", "capability__code", "level"
    ):
        levels[centre_id][code] = level
    # Past invitations that are due (or answered): answered on time when first answered by the deadline.
    history = {
        row["centre_id"]: row
        for row in Invitation.objects.filter(centre_id__in=ids)
        .filter(Q(deadline__lt=today) | Q(response__isnull=False))
        .values("centre_id")
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=Q(response__first_responded_at__date__lte=F("deadline"))),
        )
    }
    return [
        matching.CentreProfile(
            id=c.pk,
            name=c.name,
            active=c.active,
            levels=levels[c.pk],
            past_invitations=history.get(c.pk, {}).get("total", 0),
            answered_on_time=history.get(c.pk, {}).get("on_time", 0),
        )
        for c in centre_list
    ]


def request_spec(request: FeasibilityRequest) -> matching.RequestSpec:
    required, preferred, names = [], [], {}
    for code, name, necessity in request.requirements.values_list("capability__code", "capability__name", "necessity"):
        (required if necessity == Necessity.REQUIRED else preferred).append(code)
        names[code] = name
    tumours = []
    for code, name in request.tumour_types.values_list("code", "name"):
        tumours.append(code)
        names[code] = name
    rules: dict[str, list[str]] = {}
    for code, name in ModalityRule.objects.filter(modality=request.modality).values_list(
        "capability__code", "capability__name"
    ):
        rules.setdefault(request.modality, []).append(code)
        names[code] = name
    names.update({"adult": "adult", "paediatric": "paediatric"})
    return matching.RequestSpec(
        populations=list(request.populations or []),
        modality=request.modality,
        required=required,
        preferred=preferred,
        tumour_types=tumours,
        modality_rules=rules,
        names=names,
    )


def spec_from_codes(
    *,
    populations: Sequence[str],
    modality: str,
    required: Iterable[str] = (),
    preferred: Iterable[str] = (),
    tumour_types: Iterable[str] = (),
) -> matching.RequestSpec:
    """A spec for requirements not saved yet (the live preview while editing a request)."""
    required, preferred, tumour_types = list(required), list(preferred), list(tumour_types)
    names = dict(Capability.objects.filter(code__in=[*required, *preferred, *tumour_types]).values_list("code", "name"))
    rules: dict[str, list[str]] = {}
    for code, name in ModalityRule.objects.filter(modality=modality).values_list(
        "capability__code", "capability__name"
    ):
        rules.setdefault(modality, []).append(code)
        names[code] = name
    return matching.RequestSpec(
        populations=[p for p in populations if p in POPULATION_CODES],
        modality=modality,
        required=[c for c in required if c in names],
        preferred=[c for c in preferred if c in names and c not in required],
        tumour_types=[c for c in tumour_types if c in names],
        modality_rules=rules,
        names=names,
    )


def matches_for_spec(spec: matching.RequestSpec) -> list[matching.Match]:
    return matching.match_centres(spec, centre_profiles())


def matches_for(request: FeasibilityRequest, centres: Iterable[Centre] | None = None) -> list[matching.Match]:
    """Every centre's match for this request, eligible first, then by score, then by name."""
    return matching.match_centres(request_spec(request), centre_profiles(centres))


# Routing ----------------------------------------------------------------------------------------------
