"""'Measures to consider': recommended actions for the topics where a released Summary
Report shows risk. Reads only the release (what the policy let through), so a
recommendation can never reveal more than the figures beside it: a risky answer counts when
its figure is shown above zero, hidden (hidden figures are never zero), or the most common.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from hrdd.questionnaires.definition import Definition, Question
from hrdd.reports import policy

MEASURES_FILE = Path(__file__).parent / "measures.yaml"
RISKY = {"medium": 1, "high": 2}


@cache
def _measures() -> dict:
    if not MEASURES_FILE.exists():
        return {}
    return yaml.safe_load(MEASURES_FILE.read_text(encoding="utf-8"))["measures"]


def _chosen(result: dict, status_key: str = "status") -> bool:
    """Whether a released cell says at least one supplier gave this answer."""
    cell = result.get("cell", result)
    if result.get(status_key) == policy.DOMINANT:
        return True
    count = cell.get("count")
    return count is None or count > 0


def _signals(question: Question, item: dict) -> list[tuple[str, str]]:
    """(risk, topic) for every risky answer the release shows as given."""
    risk_of = {o.code: (o.risk, (question.topic, *o.topics)) for o in question.options}
    risk_of.update({b.code: (b.risk, (question.topic,)) for b in question.bands})
    found = []

    def add(code: str) -> None:
        risk, topics = risk_of.get(code, (None, ()))
        if risk in RISKY:
            found.extend((risk, topic) for topic in topics)

    status = item["status"]
    if status == policy.DOMINANT:
        add(item["dominant"])
    elif status == policy.SHOWN and "options" in item:
        for code, result in item["options"].items():
            if (
                result["status"] == policy.DOMINANT
                or (result["status"] == policy.WITHHELD and result["cell"]["count"] is None)
                or result["cell"]["count"]
            ):
                add(code)
    elif status == policy.SHOWN:
        for code, cell in item["cells"].items():
            if cell.get("count") is None or cell.get("count"):
                add(code)
    elif status == policy.GRID:
        for row in item["rows"].values():
            if row["status"] == policy.DOMINANT:
                add(row["dominant"])
            elif row["status"] == policy.SHOWN:
                for code, cell in row["cells"].items():
                    if cell.get("count") is None or cell.get("count"):
                        add(code)
    return found


def measures_for_release(*, content: dict, definition: Definition, language: str) -> list[dict]:
    """Topics with risk signals, most serious first, each with our recommended actions."""
    by_code = {item["code"]: item for item in content.get("questions", [])}
    topics: dict[str, dict] = {}
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
