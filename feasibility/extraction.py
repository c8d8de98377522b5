"""Read a trial synopsis into the request form's fields (pure: text and the taxonomy in, fields out).

No model, no network: plain patterns for numbers, dates, phases and ages, and the taxonomy's names and
synonyms (which the Programme Office edits) for tumour types, modality and required capabilities. Every
field found carries the sentence it came from, so the person confirming the form can check it; a field
not found is left out rather than guessed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

ADULT, PAEDIATRIC = "adult", "paediatric"
MODALITY_PREFIX = "modality."
AGE_BAND_PREFIX = "population."  # age bands: the populations field says it, not a requirement
ADULT_AGE = 18
EVIDENCE_CHARS = 300

FIELDS = (
    "title",
    "phase",
    "modality",
    "populations",
    "tumour_types",
    "requirements",
    "sites_sought",
    "patients_total",
    "planned_start",
)


@dataclass(frozen=True)
class Term:
    """One capability of the taxonomy as extraction reads it."""

    code: str
    name: str
    synonyms: tuple[str, ...] = ()
    is_tumour_type: bool = False

    @property
    def phrases(self) -> list[str]:
        # "Cell therapy (CAR-T, TIL, TCR)" is matched as "Cell therapy"; its synonyms carry the rest.
        name = re.sub(r"\s*\(.*?\)\s*", " ", self.name).strip()
        return [p for p in dict.fromkeys([name, *self.synonyms]) if p and len(p.strip()) > 1]


@dataclass
class Extraction:
    fields: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)

    def set(self, name: str, value, sentence: str) -> None:
        self.fields[name] = value
        self.evidence[name] = _trim(sentence)

    def as_dict(self) -> dict:
        return {"fields": dict(self.fields), "evidence": dict(self.evidence)}


def _trim(sentence: str) -> str:
    sentence = " ".join(sentence.replace("|", " ").split())
    return sentence if len(sentence) <= EVIDENCE_CHARS else sentence[: EVIDENCE_CHARS - 1].rstrip() + "…"


# Sentences ----------------------------------------------------------------------------------------------

# A sentence ends at . ; ! or ? before a capital or a number, but not after "approx." or "e.g.".
_SENTENCE_END = re.compile(
    r"(?<=[.;!?])(?<!approx\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\bca\.)(?<!vs\.)(?<!No\.)\s+(?=[A-Z0-9(\[•\-–])"
)
_HEADING = re.compile(
    r"^\s*(?:#+\s*|\d+(?:\.\d+)*\.?\s+)?(background|rationale|population|eligibility|inclusion|exclusion|key|"
    r"design|study design|site|sites|requirements|numbers|timelines?|treatment|objectives?|endpoints?|procedures|"
    r"translational|essential|preferred|desirable|overview|summary)\b[A-Za-z /&()-]{0,50}$",
    re.I,
)
_EXCLUSION_HEADING = re.compile(r"exclusion", re.I)
_PREFERRED_WORDS = re.compile(
    r"\b(prefer\w*|desirabl\w*|ideally|advantage\w*|nice[- ]to[- ]have|optional|beneficial|welcome[d]?|would help)\b",
    re.I,
)
_REQUIRED_HEADING = re.compile(r"\b(essential|required|mandatory|must[- ]have|requirements?)\b", re.I)
_NEGATION = re.compile(r"\b(exclu\w*|not eligible|ineligible|not permitted|must not|no prior|prohibited)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str
    excluded: bool = False  # under an "Exclusion criteria" heading
    preferred_section: bool = False  # under a "Preferred"/"Desirable" heading


def _unwrap(lines: list[str]) -> list[str]:
    """Join lines a PDF wrapped mid-sentence ('...3 UK sites and 40' + 'patients in total.')."""
    joined: list[str] = []
    for line in lines:
        stripped = line.strip()
        previous = joined[-1].rstrip() if joined else ""
        if previous and stripped[:1].islower() and previous[-1:] not in ".:;!?|":
            joined[-1] = f"{previous} {stripped}"
        else:
            joined.append(line)
    return joined


def sentences(text: str) -> list[Sentence]:
    """Lines, split at sentence ends, each knowing the section it sits in (exclusions, preferred facilities)."""
    out: list[Sentence] = []
    excluded = preferred = False
    for raw in _unwrap(text.replace("\r", "\n").split("\n")):
        line = raw.strip().strip("•*·-–").strip()
        if not line:
            continue
        bulleted = raw.strip()[:1] in "•*·-–"
        short = len(line.split()) <= 4 and not any(ch.isdigit() for ch in line)
        heading = _HEADING.match(line) if short and not bulleted and not line.endswith(".") else None
        if heading or (line.endswith(":") and len(line) < 80):
            excluded = bool(_EXCLUSION_HEADING.search(line))
            preferred = bool(_PREFERRED_WORDS.search(line)) and not excluded
            if _REQUIRED_HEADING.search(line) and not preferred:
                preferred = False
            if heading and not line.endswith(":"):
                out.append(Sentence(line, excluded, preferred))
                continue
        for part in _SENTENCE_END.split(line):
            if part.strip():
                out.append(Sentence(part.strip(), excluded, preferred))
    return out


# Phrases of the taxonomy ----------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-‐‑–/]+")


def _phrase_pattern(phrase: str) -> re.Pattern:
    """A phrase as a pattern: separators interchangeable, a trailing plural allowed on ordinary words, and
    case kept for abbreviations with capitals inside ("NSCLC", "ctDNA", "ALL")."""
    phrase = phrase.strip()
    case_sensitive = any(ch.isupper() for ch in phrase[1:])
    tokens = [re.escape(t) for t in _SEPARATORS.split(phrase) if t]
    body = r"[\s\-‐‑–/]*".join(tokens) if len(tokens) > 1 else (tokens[0] if tokens else "")
    if not case_sensitive and phrase[-1:].isalpha():
        # Names are often plural ("Monoclonal antibodies"), text singular, or the other way round.
        if body.endswith("ies"):
            body = body[:-3] + "(?:y|ies)"
        elif body.endswith("s") and not body.endswith("ss"):
            body = body[:-1] + "(?:s|es)?"
        else:
            body += "(?:s|es)?"
    flags = 0 if case_sensitive else re.I
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", flags)


@dataclass(frozen=True)
class Hit:
    code: str
    start: int
    end: int
    sentence: int


_NOT_A_TUMOUR_AFTER = re.compile(r"^\W{0,3}(function|metastas\w*|involvement|lesions?|toxicit\w*|impairment)", re.I)


class Taxonomy:
    """The capabilities with their compiled phrases; build once per extraction (the taxonomy is small)."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = {t.code: t for t in terms}
        self.patterns = {code: [_phrase_pattern(p) for p in t.phrases] for code, t in self.terms.items()}

    def hits(self, items: list[Sentence]) -> list[Hit]:
        """Every phrase found, a shorter phrase inside a longer one of another capability left out."""
        found: list[Hit] = []
        for index, item in enumerate(items):
            spans = []
            for code, patterns in self.patterns.items():
                for pattern in patterns:
                    for m in pattern.finditer(item.text):
                        spans.append(Hit(code, m.start(), m.end(), index))
            spans.sort(key=lambda h: (-(h.end - h.start), h.start))
            kept: list[Hit] = []
            for hit in spans:
                inside = any(
                    k.start <= hit.start and hit.end <= k.end and k.end - k.start > hit.end - hit.start for k in kept
                )
                if not inside:
                    kept.append(hit)
            found.extend(sorted(kept, key=lambda h: h.start))
        return found


# Field by field ------------------------------------------------------------------------------------------

_TITLE_LABEL = re.compile(
    r"^\s*\|?\s*(?:full\s+|study\s+|protocol\s+|official\s+|trial\s+|scientific\s+)?title(?:\s+of\s+the\s+study)?\s*[:|\t]\s*(.+?)[\s|]*$",
    re.I,
)
_NOT_A_TITLE = re.compile(
    r"^(confidential|synopsis|protocol synopsis|study synopsis|clinical study synopsis|draft|version|sponsor|"
    r"page \d|protocol (number|no)|date|overview|hi|hello|dear|from|to|subject|re|thanks|regards|kind regards|best|many thanks)\b|^\|",
    re.I,
)
# "Trial opportunity: X" names X; the label is the sender's, not the study's.
_GENERIC_LABEL = re.compile(
    r"^(?:trial\s+|study\s+|new\s+)?(?:opportunity|feasibility(?:\s+request)?|study)\s*[:–-]\s*", re.I
)


def _title(text: str, result: Extraction) -> None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if m := _TITLE_LABEL.match(line):
            title = m.group(1).strip().strip("|").strip()
            if title:
                result.set("title", title[:300], line)
                return
    for line in lines[:8]:
        candidate = _GENERIC_LABEL.sub("", line)
        if (
            len(candidate.split()) >= 4
            and len(candidate) <= 250
            and not _NOT_A_TITLE.match(candidate)
            and ":" not in candidate[:25]
            and not candidate.endswith((".", ":"))
            and ". " not in candidate
        ):
            result.set("title", candidate, line)
            return


_RP2D = re.compile(r"recommended\s+phase\s*(?:2|II)\s+dose|phase\s*(?:2|II)\s+dose|RP2D", re.I)
_PHASES = [
    ("phase_1_2", re.compile(r"phase\s*(?:I|1)\s*[ab]?\s*(?:/|-|–|and|to)\s*(?:II|2)\s*[ab]?(?![IVX0-9])", re.I)),
    ("phase_0", re.compile(r"phase\s*(?:0|zero)(?![0-9])", re.I)),
    ("phase_2", re.compile(r"phase\s*(?:II|2)\s*[ab]?(?![IVX0-9])", re.I)),
    ("phase_1", re.compile(r"phase\s*(?:I|1)\s*[ab]?(?![IVX0-9/])", re.I)),
]
_PHASE_1_DESIGNS = {
    "design.first_in_human": "phase_1",
    "design.dose_escalation": "phase_1",
    "design.phase_0": "phase_0",
}


def _phase(items: list[Sentence], hits: list[Hit], result: Extraction) -> None:
    best = None  # (sentence index, start, -length, phase)
    for index, item in enumerate(items):
        searchable = _RP2D.sub(lambda m: " " * len(m.group(0)), item.text)
        for phase, pattern in _PHASES:
            for m in pattern.finditer(searchable):
                candidate = (index, m.start(), -(m.end() - m.start()), phase)
                if best is None or candidate < best:
                    best = candidate
    if best:
        result.set("phase", best[3], items[best[0]].text)
        return
    for hit in hits:
        if hit.code in _PHASE_1_DESIGNS:
            result.set("phase", _PHASE_1_DESIGNS[hit.code], items[hit.sentence].text)
            return


def _modality(items: list[Sentence], hits: list[Hit], result: Extraction) -> None:
    """The modality named first (the longest phrase where two start together: 'antibody-drug conjugate')."""
    candidates = [h for h in hits if h.code.startswith(MODALITY_PREFIX)]
    if candidates:
        first = min(candidates, key=lambda h: (h.sentence, h.start, -(h.end - h.start)))
        result.set("modality", first.code.removeprefix(MODALITY_PREFIX), items[first.sentence].text)


_AGE_CONTEXT = re.compile(
    r"\b(age[ds]?|old|adults?|paediatric|pediatric|child\w*|adolescents?|patients|participants|subjects|years)\b", re.I
)
_YEARS = r"\s*(?:years?|yrs?|y)(?:\s+of\s+age|\s+old)?"
_AGE_RANGE = re.compile(rf"(\d{{1,2}})\s*(?:-|–|to)\s*(?:<\s*)?(\d{{1,2}}){_YEARS}", re.I)
_AGE_LOWER = re.compile(
    rf"(?:≥|>=|⩾|>|at least|aged|age|over|older than|from)\s*(\d{{1,2}}){_YEARS}|(\d{{1,2}}){_YEARS}\s*(?:or|and)\s*(?:older|over|above)",
    re.I,
)
_AGE_UPPER = re.compile(rf"(?:<|≤|<=|⩽|under|below|younger than|up to)\s*(\d{{1,2}}){_YEARS}", re.I)
_AGE_MONTHS = re.compile(r"(?:from|aged|≥|>=)\s*\d{1,2}\s*months|\d{1,2}\s*months?\s*(?:-|–|to)", re.I)


def _populations(items: list[Sentence], hits: list[Hit], result: Extraction) -> None:
    """Adult and/or paediatric from the age limits; failing those, from the words ('adults', 'children')."""
    lows: list[int] = []
    highs: list[int] = []
    where = ""
    for item in items:
        if item.excluded or not _AGE_CONTEXT.search(item.text):
            continue
        text, found = item.text, False
        for m in _AGE_RANGE.finditer(text):
            lows.append(int(m.group(1)))
            highs.append(int(m.group(2)))
            found = True
        rest = _AGE_RANGE.sub(" ", text)
        for m in re.finditer(rf"months?\s*(?:-|–|to)\s*(?:<\s*)?(\d{{1,2}}){_YEARS}", rest, re.I):
            highs.append(int(m.group(1)))
            found = True
        for m in _AGE_UPPER.finditer(rest):
            highs.append(int(m.group(1)))
            found = True
        rest = _AGE_UPPER.sub(" ", rest)
        for m in _AGE_LOWER.finditer(rest):
            lows.append(int(m.group(1) or m.group(2)))
            found = True
        if _AGE_MONTHS.search(text):
            lows.append(0)
            found = True
        if found and not where:
            where = text
    populations: list[str] = []
    if lows or highs:
        low = min(lows) if lows else None
        high = max(highs) if highs else None
        if (low is not None and (high is None or high > ADULT_AGE)) or (low is None and high and high > ADULT_AGE):
            populations.append(ADULT)
        if (low is not None and low < ADULT_AGE) or (low is None and high is not None):
            populations.append(PAEDIATRIC)
        if low is not None and low >= ADULT_AGE and ADULT not in populations:
            populations.append(ADULT)
    if not populations:
        for code in (ADULT, PAEDIATRIC):
            hit = next((h for h in hits if h.code == code and not items[h.sentence].excluded), None)
            if hit:
                populations.append(code)
                where = where or items[hit.sentence].text
    if populations:
        result.set("populations", [p for p in (ADULT, PAEDIATRIC) if p in populations], where)


def _negated_before(item: Sentence, hit: Hit) -> bool:
    m = _NEGATION.search(item.text)
    return bool(m and m.start() < hit.start)


def _tumour_types(items: list[Sentence], hits: list[Hit], taxonomy: Taxonomy, result: Extraction) -> None:
    codes: list[str] = []
    where: list[str] = []
    for hit in hits:
        term = taxonomy.terms[hit.code]
        item = items[hit.sentence]
        if not term.is_tumour_type or item.excluded or _negated_before(item, hit):
            continue
        if _NOT_A_TUMOUR_AFTER.match(item.text[hit.end :]):
            continue  # "adequate renal function", "brain metastases"
        if hit.code not in codes:
            codes.append(hit.code)
            if item.text not in where:
                where.append(item.text)
    if codes:
        result.set("tumour_types", sorted(codes), " … ".join(where[:3]))


def _is_requirement(term: Term) -> bool:
    return not (
        term.is_tumour_type
        or term.code in (ADULT, PAEDIATRIC)
        or term.code.startswith(MODALITY_PREFIX)
        or term.code.startswith(AGE_BAND_PREFIX)
    )


def _clause(text: str, hit: Hit) -> str:
    """The part of a sentence around a hit, between semicolons or table cells: 'X (essential); Y (preferred)'."""
    start = max(text.rfind(";", 0, hit.start), text.rfind("|", 0, hit.start)) + 1
    ends = [i for i in (text.find(";", hit.end), text.find("|", hit.end)) if i != -1]
    return text[start : min(ends) if ends else len(text)]


def _requirements(items: list[Sentence], hits: list[Hit], taxonomy: Taxonomy, result: Extraction) -> None:
    """Capabilities named outside the exclusions: preferred when the sentence or its section says so."""
    necessity: dict[str, str] = {}
    where: list[str] = []
    for hit in hits:
        term = taxonomy.terms[hit.code]
        item = items[hit.sentence]
        if not _is_requirement(term) or item.excluded or _negated_before(item, hit):
            continue
        preferred = item.preferred_section or bool(_PREFERRED_WORDS.search(_clause(item.text, hit)))
        wanted = "preferred" if preferred else "required"
        # Named as required anywhere, it is required.
        if necessity.get(hit.code) != "required":
            necessity[hit.code] = wanted
        if item.text not in where:
            where.append(item.text)
    if necessity:
        result.set(
            "requirements",
            [{"capability": code, "necessity": necessity[code]} for code in sorted(necessity)],
            " … ".join(where[:3]),
        )


_WORD_NUMBERS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_NUMBER = r"(\d[\d,]*|" + "|".join(_WORD_NUMBERS) + r")"
_QUALIFIER = r"(?:approximately\s+|approx\.?\s+|about\s+|around\s+|up\s+to\s+|~\s*|c\.\s*|at\s+least\s+|≈\s*)?"
_SITES = [
    re.compile(
        rf"{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?\s+(?:(?:UK|additional|participating|investigational|clinical|"
        rf"ECMC|network|new|more)\s+)*(?:sites|centres|centers)\b",
        re.I,
    ),
    re.compile(
        rf"(?:(?:UK\s+)?(?:sites|centres|centers)(?:\s+(?:sought|required|needed|requested|wanted))?(?:\s+in\s+the\s+UK)?"
        rf"|number\s+of\s+(?:UK\s+)?(?:sites|centres|centers))\s*[:|=\-–]\s*{_QUALIFIER}{_NUMBER}(?:\s*(?:-|–|to)\s*{_NUMBER})?",
        re.I,
    ),
]
_PATIENTS = [
    re.compile(
        rf"{_QUALIFIER}{_NUMBER}\s+(?:evaluable\s+|adult\s+|paediatric\s+|pediatric\s+|additional\s+|eligible\s+|"
        rf"enrolled\s+|treated\s+)?(?:patients|participants|subjects|children|adults|pts)\b",
        re.I,
    ),
    re.compile(
        rf"(?:sample\s+size|(?:total|planned|target)\s+(?:enrol?ment|recruitment|sample)|number\s+of\s+"
        rf"(?:patients|participants|subjects)|patients\s+in\s+total|total\s+(?:patients|participants|subjects)|"
        rf"(?<![A-Za-z])N)\s*[:|=]\s*{_QUALIFIER}{_NUMBER}",
        re.I,
    ),
    re.compile(
        rf"(?:enrol|enroll|recruit)\w*\s+{_QUALIFIER}{_NUMBER}\b(?!\s*(?:sites|centres|centers|%|years|months))", re.I
    ),
]


_OF_WHICH_IN_UK = re.compile(rf"of\s+(?:which|whom)\s+{_QUALIFIER}{_NUMBER}\s+(?:are\s+)?in\s+the\s+UK", re.I)


def _number(token: str | None) -> int | None:
    if not token:
        return None
    token = token.lower().replace(",", "")
    if token in _WORD_NUMBERS:
        return _WORD_NUMBERS[token]
    return int(token) if token.isdigit() else None


def _sites(items: list[Sentence], result: Extraction) -> None:
    """UK sites when the synopsis says so ('4 UK sites', 'of which 3 in the UK'), else the first number given."""
    found: list[tuple[bool, int, int, str]] = []
    for index, item in enumerate(items):
        for pattern in _SITES:
            for m in pattern.finditer(item.text):
                numbers = [_number(g) for g in m.groups() if g]
                numbers = [n for n in numbers if n]
                if not numbers:
                    continue
                around = item.text[m.start() : m.end() + 25]
                uk = "UK" in around or "United Kingdom" in around
                found.append((not uk, index, max(numbers), item.text))
        m = _OF_WHICH_IN_UK.search(item.text)
        if m and (n := _number(m.group(1))) and re.search(r"sites|centres|centers", item.text, re.I):
            found.append((False, index, n, item.text))
    if found:
        _not_uk, _index, number, text = min(found, key=lambda f: (f[0], f[1]))
        if 0 < number < 500:
            result.set("sites_sought", number, text)


def _patients(items: list[Sentence], result: Extraction) -> None:
    """The study's total: a number called a total if there is one, else the largest number of patients."""
    found: list[tuple[bool, int, str]] = []
    for item in items:
        if item.excluded:
            continue
        for pattern in _PATIENTS:
            for m in pattern.finditer(item.text):
                number = _number(m.group(1))
                if number and 0 < number < 100000:
                    total = bool(re.search(r"\btotal|overall|in all|altogether|sample size\b", item.text, re.I))
                    found.append((total, number, item.text))
    if found:
        totals = [f for f in found if f[0]]
        _total, number, text = max(totals or found, key=lambda f: f[1])
        result.set("patients_total", number, text)


_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_START_WORDS = re.compile(
    r"\b(start\w*|FPI|FPFV|FSI|first\s+(?:patient|participant|subject)|initiat\w*|commenc\w*|begin\w*|open\w*|"
    r"SIV|enrol\w*\s+(?:to\s+)?(?:start|open)|planned\s+start|timeline\w*|anticipated|expected\s+to\s+start)\b",
    re.I,
)
_DATE_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b"), "dmy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b", re.I), "d_month_y"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,\s*(\d{{4}})\b", re.I), "month_d_y"),
    (re.compile(rf"\b{_MONTH}[\s\-]+(\d{{4}})\b", re.I), "month_y"),
    (re.compile(r"\bQ([1-4])[\s\-/]*(\d{4})\b", re.I), "quarter"),
    (re.compile(r"\b(\d{4})[\s\-/]*Q([1-4])\b", re.I), "year_quarter"),
    (re.compile(r"\bH([12])[\s\-/]*(\d{4})\b", re.I), "half"),
    (re.compile(r"\b(early|mid|late|end\s+of|beginning\s+of|start\s+of)[\s\-]+(\d{4})\b", re.I), "season"),
    (re.compile(r"\b(\d{4})-(\d{2})\b"), "year_month"),
    (re.compile(r"\b(\d{1,2})/(\d{4})\b"), "month_slash_y"),
]
_SEASONS = {"early": 1, "beginning of": 1, "start of": 1, "mid": 7, "late": 10, "end of": 10}


def _to_date(kind: str, groups: tuple) -> datetime.date | None:
    try:
        if kind == "iso":
            return datetime.date(int(groups[0]), int(groups[1]), int(groups[2]))
        if kind == "dmy":
            return datetime.date(int(groups[2]), int(groups[1]), int(groups[0]))
        if kind == "d_month_y":
            return datetime.date(int(groups[2]), _MONTHS[groups[1].lower()], int(groups[0]))
        if kind == "month_d_y":
            return datetime.date(int(groups[2]), _MONTHS[groups[0].lower()], int(groups[1]))
        if kind == "month_y":
            return datetime.date(int(groups[1]), _MONTHS[groups[0].lower()], 1)
        if kind == "quarter":
            return datetime.date(int(groups[1]), 3 * int(groups[0]) - 2, 1)
        if kind == "year_quarter":
            return datetime.date(int(groups[0]), 3 * int(groups[1]) - 2, 1)
        if kind == "half":
            return datetime.date(int(groups[1]), 1 if groups[0] == "1" else 7, 1)
        if kind == "season":
            return datetime.date(int(groups[1]), _SEASONS[" ".join(groups[0].lower().split())], 1)
        if kind in ("year_month", "month_slash_y"):
            year, month = (groups[0], groups[1]) if kind == "year_month" else (groups[1], groups[0])
            return datetime.date(int(year), int(month), 1)
    except (ValueError, KeyError):
        return None
    return None


def _planned_start(items: list[Sentence], result: Extraction) -> None:
    """The first date in a sentence about starting ('FPI Q2 2027' is 1 April 2027, 'mid-2027' 1 July)."""
    for item in items:
        if not _START_WORDS.search(item.text):
            continue
        dates = []
        for pattern, kind in _DATE_PATTERNS:
            for m in pattern.finditer(item.text):
                if (when := _to_date(kind, m.groups())) and 2000 < when.year < 2100:
                    dates.append((m.start(), -(m.end() - m.start()), when))
        if dates:
            result.set("planned_start", min(dates)[2], item.text)
            return


def extract(text: str, terms: Iterable[Term]) -> Extraction:
    """Every field the synopsis gives, with the sentence it came from."""
    result = Extraction()
    text = (text or "").replace("\u00a0", " ").replace("\u2009", " ")
    if not text.strip():
        return result
    taxonomy = Taxonomy(terms)
    items = sentences(text)
    hits = taxonomy.hits(items)
    _title(text, result)
    _phase(items, hits, result)
    _modality(items, hits, result)
    _populations(items, hits, result)
    _tumour_types(items, hits, taxonomy, result)
    _requirements(items, hits, taxonomy, result)
    _sites(items, result)
    _patients(items, result)
    _planned_start(items, result)
    return result


def score(found: dict, expected: dict) -> tuple[int, int, list[str]]:
    """How many expected fields were read right (lists compared as sets), of how many, and which were wrong."""
    right, wrong = 0, []
    for name, want in expected.items():
        got = found.get(name)
        if name == "requirements":
            got = {(r["capability"], r["necessity"]) for r in got or []}
            want = {(r["capability"], r["necessity"]) for r in want or []}
        elif isinstance(want, list):
            got, want = set(got or []), set(want)
        elif name == "planned_start" and isinstance(got, datetime.date):
            got = got.isoformat()
        elif name == "title" and got:
            got, want = " ".join(got.split()).casefold(), " ".join((want or "").split()).casefold()
        if got == want:
            right += 1
        else:
            wrong.append(f"{name}: expected {want!r}, got {got!r}")
    return right, len(expected), wrong
