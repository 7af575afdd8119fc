"""The inherent-risk method (documented in docs/risk.md): pure functions, no database.

Inputs are the rows of given dataset editions; the output is, per (country, sector) and
topic, a level (low / medium / high / unknown), a score 0-100 (None when unknown) and the
explanation: every signal used, with its dataset, edition, value, weight and contribution.

Rules that keep the method honest:
- a topic with no signal for a cell is UNKNOWN, never low;
- being absent from a list (TVPRA, TIP Tier 2 Watch List / Tier 3) is no signal at all:
  those lists name problems, they do not clear anyone;
- a listing in the TVPRA list or a Tier 3 placement sets a floor on the level, so that a
  good governance score cannot average a documented problem away.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from hrdd.reference.specs import SECTORS  # the TVPRA's sectors: the heat map's columns

LOW, MEDIUM, HIGH, UNKNOWN = "low", "medium", "high", "unknown"
LEVELS = (HIGH, MEDIUM, LOW, UNKNOWN)
ORDER = {UNKNOWN: -1, LOW: 0, MEDIUM: 1, HIGH: 2}

FORCED, CHILD, MIGRANT, SAFETY, ASSOCIATION, DISCRIMINATION = (
    "forced_labour",
    "child_labour",
    "migrant_recruitment",
    "health_safety",
    "freedom_of_association",
    "discrimination",
)
TOPICS = (FORCED, CHILD, MIGRANT, SAFETY, ASSOCIATION, DISCRIMINATION)
# The reference datasets the method combines (hrdd/reference/specs.py codes).
DATASETS = ("tvpra", "child_labor_findings", "tip", "wgi")

# Score thresholds (0-100).
HIGH_FROM = 65.0
MEDIUM_FROM = 40.0

# Weights of each signal per topic. A signal that is missing for a cell is left out and
# the score is the weighted mean of the signals present.
WEIGHTS = {
    FORCED: {"tvpra_forced": 0.45, "tvpra_inputs": 0.15, "tip": 0.25, "wgi_rl": 0.15},
    CHILD: {"tvpra_child": 0.45, "cl_share": 0.25, "cl_advancement": 0.15, "wgi_rl": 0.15},
    MIGRANT: {"tip": 0.6, "wgi_rl": 0.4},
    SAFETY: {"wgi_ge": 0.6, "wgi_rl": 0.4},
    ASSOCIATION: {"wgi_va": 0.7, "wgi_rl": 0.3},
    DISCRIMINATION: {"wgi_va": 0.5, "wgi_rl": 0.5},
}
# Signals that set a floor on the level whatever the others say.
FLOORS = {"tvpra_forced": HIGH, "tvpra_child": HIGH, "tip_tier3": HIGH, "tip_watch": MEDIUM}

ADVANCEMENT = {  # DOL ILAB assessment → risk value 0-1 (prefix match on the published label)
    "No Advancement": 1.0,
    "Minimal Advancement": 0.67,
    "Moderate Advancement": 0.33,
    "Significant Advancement": 0.0,
}
TIP_VALUES = {"Tier 3": 1.0, "Tier 2 Watch List": 0.5}
# A working-children share at or above this counts as the full signal.
CHILD_SHARE_FULL = 0.2


@dataclass
class Signal:
    key: str  # a WEIGHTS key
    dataset: str
    edition_id: int
    value: str  # the published value, as text
    risk: float  # 0-1
    floor: str = ""  # FLOORS key, if this signal sets one
    good: str = ""  # the listed good a TVPRA signal is about


@dataclass
class Inputs:
    """Rows of the editions to combine, by dataset code, with the editions' ids."""

    rows: dict[str, list[dict]]
    edition_ids: dict[str, int]

    def of(self, code: str) -> list[dict]:
        return self.rows.get(code, [])


@dataclass
class CountryFacts:
    signals: list[Signal] = field(default_factory=list)  # apply to every sector
    by_sector: dict[str, list[Signal]] = field(default_factory=lambda: defaultdict(list))
    goods: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _number(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _sector(row: dict) -> str:
    sector = (row.get("sector") or "").strip().title()
    return sector if sector in SECTORS else "Other"


def facts(inputs: Inputs) -> dict[str, CountryFacts]:
    """What the editions say about each country: its own signals, its listed goods'."""
    by_country: dict[str, CountryFacts] = defaultdict(CountryFacts)
    ids = inputs.edition_ids

    for row in inputs.of("tvpra"):
        country = row["country_iso2"]
        if not country:
            continue
        f, sector, good = by_country[country], _sector(row), row.get("good", "")
        inputs_only = row.get("produced_with_listed_inputs") == "yes"
        for column, key in (("forced_labor", "tvpra_forced"), ("child_labor", "tvpra_child")):
            if row.get(column) == "yes":
                f.by_sector[sector].append(
                    Signal(key, "tvpra", ids["tvpra"], good, 1.0, floor=key, good=good)
                )
        if inputs_only:
            source = row.get("input_source_country_iso2") or row.get("input_source_country")
            inputs_from = f"{good} ← {source}" if source else good
            f.by_sector[sector].append(
                Signal("tvpra_inputs", "tvpra", ids["tvpra"], inputs_from, 1.0, good=good)
            )
        f.goods[sector].append(good)

    tip_rows = inputs.of("tip")
    if tip_rows:
        latest = max(int(float(r["tip_report_year"])) for r in tip_rows)
        for row in tip_rows:
            if int(float(row["tip_report_year"])) != latest or not row["country_iso2"]:
                continue
            tier = row["tier"]
            risk = TIP_VALUES.get(tier)
            if risk is None:
                continue
            floor = "tip_tier3" if tier == "Tier 3" else "tip_watch"
            by_country[row["country_iso2"]].signals.append(
                Signal("tip", "tip", ids["tip"], f"{tier} ({latest})", risk, floor=floor)
            )

    for row in inputs.of("child_labor_findings"):
        country = row["country_iso2"]
        if not country:
            continue
        share = _number(row.get("working_children_share"))
        if share is not None:
            by_country[country].signals.append(
                Signal(
                    "cl_share",
                    "child_labor_findings",
                    ids["child_labor_findings"],
                    f"{share:.1%} ({row.get('working_children_age_range', '')})",
                    min(1.0, share / CHILD_SHARE_FULL),
                )
            )
        level = row.get("advancement_level", "")
        risk = next((v for k, v in ADVANCEMENT.items() if level.startswith(k)), None)
        if risk is not None:
            by_country[country].signals.append(
                Signal(
                    "cl_advancement",
                    "child_labor_findings",
                    ids["child_labor_findings"],
                    level,
                    risk,
                )
            )

    for row in inputs.of("wgi"):
        country = row["country_iso2"]
        if not country:
            continue
        for dim in ("rl", "ge", "va"):
            rank = _number(row.get(f"{dim}_pctrank"))
            if rank is not None:
                by_country[country].signals.append(
                    Signal(
                        f"wgi_{dim}",
                        "wgi",
                        ids["wgi"],
                        f"{rank:g}",
                        (100 - rank) / 100,
                    )
                )
    return by_country


def _level(score: float) -> str:
    if score >= HIGH_FROM:
        return HIGH
    if score >= MEDIUM_FROM:
        return MEDIUM
    return LOW


def score_topic(topic: str, signals: list[Signal]) -> dict:
    """One topic of one cell from its signals: level, score, explanation."""
    weights = WEIGHTS[topic]
    used: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        if signal.key in weights:
            used[signal.key].append(signal)
    if not used:
        return {"level": UNKNOWN, "score": None, "floor": "", "explanation": []}
    total_weight = sum(weights[key] for key in used)
    score, explanation, floor = 0.0, [], LOW
    for key, group in used.items():
        risk = max(s.risk for s in group)  # several listed goods count once, at their worst
        share = weights[key] / total_weight
        score += 100 * risk * share
        for s in group:
            explanation.append(
                {
                    "signal": key,
                    "dataset": s.dataset,
                    "edition_id": s.edition_id,
                    "value": s.value,
                    "risk": round(s.risk, 3),
                    "weight": round(share, 3),
                    "contribution": round(100 * risk * share / len(group), 1),
                }
            )
            if s.floor and ORDER[FLOORS[s.floor]] > ORDER[floor]:
                floor = FLOORS[s.floor]
    level = _level(score)
    if ORDER[floor] > ORDER[level]:
        level = floor
    return {
        "level": level,
        "score": round(score, 1),
        "floor": floor if floor != LOW else "",
        "explanation": explanation,
    }


def assess(inputs: Inputs) -> dict:
    """Every (country, sector) × topic: {"cells": {country: {sector: {topic: result}}},
    "goods": {country: {sector: [goods]}}}."""
    by_country = facts(inputs)
    cells, goods = {}, {}
    for country in sorted(by_country):
        f = by_country[country]
        cells[country] = {
            sector: {
                topic: score_topic(topic, f.signals + f.by_sector.get(sector, []))
                for topic in TOPICS
            }
            for sector in SECTORS
        }
        goods[country] = {s: sorted(set(g)) for s, g in f.goods.items()}
    return {"cells": cells, "goods": goods}


def worse(a: dict, b: dict) -> bool:
    """Whether topic result `a` is worse than `b`: a higher level, then a higher score."""
    return (ORDER[a["level"]], a["score"] or -1.0) > (ORDER[b["level"]], b["score"] or -1.0)


def place_scores(
    country: CountryFacts | None, sectors: tuple[str, ...], goods: set[str] | None
) -> dict[str, dict]:
    """Each topic at one place (a country, the sectors a supplier may work in there, its
    goods as the list names them), at its worst over the sectors.

    `goods` None: the supplier's goods are not known, so every listed good of its sectors
    counts (unknown is never read as low). A set: only the listed goods it makes count; an
    empty set, none (its goods are known and none is listed). The result of each topic also
    names the sector it comes from."""
    out: dict[str, dict] = {}
    country = country or CountryFacts()
    for sector in sectors:
        listed = [s for s in country.by_sector.get(sector, []) if goods is None or s.good in goods]
        for topic in TOPICS:
            result = {**score_topic(topic, country.signals + listed), "sector": sector}
            if topic not in out or worse(result, out[topic]):
                out[topic] = result
    return out
