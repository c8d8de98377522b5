"""Reading the directory: profiles grouped by area, the network matrix, stale and expiring levels.

Each function reads in a fixed number of queries, whatever the number of centres, so the directory,
the matrix and the Programme Office dashboard stay fast as the network grows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from capabilities.models import (
    ADULT,
    EXPIRY_WARNING_DAYS,
    HAEMATOLOGY,
    HELD_LEVELS,
    PAEDIATRIC,
    RADIOPHARMACEUTICAL,
    STALE_AFTER_DAYS,
    Capability,
    CapabilityArea,
    Centre,
    CentreCapability,
    Level,
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
    """Each centre's headline levels and flag counts: the counts by the database, two queries in all."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    warning = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    rows = centres.annotate(
        n_levels=Count("capability_levels"),
        n_stale=Count(
            "capability_levels",
            filter=Q(capability_levels__confirmed_on__isnull=True) | Q(capability_levels__confirmed_on__lt=cutoff),
        ),
        n_expiring=Count(
            "capability_levels",
            filter=Q(capability_levels__expires_on__gte=today, capability_levels__expires_on__lte=warning),
        ),
        n_expired=Count("capability_levels", filter=Q(capability_levels__expires_on__lt=today)),
        last_confirmed_on=Max("capability_levels__confirmed_on"),
    )
    headline = defaultdict(list)
    levels = CentreCapability.objects.filter(centre__in=centres.values("pk"), capability__code__in=HEADLINE_CODES)
    for level in levels.select_related("capability"):
        headline[level.centre_id].append(level)
    summaries = []
    for centre in rows:
        summaries.append(
            CentreSummary(
                centre=centre,
                headline=sorted(headline[centre.pk], key=lambda level: HEADLINE_CODES.index(level.capability.code)),
                stale=centre.n_stale,
                expiring=centre.n_expiring,
                expired=centre.n_expired,
                total=centre.n_levels,
                last_confirmed=centre.last_confirmed_on,
            )
        )
    return summaries


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


@dataclass(frozen=True, slots=True)
class Cell:
    """What the matrix shows of a level: fetched as two columns, not as a model with its relations."""

    level: str
    quantity: int | None

    def get_level_display(self) -> str:
        return Level(self.level).label


@dataclass
class Matrix:
    centres: list[Centre]
    areas: list[AreaGroup]  # rows hold (capability, None): the capabilities shown, by area
    cells: dict[tuple[int, int], Cell]

    def level(self, centre: Centre, capability: Capability) -> Cell | None:
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
    cells = {
        (centre_id, capability_id): Cell(level, quantity)
        for centre_id, capability_id, level, quantity in levels.values_list(
            "centre_id", "capability_id", "level", "quantity"
        )
    }
    return Matrix(centres=centre_list, areas=list(groups.values()), cells=cells)


# For the Programme Office dashboard -------------------------------------------------------------------


@dataclass
class CentreFlags:
    centre: Centre
    stale_count: int
    expiring: list[CentreCapability]  # includes those already expired
    empty: bool

    @property
    def expiring_count(self) -> int:
        return len(self.expiring)


def stale_and_expiring(today: datetime.date | None = None) -> list[CentreFlags]:
    """Active centres needing attention: levels not confirmed for 12 months (counted by the database),
    licences expiring within 90 days or expired (listed: there are few), or no profile at all.
    In centre order; two queries whatever the network's size."""
    today = today or timezone.localdate()
    levels = CentreCapability.objects.filter(centre__active=True)
    expiring = defaultdict(list)
    for level in levels.expiring(today).select_related("capability").order_by("expires_on", "capability__name"):
        expiring[level.centre_id].append(level)
    centres = (
        Centre.objects.active()
        .order_by("name")
        .annotate(
            n_levels=Count("capability_levels"),
            n_stale=Count("capability_levels", filter=Q(capability_levels__in=levels.stale(today))),
        )
    )
    return [
        CentreFlags(centre=centre, stale_count=centre.n_stale, expiring=expiring[centre.pk], empty=not centre.n_levels)
        for centre in centres
        if not centre.n_levels or centre.n_stale or centre.pk in expiring
    ]
