"""Which centres can run a trial, and how well they fit (DESIGN.md section 4).

Pure: plain dataclasses in, plain dataclasses out, no database. The Programme Office reruns it on
every change to a request's requirements, so it does one pass over each centre's levels.

Eligibility is a hard filter (active, serves a requested population, holds every required capability
at `available` or `limited`). What a centre "holds" is its *standing* for a capability, not the bare level:
- a level whose `expires_on` has passed counts as absent; one expiring before the planned start is limited;
- a requirement's threshold (`at_most` minutes to intensive care, `at_least` beds) missed counts as absent,
  and an unknown quantity as limited;
- a required capability the centre lacks but a partner centre holds at `available` (unexpired, threshold
  met) counts as limited, "via <partner>".

Only eligible centres get a score: the weighted sum of a visible breakdown, each part in [0, 1]:
- tumour: share of the request's tumour types the centre has expertise in (limited counts half; none named: 1);
- preferred: share of the preferred capabilities held (limited counts half; none asked counts as all held);
- responsiveness: share of past invitations answered on time (0.5, the neutral middle, with none);
- coverage: share of the requested populations served (limited counts half).
Every part only grows as a centre holds more, so holding more never lowers a centre's rank. Ineligible
centres come after, fewest shortfalls first, then by name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

AVAILABLE = "available"
LIMITED = "limited"
PLANNED = "planned"
HELD = (AVAILABLE, LIMITED)

# How much a level counts towards a share: limited capacity is worth half.
LEVEL_CREDIT = {AVAILABLE: 1.0, LIMITED: 0.5}

# How a programme office weighs a fit, once a centre can run the trial at all: the investigators' expertise
# in the tumour types recruits the patients; a centre that answers on time keeps the sponsor's deadline;
# preferred capabilities are nice to have (the must-haves are already required); serving every requested
# population matters least, as a centre serving one of them is already eligible.
WEIGHTS = {"tumour": 35.0, "responsiveness": 25.0, "preferred": 25.0, "coverage": 15.0}
WEIGHT_LABELS = {
    "tumour": "tumour-type expertise",
    "responsiveness": "answers on time",
    "preferred": "preferred capabilities",
    "coverage": "populations served",
}
NEUTRAL_RESPONSIVENESS = 0.5
# Responsiveness reads the last year of invitations, as the centres' scorecards do: a centre is judged on how
# it answers now, and the cost of matching stays flat however many years of history the network holds.
RESPONSIVENESS_DAYS = 365


def weights_text() -> str:
    """The weights as the request page shows them: tumour-type expertise 35 + answers on time 25 + ..."""
    return " + ".join(f"{WEIGHT_LABELS[part]} {weight:g}" for part, weight in WEIGHTS.items())


def format_date(day: datetime.date) -> str:
    """As the rest of the app writes dates: 31 Jan 2025."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Threshold:
    at_most: int | None = None
    at_least: int | None = None

    def met_by(self, quantity: int) -> bool:
        return (self.at_most is None or quantity <= self.at_most) and (
            self.at_least is None or quantity >= self.at_least
        )

    def describe(self, unit: str = "") -> str:
        unit = f" {unit}" if unit else ""
        parts = []
        if self.at_most is not None:
            parts.append(f"at most {self.at_most}{unit}")
        if self.at_least is not None:
            parts.append(f"at least {self.at_least}{unit}")
        return " and ".join(parts)


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
    thresholds: Mapping[str, Threshold] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    today: datetime.date | None = None
    planned_start: datetime.date | None = None

    def all_required(self) -> list[str]:
        """The required codes, with those the modality adds, in a stable order, once each."""
        codes = list(dict.fromkeys([*self.required, *self.modality_rules.get(self.modality, ())]))
        return [c for c in codes if c not in self.populations]

    def modality_added(self) -> set[str]:
        return set(self.modality_rules.get(self.modality, ())) - set(self.required)

    def name(self, code: str) -> str:
        return self.names.get(code, code)


@dataclass(frozen=True)
class CentreProfile:
    id: int
    name: str
    active: bool = True
    levels: Mapping[str, str] = field(default_factory=dict)
    past_invitations: int = 0
    answered_on_time: int = 0
    quantities: Mapping[str, int] = field(default_factory=dict)
    expires: Mapping[str, datetime.date] = field(default_factory=dict)
    partner_ids: Sequence[int] = ()


@dataclass(frozen=True)
class Standing:
    """What a centre's level of one capability is worth for this request, and the one fact that says why."""

    level: str | None  # available, limited, or None for not held
    fact: str = ""
    planned: bool = False
    via: str = ""


@dataclass(frozen=True)
class Breakdown:
    preferred: float
    tumour: float
    responsiveness: float
    coverage: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.__dict__.items()}

    def parts(self) -> list[tuple[str, float, float]]:
        """(label, share, weight) in the order of the weights, for the matches table."""
        return [(WEIGHT_LABELS[part], getattr(self, part), weight) for part, weight in WEIGHTS.items()]


@dataclass(frozen=True)
class Match:
    centre_id: int
    centre_name: str
    eligible: bool
    score: float | None
    breakdown: Breakdown
    matched: list[str]
    missing: list[str]
    limited: list[str]
    reasons: list[str]
    # How many things keep an ineligible centre out (0 for an eligible one): it orders the ineligible.
    shortfall: int = 0
    # Required capabilities counted through a partner centre: code → partner's name.
    via: dict[str, str] = field(default_factory=dict)
    # The missing and limited capabilities by name, for pages (the API keeps the codes).
    missing_names: list[str] = field(default_factory=list)
    limited_names: list[str] = field(default_factory=list)

    def explanation(self) -> dict:
        """What an invitation keeps of its match, as JSON."""
        return {
            "matched": self.matched,
            "missing": self.missing,
            "limited": self.limited,
            "reasons": self.reasons,
            "breakdown": self.breakdown.as_dict(),
            "via": [
                {"capability": code, "name": name, "partner": partner}
                for code, (name, partner) in self.via_named.items()
            ],
        }

    @property
    def via_named(self) -> dict[str, tuple[str, str]]:
        return {code: (self.limited_names[self.limited.index(code)], partner) for code, partner in self.via.items()}


_ABSENT = Standing(None)
_PLANNED = Standing(None, planned=True)
_PLAIN = {AVAILABLE: Standing(AVAILABLE), LIMITED: Standing(LIMITED)}


@dataclass(frozen=True)
class _Plan:
    """What a spec asks, worked out once for all centres."""

    populations: list[str]
    required: list[str]
    preferred: list[str]
    tumours: list[str]
    added: frozenset[str]

    @classmethod
    def of(cls, spec: RequestSpec) -> _Plan:
        populations = list(dict.fromkeys(spec.populations))
        required = spec.all_required()
        taken = {*required, *populations}
        return cls(
            populations=populations,
            required=required,
            preferred=[c for c in dict.fromkeys(spec.preferred) if c not in taken],
            tumours=list(dict.fromkeys(spec.tumour_types)),
            added=frozenset(spec.modality_added()),
        )


def standing(spec: RequestSpec, centre: CentreProfile, code: str, partners: Sequence[CentreProfile] = ()) -> Standing:
    """The centre's standing for one capability: its own level, less expiry and thresholds, plus partners."""
    own = _own_standing(spec, centre, code)
    if own.level is not None or not partners:
        return own
    for partner in partners:
        if partner.active and _own_standing(spec, partner, code) is _PLAIN[AVAILABLE]:
            return Standing(LIMITED, f"{spec.name(code)} via {partner.name}.", via=partner.name)
    return own


def _own_standing(spec: RequestSpec, centre: CentreProfile, code: str) -> Standing:
    level = centre.levels.get(code)
    if level not in HELD:
        return _PLANNED if level == PLANNED else _ABSENT
    expires = centre.expires.get(code)
    threshold = spec.thresholds.get(code)
    if expires is None and threshold is None:
        return _PLAIN[level]
    name = spec.name(code)
    if expires is not None and spec.today is not None and expires < spec.today:
        return Standing(None, f"{name} expired on {format_date(expires)}.")
    if threshold is not None and (threshold.at_most is not None or threshold.at_least is not None):
        unit = spec.units.get(code, "")
        quantity = centre.quantities.get(code)
        if quantity is None:
            return Standing(LIMITED, f"{name}: quantity not given, {threshold.describe(unit)} required.")
        if not threshold.met_by(quantity):
            shown = f"{quantity} {unit}".strip()
            return Standing(None, f"{name} {shown}, {threshold.describe(unit)} required.")
    if expires is not None and spec.planned_start is not None and expires < spec.planned_start:
        return Standing(LIMITED, f"{name} expires on {format_date(expires)}, before the planned start.")
    return _PLAIN[level]


def _credit(standings: Mapping[str, Standing], codes: Sequence[str], empty: float = 1.0) -> float:
    if not codes:
        return empty
    return sum(LEVEL_CREDIT.get(standings[c].level, 0.0) for c in codes) / len(codes)


def _listing(codes: Iterable[str], spec: RequestSpec) -> str:
    return ", ".join(spec.name(c) for c in codes)


def match_centre(
    spec: RequestSpec, centre: CentreProfile, partners: Sequence[CentreProfile] = (), plan: _Plan | None = None
) -> Match:
    plan = plan or _Plan.of(spec)
    populations, required, preferred, tumours = plan.populations, plan.required, plan.preferred, plan.tumours

    standings: dict[str, Standing] = {}
    for code in populations:
        standings[code] = _own_standing(spec, centre, code)
    for code in required:
        if code not in standings:
            standings[code] = standing(spec, centre, code, partners)
    for codes in (preferred, tumours):
        for code in codes:
            if code not in standings:
                standings[code] = _own_standing(spec, centre, code)

    matched = [c for c, s in standings.items() if s.level in HELD]
    missing = [c for c, s in standings.items() if s.level not in HELD]
    limited = [c for c, s in standings.items() if s.level == LIMITED]
    via = {c: s.via for c, s in standings.items() if s.via}

    served = [p for p in populations if standings[p].level in HELD]
    missing_required = [c for c in required if standings[c].level not in HELD]
    eligible = centre.active and bool(served) and not missing_required
    shortfall = (not centre.active) + (not served) + len(missing_required)

    # Each fact once: a capability is named in one reason only, whichever says most about it.
    reasons: list[str] = []
    if not centre.active:
        reasons.append("The centre is inactive.")
    unserved = [p for p in populations if p not in served]
    if not served:
        reasons.append(f"Does not serve the requested population ({_listing(populations, spec)}).")
    elif unserved:
        reasons.append(f"Serves {_listing(served, spec)} but not {_listing(unserved, spec)}.")
    added = plan.added

    def named(code: str) -> str:
        return f"{spec.name(code)} (for the modality)" if code in added else spec.name(code)

    absent = [c for c in missing_required if not standings[c].fact and not standings[c].planned]
    planned = [c for c in missing_required if standings[c].planned]
    if absent:
        reasons.append(f"Missing: {', '.join(named(c) for c in absent)}.")
    if planned:
        reasons.append(f"Required but only planned: {', '.join(named(c) for c in planned)}.")
    reasons.extend(standings[c].fact for c in required if standings[c].fact)
    plain_limited = [c for c in required if standings[c].level == LIMITED and not standings[c].fact]
    if plain_limited:
        reasons.append(f"Limited capacity: {', '.join(named(c) for c in plain_limited)}.")
    if required and not missing_required:
        reasons.append(f"Holds all {len(required)} required capabilities.")

    breakdown = Breakdown(
        preferred=_credit(standings, preferred),
        tumour=_credit(standings, tumours),
        responsiveness=(
            min(centre.answered_on_time, centre.past_invitations) / centre.past_invitations
            if centre.past_invitations > 0
            else NEUTRAL_RESPONSIVENESS
        ),
        coverage=_credit(standings, populations, empty=0.0),
    )
    if eligible:
        for codes, label in ((tumours, "tumour types"), (preferred, "preferred capabilities")):
            if codes:
                held = [c for c in codes if standings[c].level in HELD]
                lacking = [c for c in codes if standings[c].level not in HELD]
                text = f"Holds {len(held)} of {len(codes)} {label}"
                if label == "tumour types":
                    text = f"Expertise in {len(held)} of {len(codes)} tumour types"
                reasons.append(f"{text}{f' (not {_listing(lacking, spec)})' if lacking else ''}.")
                reasons.extend(standings[c].fact for c in codes if standings[c].fact)
        if centre.past_invitations:
            reasons.append(
                f"Answered {min(centre.answered_on_time, centre.past_invitations)} of "
                f"{centre.past_invitations} invitations of the last 12 months on time."
            )
        else:
            reasons.append("No invitations in the last 12 months: responsiveness counts as neutral.")

    score = None
    if eligible:
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
        shortfall=shortfall,
        via=via,
        missing_names=[spec.name(c) for c in missing],
        limited_names=[spec.name(c) for c in limited],
    )


def sort_key(match: Match) -> tuple:
    rank = -match.score if match.eligible else match.shortfall
    return (not match.eligible, rank, match.centre_name.casefold(), match.centre_name, match.centre_id)


def match_centres(spec: RequestSpec, centres: Iterable[CentreProfile]) -> list[Match]:
    """Every centre's match, eligible first by score (highest first); then the ineligible, fewest shortfalls first.

    Ties break by centre name. A centre's partners are looked up among the centres given.
    """
    centres = list(centres)
    by_id = {c.id: c for c in centres}
    plan = _Plan.of(spec)
    return sorted(
        (match_centre(spec, c, [by_id[p] for p in c.partner_ids if p in by_id and p != c.id], plan) for c in centres),
        key=sort_key,
    )
