"""Matching every centre against a request: the profiles matching.py reads, and the matches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from capabilities.models import POPULATION_CODES, Capability, Centre, CentreCapability, ModalityRule
from crm import freshness
from feasibility import matching
from feasibility.models import (
    CentreResponse,
    FeasibilityRequest,
    Invitation,
    Necessity,
)

# What the profiles read: while none of these records change, every request is matched against the same profiles.
PROFILE_MODELS = (Centre, CentreCapability, Capability, Invitation, CentreResponse)


def centre_profiles(centres: Iterable[Centre] | None = None, today: datetime.date | None = None):
    """Every centre (unless some are given) as matching's plain profile, with its partners' ids. The whole
    network's profiles are kept under the version of their records (2 queries while nothing changed; 4 to build)."""
    if centres is None and today is None:
        today = timezone.localdate()
        return freshness.cached(
            f"matching:profiles:{today.isoformat()}", PROFILE_MODELS, lambda: _profiles(None, today)
        )
    return _profiles(centres, today or timezone.localdate())


def _profiles(centres: Iterable[Centre] | None, today: datetime.date) -> list[matching.CentreProfile]:
    centre_list = list(centres) if centres is not None else list(Centre.objects.all())
    ids = [c.pk for c in centre_list]
    levels: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    quantities: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    expires: dict[int, dict[str, datetime.date]] = {pk: {} for pk in ids}
    rows = CentreCapability.objects.filter(centre_id__in=ids).values_list(
        "centre_id", "capability__code", "level", "quantity", "expires_on"
    )
    for centre_id, code, level, quantity, expires_on in rows:
        levels[centre_id][code] = level
        if quantity is not None:
            quantities[centre_id][code] = quantity
        if expires_on is not None:
            expires[centre_id][code] = expires_on
    partners: dict[int, list[int]] = {pk: [] for pk in ids}
    for from_id, to_id in Centre.partners.through.objects.filter(from_centre_id__in=ids).values_list(
        "from_centre_id", "to_centre_id"
    ):
        partners[from_id].append(to_id)
    # Invitations of the last year that are due (or answered): on time when first answered by the deadline.
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=matching.RESPONSIVENESS_DAYS), datetime.time())
    )
    history = {
        row["centre_id"]: row
        for row in Invitation.objects.filter(centre_id__in=ids, routed_at__gte=since)
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
            quantities=quantities[c.pk],
            expires=expires[c.pk],
            partner_ids=partners[c.pk],
            past_invitations=history.get(c.pk, {}).get("total", 0),
            answered_on_time=history.get(c.pk, {}).get("on_time", 0),
        )
        for c in centre_list
    ]


def _with_partners(profiles: list[matching.CentreProfile]) -> list[matching.CentreProfile]:
    """The profiles plus those of partners not among them, so a partner's capability counts when routing a few."""
    known = {p.id for p in profiles}
    wanted = {pid for p in profiles for pid in p.partner_ids} - known
    return profiles + centre_profiles(Centre.objects.filter(pk__in=wanted)) if wanted else profiles


def spec_from_codes(
    *,
    populations: Sequence[str],
    modality: str,
    required: Iterable[str] = (),
    preferred: Iterable[str] = (),
    tumour_types: Iterable[str] = (),
    thresholds: Mapping[str, matching.Threshold] | None = None,
    planned_start: datetime.date | None = None,
) -> matching.RequestSpec:
    """A spec from capability codes: a saved request's, or requirements being edited (the live preview)."""
    required, preferred, tumour_types = list(required), list(preferred), list(tumour_types)
    codes = [*required, *preferred, *tumour_types]
    # One query for the names, units and the capabilities the modality's rules add.
    by_rule = Exists(ModalityRule.objects.filter(modality=modality, capability=OuterRef("pk")))
    names, units, rules = {}, {}, {modality: []}
    for code, name, unit, added in (
        Capability.objects.filter(Q(code__in=[*codes, *POPULATION_CODES]) | Q(by_rule))
        .annotate(added=by_rule)
        .order_by("code")
        .values_list("code", "name", "quantity_unit", "added")
    ):
        names[code], units[code] = name, unit
        if added:
            rules[modality].append(code)
    names.update({"adult": "adult", "paediatric": "paediatric"})
    return matching.RequestSpec(
        populations=[p for p in populations if p in POPULATION_CODES],
        modality=modality,
        required=[c for c in required if c in names],
        preferred=[c for c in preferred if c in names and c not in required],
        tumour_types=[c for c in tumour_types if c in names],
        modality_rules=rules,
        names=names,
        units=units,
        thresholds=dict(thresholds or {}),
        today=timezone.localdate(),
        planned_start=planned_start,
    )


def request_spec(request: FeasibilityRequest) -> matching.RequestSpec:
    required, preferred, thresholds = [], [], {}
    for code, necessity, at_most, at_least in request.requirements.values_list(
        "capability__code", "necessity", "at_most", "at_least"
    ):
        (required if necessity == Necessity.REQUIRED else preferred).append(code)
        if at_most is not None or at_least is not None:
            thresholds[code] = matching.Threshold(at_most=at_most, at_least=at_least)
    return spec_from_codes(
        populations=list(request.populations or []),
        modality=request.modality,
        required=required,
        preferred=preferred,
        tumour_types=request.tumour_types.values_list("code", flat=True),
        thresholds=thresholds,
        planned_start=request.planned_start,
    )


def matches_for_spec(spec: matching.RequestSpec) -> list[matching.Match]:
    return matching.match_centres(spec, centre_profiles())


def matches_for(request: FeasibilityRequest, centres: Iterable[Centre] | None = None) -> list[matching.Match]:
    """The centres' matches for this request (every centre unless some are given), eligible first, by score."""
    profiles = centre_profiles(centres)
    wanted = {p.id for p in profiles}
    matches = matching.match_centres(request_spec(request), _with_partners(profiles))
    return [m for m in matches if m.centre_id in wanted]


# Routing ----------------------------------------------------------------------------------------------
