"""'Measures to consider': recommended actions for the topics where a released Summary
Report shows risk. Reads only the release (what the policy let through), so a
recommendation can never reveal more than the figures beside it: a topic counts when a risky
answer's share, or the topic's risk indicator, is above its margin of error.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from hrdd import policy
from hrdd.questionnaires.definition import Definition, Question

MEASURES_FILE = Path(__file__).parent / "measures.yaml"
RISKY = {"medium": 1, "high": 2}


@cache
def _measures() -> dict:
    if not MEASURES_FILE.exists():
        return {}
    return yaml.safe_load(MEASURES_FILE.read_text(encoding="utf-8"))["measures"]


def _evident(share: int, margin: int | None) -> bool:
    """Whether a released share shows, beyond its margin, that some suppliers gave it."""
    return margin is not None and share > margin


def _signals(question: Question, item: dict) -> list[tuple[str, str]]:
    """(risk, topic) for every risky answer the release shows as given beyond its margin."""
    risk_of = {o.code: (o.risk, (question.topic, *o.topics)) for o in question.options}
    risk_of.update({b.code: (b.risk, (question.topic,)) for b in question.bands})
    found = []
    results = []
    if item["status"] == policy.SHOWN:
        results = [item]
    elif item["status"] == policy.GRID:
        results = [r for r in item["rows"].values() if r["status"] == policy.SHOWN]
    for result in results:
        for code, share in result["cells"].items():
            risk, topics = risk_of.get(code, (None, ()))
            if risk in RISKY and _evident(share, result["margin"]):
                found.extend((risk, topic) for topic in topics)
    return found


def measures_for_release(*, content: dict, definition: Definition, language: str) -> list[dict]:
    """Topics with risk signals, most serious first, each with our recommended actions."""
    by_code = {item["code"]: item for item in content.get("questions", [])}
    topics: dict[str, dict] = {}
    # A topic whose risk indicator shows, beyond its margin, that some suppliers signal a risk
    # on it is flagged even where no single question's figure is precise enough yet.
    for indicator in content.get("indicators") or []:
        if indicator["status"] == policy.SHOWN and _evident(
            indicator["share"], indicator["margin"]
        ):
            topics.setdefault(indicator["topic"], {"level": RISKY["medium"], "questions": []})
    for question in definition.questions:
        item = by_code.get(question.code)
        if item is None:
            continue
        for risk, topic in _signals(question, item):
            entry = topics.setdefault(topic, {"level": 0, "questions": []})
            entry["level"] = max(entry["level"], RISKY[risk])
            text = question.text.get(language)
            if text not in entry["questions"]:
                entry["questions"].append(text)
    measures = _measures()
    result = []
    for topic, entry in sorted(topics.items(), key=lambda kv: -kv[1]["level"]):
        known = measures.get(topic)
        if not known or topic not in definition.topics:
            continue
        result.append(
            {
                "topic": definition.topics[topic].get(language),
                "level": "high" if entry["level"] == RISKY["high"] else "medium",
                "questions": entry["questions"],
                "actions": [a.get(language) or a["en"] for a in known["actions"]],
                "sources": known["sources"],
            }
        )
    return result
