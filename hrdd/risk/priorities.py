"""Explainable prioritisation of a buyer's suppliers (documented in docs/risk.md).

Pure functions, no database: the inputs are the facts of the editions an assessment used
(method.facts), the goods the list names, and per supplier what the buyer's list says and
what its disclosed answers signal. The output per supplier is a score 0-100, a level, the
topic that drives it and a compact explanation that pages render as "why this supplier
first", sentence and breakdown.

Following the UN Guiding Principles, a supplier comes first where the most severe harm is
most likely:
- severity: how grave (scale), how widespread (scope) and how hard to remedy
  (irremediability) a harm on a topic is. SEVERITY holds scale and irremediability per
  topic; the supplier's workforce (and, for recruitment, its share of migrant workers) is
  its scope. An unknown workforce counts as average, never as small;
- likelihood: the inherent risk of the places it works in, for the goods it makes there
  (method.place_scores); unknown counts as the middle of the scale, and says so;
- a disclosed answer that signals a risk raises the likelihood on its topic; answers never
  lower it (a self-assessment does not clear a documented problem), and answers from a
  confidential campaign are never read (the caller only passes disclosed ones);
- leverage (the buyer's spend) does not make a harm more severe: it orders suppliers of
  equal score and is shown beside the score, as the UNGPs ask it to shape the response;
- the buyer's own adjustment, with its reason, is added last and shown as such.
"""

import json
from dataclasses import dataclass, field

from hrdd.risk import method
from hrdd.risk.goods import GoodsIndex, sectors_for_industry

# Scale and irremediability of harm per topic, 0-1 (docs/risk.md explains each value).
SEVERITY = {
    method.FORCED: 1.0,
    method.CHILD: 1.0,
    method.MIGRANT: 0.85,
    method.SAFETY: 0.85,
    method.ASSOCIATION: 0.6,
    method.DISCRIMINATION: 0.6,
}
# Scope: how many people a harm at this supplier reaches (its workforce band).
SCOPE_BY_SIZE = {"1-9": 0.7, "10-49": 0.8, "50-249": 0.9, "250-999": 1.0, "1000+": 1.1}
# Scope of the migrant-recruitment topic: the share of migrant workers, where known.
SCOPE_BY_MIGRANT_SHARE = {"0": 0.5, "1-25": 0.9, "26-50": 1.0, "51-100": 1.1}
UNKNOWN_LIKELIHOOD = 50.0
ANSWER_LIKELIHOOD = {"high": 85.0, "medium": 60.0}
HIGH_FROM, MEDIUM_FROM = 60.0, 35.0
ADJUSTMENT_LIMIT = 50
LEVERAGE = {"high": 3, "medium": 2, "low": 1}

# The topics of the built-in questionnaires (and of imported ones that use the same codes)
# on the risk topics; a topic not named here signals nothing to the ranking.
ANSWER_TOPICS = {
    "forced_labour": method.FORCED,
    "documents": method.FORCED,
    "identity_documents": method.FORCED,
    "debt": method.FORCED,
    "movement": method.FORCED,
    "coercion": method.FORCED,
    "working_time": method.FORCED,
    "wages": method.FORCED,
    "wages_hours": method.FORCED,
    "housing": method.FORCED,
    "child_labour": method.CHILD,
    "recruitment": method.MIGRANT,
    "recruitment_fees": method.MIGRANT,
    "contracts": method.MIGRANT,
    "mobility_return": method.MIGRANT,
    "migrant_recruitment": method.MIGRANT,
    "health_safety": method.SAFETY,
    "representation": method.ASSOCIATION,
    "workers_rights": method.ASSOCIATION,
    "freedom_of_association": method.ASSOCIATION,
    "discrimination": method.DISCRIMINATION,
    "equal_treatment": method.DISCRIMINATION,
}
ANSWER_ORDER = {"medium": 1, "high": 2}


@dataclass(frozen=True)
class Place:
    """Where a supplier works: one of its sites, or the supplier itself when it has none."""

    country: str
    goods: tuple[str, ...]  # as the buyer wrote them
    site: str = ""  # the site's name; "" for the supplier's own country


@dataclass
class SupplierFacts:
    id: int
    industry: str
    size_band: str
    migrant_share: str
    spend_band: str
    places: list[Place]
    answers: dict[str, str] = field(default_factory=dict)  # risk topic -> "high"/"medium"
    adjustment: int = 0


@dataclass(slots=True)  # a ranking holds one per supplier
class Priority:
    supplier_id: int
    score: float
    level: str
    topic: str
    leverage: int
    why: dict


def answer_signals(flags: list[dict[str, str]]) -> dict[str, str]:
    """Risk topic -> the highest risk that disclosed answers signal on it, from the
    questionnaire topics' flags of one supplier's responses (detailed.selectors.risk_flags)."""
    out: dict[str, str] = {}
    for response_flags in flags:
        for question_topic, risk in response_flags.items():
            topic = ANSWER_TOPICS.get(question_topic)
            if topic is None or risk not in ANSWER_ORDER:
                continue
            if ANSWER_ORDER[risk] > ANSWER_ORDER.get(out.get(topic, ""), 0):
                out[topic] = risk
    return out


def level_of(score: float) -> str:
    if score >= HIGH_FROM:
        return method.HIGH
    if score >= MEDIUM_FROM:
        return method.MEDIUM
    return method.LOW


class Prioritiser:
    """Scores suppliers against one assessment's facts; places are scored once per
    (country, sectors, goods), so a list of 100,000 suppliers costs a few thousand scorings."""

    def __init__(
        self, facts: dict[str, method.CountryFacts], goods: GoodsIndex, *, why_as_json=False
    ):
        # why_as_json: each explanation kept as its JSON text, as it is stored; a ranking of
        # 100,000 suppliers holds tens of thousands of them, and the text is half the dict's
        # memory (bench/priorities.py, memory target).
        self.why_as_json = why_as_json
        self.facts = facts
        self.goods = goods
        self._places: dict[tuple, dict[str, dict]] = {}
        self._country_goods: dict[str, frozenset[str]] = {}
        self._scores: dict[tuple, Priority] = {}
        self._matches: dict[str, list[str]] = {}
        self._at: dict[tuple, tuple[dict[str, dict], list[str]]] = {}

    def place(self, place: Place, industry: str) -> tuple[dict[str, dict], list[str]]:
        """Each topic's result at `place`, and the goods made there that the list names in
        that country (the only ones that change its scores)."""
        known = self._at.get((place.country, place.goods, industry))
        if known is None:
            known = self._at[place.country, place.goods, industry] = self._place(place, industry)
        return known

    def _place(self, place: Place, industry: str) -> tuple[dict[str, dict], list[str]]:
        listed: set[str] = set()
        for good in place.goods:
            if good not in self._matches:
                self._matches[good] = self.goods.match(good)
            listed.update(self._matches[good])
        sectors = sectors_for_industry(industry)
        relevant = frozenset(listed & self._listed_in(place.country))
        # The key leaves out goods not listed in the country, so that suppliers of one
        # country and industry share one scoring.
        key = (place.country, sectors, relevant if place.goods else None)
        if key not in self._places:
            self._places[key] = method.place_scores(self.facts.get(place.country), *key[1:])
        return self._places[key], sorted(relevant)

    def _listed_in(self, code: str) -> frozenset[str]:
        if code not in self._country_goods:
            country = self.facts.get(code)
            self._country_goods[code] = frozenset(
                s.good
                for signals in (country.by_sector.values() if country else ())
                for s in signals
            )
        return self._country_goods[code]

    def score(self, supplier: SupplierFacts) -> Priority:
        """The supplier's priority; suppliers alike in everything that is scored share one
        result (and one `why`), so 100,000 suppliers cost a few thousand scorings."""
        scored = [
            (place, *self.place(place, supplier.industry))
            for place in supplier.places or [Place(country="", goods=())]
        ]
        key = (
            tuple((p.country, p.site, id(results), tuple(listed)) for p, results, listed in scored),
            supplier.industry,
            supplier.size_band,
            supplier.migrant_share,
            tuple(sorted(supplier.answers.items())),
            supplier.adjustment,
        )
        known = self._scores.get(key)
        if known is None:
            known = self._scores[key] = self._score(supplier, scored)
            if self.why_as_json:
                known.why = json.dumps(known.why, separators=(",", ":"))
        return Priority(
            supplier_id=supplier.id,
            score=known.score,
            level=known.level,
            topic=known.topic,
            leverage=LEVERAGE.get(supplier.spend_band, 0),
            why=known.why,
        )

    def _score(self, supplier: SupplierFacts, scored: list) -> Priority:
        worst: dict[str, tuple[dict, Place, list[str]]] = {}
        for place, results, listed in scored:
            for topic, result in results.items():
                if topic not in worst or method.worse(result, worst[topic][0]):
                    worst[topic] = (result, place, listed)
        size_scope = SCOPE_BY_SIZE.get(supplier.size_band, 1.0)
        topics, details = {}, {}
        for topic in method.TOPICS:
            result = worst[topic][0]
            known = result["score"] is not None
            likelihood = result["score"] if known else UNKNOWN_LIKELIHOOD
            answer = supplier.answers.get(topic, "")
            if answer:
                likelihood = max(likelihood, ANSWER_LIKELIHOOD[answer])
            scope = size_scope
            if topic == method.MIGRANT:
                scope *= SCOPE_BY_MIGRANT_SHARE.get(supplier.migrant_share, 1.0)
            topics[topic] = round(min(100.0, SEVERITY[topic] * scope * likelihood), 1)
            details[topic] = (result, likelihood, scope, answer)
        topic = max(method.TOPICS, key=lambda t: (topics[t], -method.TOPICS.index(t)))
        result, likelihood, scope, answer = details[topic]
        _, place, listed = worst[topic]
        adjustment = max(-ADJUSTMENT_LIMIT, min(ADJUSTMENT_LIMIT, supplier.adjustment))
        score = round(max(0.0, min(100.0, topics[topic] + adjustment)), 1)
        signals = sorted(result["explanation"], key=lambda item: -item["contribution"])[:3]
        why = {
            "topic": topic,
            "country": place.country,
            "site": place.site,
            "sector": result["sector"],
            "inherent": result["level"],
            "inherent_score": result["score"],
            "floor": result["floor"],
            "likelihood": round(likelihood, 1),
            "severity": SEVERITY[topic],
            "scope": round(scope, 3),
            "size_band": supplier.size_band,
            "answer": answer,
            "adjustment": adjustment,
            "goods": listed,
            "signals": [
                [s["signal"], s["value"], s["edition_id"], s["contribution"]] for s in signals
            ],
            "topics": topics,
            "unknown": [t for t in method.TOPICS if details[t][0]["score"] is None],
            # What the score assumed for want of data, said in the explanation.
            "no_goods": not place.goods and bool(place.country),
            "no_industry": supplier.industry in ("", "other"),
            "unlisted": [g for g in place.goods if not self._matches.get(g)],
        }
        return Priority(
            supplier_id=supplier.id,
            score=score,
            level=level_of(score),
            topic=topic,
            leverage=LEVERAGE.get(supplier.spend_band, 0),
            why=why,
        )


def ranked(priorities: list[Priority], names: dict[int, str]) -> list[Priority]:
    """Highest score first; among equals, more leverage first, then by name."""
    return sorted(
        priorities,
        key=lambda p: (-p.score, -p.leverage, names.get(p.supplier_id, "").casefold()),
    )
