"""Reading the directory: profiles grouped by area, the network matrix, stale and expiring levels.

Each function reads in a fixed number of queries, whatever the number of centres, so the directory,
the matrix and the Programme Office dashboard stay fast as the network grows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from capabilities.models import (
    ADULT,
    HAEMATOLOGY,
    HELD_LEVELS,
    PAEDIATRIC,
    RADIOPHARMACEUTICAL,
    Capability,
    CapabilityArea,
    Centre,
    CentreCapability,
)

HEADLINE_CODES = (ADULT, PAEDIATRIC, HAEMATOLOGY, RADIOPHARMACEUTICAL)
NETWORKS = {"adult": ADULT, "paediatric": PAEDIATRIC}


def with_levels(centres: QuerySet[Centre]) -> QuerySet[Centre]:
    """Centres with their levels (and each level's capability) fetched in one more query."""
    levels = CentreCapability.objects.select_related("capability", "capability__area", "confirmed_by")
    return centres.prefetch_related(Prefetch("capability_levels", levels.order_by("capability__code")))


@dataclass
class CentreSummary:
    centre: Centre
    headline: list[CentreCapability] = field(default_factory=list)
    stale: int = 0
    expiring: int = 0
    expired: int = 0
    total: int = 0
    last_confirmed: datetime.date | None = None


def summarise(centre: Centre, today: datetime.date) -> CentreSummary:
    """Headline levels and flag counts of a centre fetched with `with_levels`."""
    summary = CentreSummary(centre=centre)
    for level in centre.capability_levels.all():
        summary.total += 1
        if level.capability.code in HEADLINE_CODES:
            summary.headline.append(level)
        summary.stale += level.is_stale(today)
        summary.expiring += level.is_expiring(today) and not level.is_expired(today)
        summary.expired += level.is_expired(today)
        if level.confirmed_on and (summary.last_confirmed is None or level.confirmed_on > summary.last_confirmed):
            summary.last_confirmed = level.confirmed_on
    summary.headline.sort(key=lambda level: HEADLINE_CODES.index(level.capability.code))
    return summary


def directory(centres: QuerySet[Centre], today: datetime.date | None = None) -> list[CentreSummary]:
    today = today or timezone.localdate()
    return [summarise(centre, today) for centre in with_levels(centres)]


@dataclass
class AreaGroup:
    area: CapabilityArea
    rows: list[tuple[Capability, CentreCapability | None]]


def profile(centre: Centre, *, include_unrecorded: bool = False) -> list[AreaGroup]:
    """A centre's levels grouped by area in taxonomy order; optionally every capability, recorded or not."""
    levels = {
        level.capability_id: level
        for level in CentreCapability.objects.filter(centre=centre).select_related("confirmed_by")
    }
    groups: dict[int, AreaGroup] = {}
    for capability in Capability.objects.select_related("area"):
        level = levels.get(capability.pk)
        if level is None and not include_unrecorded:
            continue
        group = groups.setdefault(capability.area_id, AreaGroup(area=capability.area, rows=[]))
        if level is not None:
            level.capability = capability
        group.rows.append((capability, level))
    return list(groups.values())


# The network matrix -----------------------------------------------------------------------------------


@dataclass
class Matrix:
    centres: list[Centre]
    areas: list[AreaGroup]  # rows hold (capability, None): the capabilities shown, by area
    cells: dict[tuple[int, int], CentreCapability]

    def level(self, centre: Centre, capability: Capability) -> CentreCapability | None:
        return self.cells.get((centre.pk, capability.pk))

    def rows(self):
        """(area, capability, [level or None for each centre]) for templates and exports."""
        for group in self.areas:
            for capability, _ in group.rows:
                yield group.area, capability, [self.level(centre, capability) for centre in self.centres]


def matrix(centres: QuerySet[Centre], *, area: CapabilityArea | None = None, network: str | None = None) -> Matrix:
    """Every centre against every capability (of one area, if given); three queries in all."""
    if network in NETWORKS:
        centres = centres.filter(
            capability_levels__capability__code=NETWORKS[network], capability_levels__level__in=HELD_LEVELS
        )
    centre_list = list(centres.distinct().order_by("name"))
    capabilities = Capability.objects.select_related("area")
    if area is not None:
        capabilities = capabilities.filter(area=area)
    groups: dict[int, AreaGroup] = {}
    for capability in capabilities:
        groups.setdefault(capability.area_id, AreaGroup(area=capability.area, rows=[])).rows.append((capability, None))
    levels = CentreCapability.objects.filter(centre__in=[c.pk for c in centre_list])
    if area is not None:
        levels = levels.filter(capability__area=area)
    cells = {(level.centre_id, level.capability_id): level for level in levels}
    return Matrix(centres=centre_list, areas=list(groups.values()), cells=cells)


# For the Programme Office dashboard -------------------------------------------------------------------


@dataclass
class CentreFlags:
    centre: Centre
    stale: list[CentreCapability]
    expiring: list[CentreCapability]  # includes those already expired
    empty: bool

    @property
    def stale_count(self) -> int:
        return len(self.stale)

    @property
    def expiring_count(self) -> int:
        return len(self.expiring)


def stale_and_expiring(today: datetime.date | None = None) -> list[CentreFlags]:
    """Active centres needing attention: levels not confirmed for 12 months, licences expiring within 90
    days (or expired), or no profile at all. In centre order; two queries whatever the network's size."""
    today = today or timezone.localdate()
    flagged: dict[int, dict[str, list]] = defaultdict(lambda: {"stale": [], "expiring": []})
    levels = CentreCapability.objects.filter(centre__active=True).select_related("capability")
    has_levels = set()
    for level in levels.order_by("capability__area__order", "capability__order"):
        has_levels.add(level.centre_id)
        if level.is_stale(today):
            flagged[level.centre_id]["stale"].append(level)
        if level.is_expiring(today):
            flagged[level.centre_id]["expiring"].append(level)
    result = []
    for centre in Centre.objects.active().order_by("name"):
        empty = centre.pk not in has_levels
        if empty or centre.pk in flagged:
            rows = flagged.get(centre.pk, {"stale": [], "expiring": []})
            result.append(CentreFlags(centre=centre, stale=rows["stale"], expiring=rows["expiring"], empty=empty))
    return result
