"""Which centres can run a trial, and how well they fit (DESIGN.md section 4).

Pure: plain dataclasses in, plain dataclasses out, no database. The Programme Office reruns it on
every change to a request's requirements, so it does one pass over each centre's levels.

Eligibility is a hard filter (active, serves a requested population, holds every required capability
at `available` or `limited`). The score ranks centres within each group and is the weighted sum of a
visible breakdown, each part in [0, 1]:
- preferred: share of the preferred capabilities held (limited counts half; none asked counts as all held);
- tumour: share of the request's tumour types the centre has expertise in (limited counts half; none named: 1);
- responsiveness: share of past invitations answered on time (0.5, the neutral middle, with none);
- coverage: share of the requested populations served (limited counts half).
Every part only grows as a centre holds more, so holding more never lowers a centre's rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

AVAILABLE = "available"
LIMITED = "limited"
PLANNED = "planned"
HELD = (AVAILABLE, LIMITED)

# How much a level counts towards a share: limited capacity is worth half.
LEVEL_CREDIT = {AVAILABLE: 1.0, LIMITED: 0.5}

WEIGHTS = {"preferred": 40.0, "tumour": 20.0, "responsiveness": 20.0, "coverage": 20.0}
NEUTRAL_RESPONSIVENESS = 0.5


@dataclass(frozen=True)
class RequestSpec:
    populations: Sequence[str]
    modality: str = ""
    required: Iterable[str] = ()
    preferred: Iterable[str] = ()
    tumour_types: Iterable[str] = ()
    modality_rules: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Optional display names for reasons in words; codes are used where a name is missing.
    names: Mapping[str, str] = field(default_factory=dict)

    def all_required(self) -> list[str]:
        """The required codes, with those the modality adds, in a stable order, once each."""
        codes = list(dict.fromkeys([*self.required, *self.modality_rules.get(self.modality, ())]))
        return [c for c in codes if c not in self.populations]

    def modality_added(self) -> set[str]:
        return set(self.modality_rules.get(self.modality, ())) - set(self.required)


@dataclass(frozen=True)
class CentreProfile:
    id: int
    name: str
    active: bool = True
    levels: Mapping[str, str] = field(default_factory=dict)
    past_invitations: int = 0
    answered_on_time: int = 0


@dataclass(frozen=True)
class Breakdown:
    preferred: float
    tumour: float
    responsiveness: float
    coverage: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Match:
    centre_id: int
    centre_name: str
    eligible: bool
    score: float
    breakdown: Breakdown
    matched: list[str]
    missing: list[str]
    limited: list[str]
    reasons: list[str]

    def explanation(self) -> dict:
        """What an invitation keeps of its match, as JSON."""
        return {
            "matched": self.matched,
            "missing": self.missing,
            "limited": self.limited,
            "reasons": self.reasons,
            "breakdown": self.breakdown.as_dict(),
        }


def _share(codes: Sequence[str], levels: Mapping[str, str], empty: float = 1.0) -> float:
    if not codes:
        return empty
    return sum(LEVEL_CREDIT.get(levels.get(code, ""), 0.0) for code in codes) / len(codes)


def _listing(codes: Iterable[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(c, c) for c in codes)


def match_centre(spec: RequestSpec, centre: CentreProfile) -> Match:
    levels = centre.levels
    names = spec.names
    populations = list(dict.fromkeys(spec.populations))
    required = spec.all_required()
    preferred = [c for c in dict.fromkeys(spec.preferred) if c not in required and c not in populations]
    tumours = list(dict.fromkeys(spec.tumour_types))

    matched: list[str] = []
    missing: list[str] = []
    limited: list[str] = []
    reasons: list[str] = []

    served = [p for p in populations if levels.get(p) in HELD]
    for code in [*populations, *required, *preferred, *tumours]:
        level = levels.get(code)
        if level in HELD:
            if code not in matched:
                matched.append(code)
            if level == LIMITED and code not in limited:
                limited.append(code)
        elif code not in missing:
            missing.append(code)

    missing_required = [c for c in required if levels.get(c) not in HELD]
    eligible = centre.active and bool(served) and not missing_required

    if not centre.active:
        reasons.append("The centre is inactive.")
    unserved = [p for p in populations if p not in served]
    if not served:
        reasons.append(f"Does not serve the requested population ({_listing(populations, names)}).")
    elif unserved:
        reasons.append(f"Serves {_listing(served, names)} but not {_listing(unserved, names)}.")
    if missing_required:
        planned = [c for c in missing_required if levels.get(c) == PLANNED]
        absent = [c for c in missing_required if c not in planned]
        if absent:
            reasons.append(f"Lacks required: {_listing(absent, names)}.")
        if planned:
            reasons.append(f"Required but only planned: {_listing(planned, names)}.")
    added = [c for c in required if c in spec.modality_added()]
    if added:
        reasons.append(f"The modality requires {_listing(added, names)}.")
    limited_required = [c for c in required if levels.get(c) == LIMITED]
    if limited_required:
        reasons.append(f"Limited capacity for required: {_listing(limited_required, names)}.")
    if required and not missing_required:
        reasons.append(f"Holds all {len(required)} required capabilities.")

    breakdown = Breakdown(
        preferred=_share(preferred, levels),
        tumour=_share(tumours, levels),
        responsiveness=(
            min(centre.answered_on_time, centre.past_invitations) / centre.past_invitations
            if centre.past_invitations > 0
            else NEUTRAL_RESPONSIVENESS
        ),
        coverage=_share(populations, levels, empty=0.0),
    )
    if preferred:
        held = [c for c in preferred if levels.get(c) in HELD]
        reasons.append(f"Holds {len(held)} of {len(preferred)} preferred capabilities.")
    if tumours:
        held = [c for c in tumours if levels.get(c) in HELD]
        reasons.append(f"Expertise in {len(held)} of {len(tumours)} tumour types.")
    if centre.past_invitations:
        reasons.append(
            f"Answered {min(centre.answered_on_time, centre.past_invitations)} of "
            f"{centre.past_invitations} past invitations on time."
        )
    else:
        reasons.append("No past invitations: responsiveness counts as neutral.")

    score = sum(WEIGHTS[part] * getattr(breakdown, part) for part in WEIGHTS)
    score = round(min(100.0, max(0.0, score)), 1)
    return Match(
        centre_id=centre.id,
        centre_name=centre.name,
        eligible=eligible,
        score=score,
        breakdown=breakdown,
        matched=matched,
        missing=missing,
        limited=limited,
        reasons=reasons,
    )


def sort_key(match: Match) -> tuple:
    return (not match.eligible, -match.score, match.centre_name.casefold(), match.centre_name, match.centre_id)


def match_centres(spec: RequestSpec, centres: Iterable[CentreProfile]) -> list[Match]:
    """Every centre's match, eligible first, then by score (highest first), then by centre name."""
    return sorted((match_centre(spec, centre) for centre in centres), key=sort_key)
