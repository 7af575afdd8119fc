"""Questionnaire definitions: a YAML/JSON file, validated, turned into immutable objects.

The file format is published as a JSON Schema (schema/questionnaire-1.schema.json). Schema
validation catches structural mistakes; `parse_definition` adds the rules a schema cannot
express (unique codes, every text in every declared language, known topics, choice questions
having options). Every error names the file, the question code and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).parent / "schema" / "questionnaire-1.schema.json"
DEFAULT_LANGUAGE = "en"

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
YES_NO = "yes_no"
NUMBER = "number"
PERCENTAGE = "percentage"
DATE = "date"
COUNTRY = "country"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
TEXT = "text"  # format 1's name for long_text, still accepted
GRID = "grid"
CHOICE_TYPES = {SINGLE_CHOICE, MULTIPLE_CHOICE, YES_NO}
OPTION_TYPES = CHOICE_TYPES | {GRID}
TEXT_TYPES = {SHORT_TEXT, LONG_TEXT, TEXT}
NUMERIC_TYPES = {NUMBER, PERCENTAGE}
YES_NO_CODES = {"yes", "no", "dont_know", "prefer_not_to_say"}
# "Don't know" and "prefer not to say": the special answers a number, percentage, date or
# country question may accept next to its field (`special_answers`), stored by these codes.
SPECIAL_CODES = ("dont_know", "prefer_not_to_say")
SPECIAL_ANSWER_TYPES = {NUMBER, PERCENTAGE, DATE, COUNTRY}
DEFAULT_TEXT_MAX_LENGTH = 2000
DEFAULT_SHORT_TEXT_MAX_LENGTH = 200


class DefinitionError(Exception):
    """A questionnaire file is invalid. `errors` lists every problem, each fully located."""

    def __init__(self, source: str, errors: list[str]):
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(errors))


@dataclass(frozen=True)
class Text:
    """A text in several languages; falls back to English, and says when it did."""

    values: dict[str, str]

    def get(self, language: str) -> str:
        return self.resolve(language)[0]

    def resolve(self, language: str) -> tuple[str, bool]:
        """(text, is_fallback): the text in `language`, else in English, else any."""
        if language in self.values:
            return self.values[language], False
        base = language.split("-")[0]
        if base in self.values:
            return self.values[base], False
        if DEFAULT_LANGUAGE in self.values:
            return self.values[DEFAULT_LANGUAGE], True
        return next(iter(self.values.values())), True


# The risk levels of an option that count as a risk signal (reports' topic indicators).
RISK_SIGNAL_LEVELS = ("medium", "high")


@dataclass(frozen=True)
class Option:
    code: str
    text: Text
    risk: str | None = None
    special: str | None = None
    topics: tuple[str, ...] = ()
    exclusive: bool = False
    indicators: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    code: str
    text: Text


@dataclass(frozen=True)
class Band:
    """A range of a number question's answers that reports count together."""

    code: str
    text: Text
    min: Decimal | None = None
    max: Decimal | None = None
    risk: str | None = None
    indicators: tuple[str, ...] = ()

    def contains(self, value: Decimal) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: Text
    topic: str
    section: str
    required: bool = False
    help: Text | None = None
    max_length: int = DEFAULT_TEXT_MAX_LENGTH
    options: tuple[Option, ...] = ()
    show_if: dict | None = None
    required_if: dict | None = None
    rows: tuple[Row, ...] = ()
    unit: Text | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    integer: bool = False
    bands: tuple[Band, ...] = ()
    # Number, percentage, date and country questions: the special answers accepted instead of
    # a value, as options with no risk (code == special: dont_know, prefer_not_to_say).
    special_answers: tuple[Option, ...] = ()
    # The answer shown filled in (XLSForm's `default`), which the supplier can change.
    default: str | int | float | tuple[str, ...] | None = None

    @property
    def is_choice(self) -> bool:
        """Answered with one or more of its own options (single, multiple, yes/no)."""
        return self.type in CHOICE_TYPES

    @property
    def is_multiple(self) -> bool:
        return self.type == MULTIPLE_CHOICE

    @property
    def is_text(self) -> bool:
        """Free text: stored for the supplier's receipt, never shown in a summary."""
        return self.type in TEXT_TYPES

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def is_grid(self) -> bool:
        return self.type == GRID

    def band_for(self, value: Decimal) -> Band | None:
        return next((b for b in self.bands if b.contains(value)), None)

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    def special_answer(self, code: str) -> Option | None:
        """The declared special answer ("don't know", ...) with this code, if any."""
        return next((o for o in self.special_answers if o.code == code), None)

    @property
    def risk_signals(self) -> dict[str, frozenset[str]]:
        """Option or band code -> the topics on which choosing it signals a risk (a medium or
        high risk level): the question's own topic and the option's extra topics."""
        out = {}
        for option in self.options:
            if option.risk in RISK_SIGNAL_LEVELS:
                out[option.code] = frozenset((self.topic, *option.topics))
        for band in self.bands:
            if band.risk in RISK_SIGNAL_LEVELS:
                out[band.code] = frozenset((self.topic,))
        return out

    @property
    def special_codes(self) -> frozenset[str]:
        """Codes of the answers that are no substantive answer: a choice question's options
        marked `special`, or the declared `special_answers` of other questions."""
        return frozenset(o.code for o in (*self.options, *self.special_answers) if o.special)


@dataclass(frozen=True)
class Section:
    code: str
    title: Text
    questions: tuple[Question, ...]
    show_if: dict | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    version: int
    languages: tuple[str, ...]
    title: Text
    description: Text | None
    topics: dict[str, Text]
    sections: tuple[Section, ...]
    sources: tuple[dict, ...] = ()
    draft_languages: tuple[str, ...] = ()
    indicator_framework: Text | None = None
    indicators: dict[str, Text] = field(default_factory=dict)
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def complete_languages(self) -> tuple[str, ...]:
        """Languages with every text written and reviewed by the authors."""
        return tuple(lang for lang in self.languages if lang not in self.draft_languages)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def checksum(self) -> str:
        return checksum(self.raw)

    def signalled_topics(self, rows: Iterable[tuple[str, str]]) -> set[str]:
        """The topics of the questions in which a response's answer rows (question code,
        option code; a grid row's code is "question.row") give an answer that signals a
        risk. Only the question's own topic counts, so that one answer moves one topic's
        count at most (reports' topic indicators are calibrated to that)."""
        signals = {q.code: (q.topic, q.risk_signals) for q in self.questions}
        found: set[str] = set()
        for question_code, option_code in rows:
            topic, risky = signals.get(question_code.split(".")[0], ("", {}))
            if option_code in risky:
                found.add(topic)
        return found


def checksum(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(schema)


def _where(data: dict, path: list) -> str:
    """Turn a JSON path into words a questionnaire author recognises."""
    parts: list[str] = []
    node: Any = data
    for key in path:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            parts.append(str(key))
            continue
        if isinstance(key, int) and isinstance(node, dict) and "code" in node:
            parts[-1] = f"{parts[-1]} {node['code']!r}"
        elif isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key + 1}]"
        else:
            parts.append(str(key))
    return " > ".join(parts) or "top level"


class _Loader(yaml.SafeLoader):
    """YAML without YAML 1.1's surprises: `yes`, `no`, `on`, `off` stay strings (they are
    option codes here); only true/false are booleans.

    Aliases (`*name`) are refused where they appear: nested aliases expand exponentially
    (a 409-byte file took 22 s and 3.4 GB), and a questionnaire has no need of them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"aliases (*{event.anchor}) are not allowed in questionnaire files: write the "
                "value out in full",
                event.start_mark,
            )
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def load_file(path: Path) -> dict:
    """Read a YAML or JSON questionnaire file into plain data, with a clear error if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(str(path), [f"cannot read the file: {exc.strerror}"]) from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else load_yaml(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise DefinitionError(str(path), [f"not valid YAML/JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise DefinitionError(str(path), ["the file must contain a mapping at the top level"])
    return data


def parse_definition(data: dict, *, source: str = "<definition>") -> Definition:
    """Validate `data` completely and return the definition, or raise DefinitionError."""
    errors = [
        f"{_where(data, list(e.absolute_path))}: {e.message}"
        for e in sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if errors:
        raise DefinitionError(source, errors)

    languages = tuple(data["languages"])
    drafts = tuple(data.get("draft_languages", ()))
    complete = [lang for lang in languages if lang not in drafts]
    topics = data["topics"]
    indicators = data.get("indicators", {})

    def text(value: dict, where: str) -> Text:
        # Complete languages need every text; a draft translation may miss some (the
        # supplier then sees the English text, marked as such).
        missing = [lang for lang in complete if not value.get(lang, "").strip()]
        if missing:
            errors.append(f"{where}: missing text for language(s) {', '.join(missing)}")
        unknown = sorted(set(value) - set(languages))
        if unknown:
            errors.append(f"{where}: language(s) {', '.join(unknown)} not declared in languages")
        return Text(dict(value))

    def check_indicators(codes: list[str], where: str) -> tuple[str, ...]:
        for code in codes:
            if code not in indicators:
                errors.append(f"{where} > indicators: unknown indicator {code!r}")
        return tuple(codes)

    title = text(data["title"], "title")
    description = text(data["description"], "description") if "description" in data else None
    topic_texts = {code: text(t, f"topics > {code}") for code, t in topics.items()}
    indicator_texts = {code: text(t, f"indicators > {code}") for code, t in indicators.items()}
    framework = data.get("indicator_framework")
    framework_text = text(framework, "indicator_framework") if framework else None
    for lang in drafts:
        if lang not in languages:
            errors.append(f"draft_languages: {lang!r} is not in languages")
    if DEFAULT_LANGUAGE in drafts:
        errors.append(f"draft_languages: {DEFAULT_LANGUAGE!r} cannot be a draft")

    earlier: dict[str, dict] = {}  # question code -> raw question, in file order
    seen_sections: set[str] = set()
    sections = []
    for s in data["sections"]:
        if s["code"] in seen_sections:
            errors.append(f"section {s['code']!r}: duplicate section code")
        seen_sections.add(s["code"])
        if "show_if" in s:
            _check_condition(s["show_if"], earlier, f"section {s['code']!r} > show_if", errors)
        questions = []
        for q in s["questions"]:
            questions.append(
                _parse_question(q, s["code"], earlier, topics, text, check_indicators, errors)
            )
            earlier[q["code"]] = q
        sections.append(
            Section(
                code=s["code"],
                title=text(s["title"], f"section {s['code']!r} > title"),
                questions=tuple(questions),
                show_if=s.get("show_if"),
            )
        )
    if DEFAULT_LANGUAGE not in languages:
        errors.append(f"languages: {DEFAULT_LANGUAGE!r} is required (it is the fallback)")
    if errors:
        raise DefinitionError(source, errors)
    return Definition(
        code=data["code"],
        version=data["version"],
        languages=languages,
        title=title,
        description=description,
        topics=topic_texts,
        sections=tuple(sections),
        sources=tuple(data.get("sources", [])),
        draft_languages=drafts,
        indicator_framework=framework_text,
        indicators=indicator_texts,
        raw=data,
    )


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _check_default(default, qtype: str, codes: set[str], where: str, errors: list[str]):
    """A default must be an answer the question accepts."""
    where = f"{where} > default"
    if qtype in (GRID, COUNTRY):
        errors.append(f"{where}: a {qtype} question has no default")
    elif qtype == MULTIPLE_CHOICE:
        if not isinstance(default, list) or not set(default) <= codes:
            errors.append(f"{where}: a list of the question's option codes")
    elif qtype in CHOICE_TYPES:
        if default not in codes:
            errors.append(f"{where}: {default!r} is not one of the question's option codes")
    elif qtype in NUMERIC_TYPES:
        if isinstance(default, bool) or not isinstance(default, int | float):
            errors.append(f"{where}: a number")
    elif qtype == DATE:
        if not isinstance(default, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", default):
            errors.append(f"{where}: a date as YYYY-MM-DD")
    elif not isinstance(default, str):
        errors.append(f"{where}: a text")


def _parse_question(q, section, earlier, topics, text, check_indicators, errors) -> Question:
    where = f"question {q['code']!r}"
    qtype = q["type"]
    if q["code"] in earlier:
        errors.append(f"{where}: duplicate question code")
    if q["topic"] not in topics:
        errors.append(f"{where} > topic: unknown topic {q['topic']!r}")
    raw_options = q.get("options", [])
    if qtype in OPTION_TYPES and not raw_options:
        errors.append(f"{where} > options: a {qtype} question needs options")
    if qtype not in OPTION_TYPES and raw_options:
        errors.append(f"{where} > options: a {qtype} question cannot have options")
    if qtype not in TEXT_TYPES and "max_length" in q:
        errors.append(f"{where} > max_length: only text questions have a maximum length")
    for key in ("unit", "min", "max", "integer", "bands"):
        if key in q and qtype not in NUMERIC_TYPES:
            errors.append(f"{where} > {key}: only number and percentage questions have {key}")
    if "special_answers" in q and qtype not in SPECIAL_ANSWER_TYPES:
        errors.append(
            f"{where} > special_answers: only number, percentage, date and country questions "
            "have special_answers (choice questions use options with special)"
        )
    special_answers = []
    for a in q.get("special_answers", []):
        awhere = f"{where} > special answer {a['code']!r}"
        if any(a["code"] == other.code for other in special_answers):
            errors.append(f"{awhere}: duplicate special answer")
        special_answers.append(
            Option(
                code=a["code"],
                text=text(a["text"], f"{awhere} > text"),
                special=a["code"],
                exclusive=True,
            )
        )
    if ("rows" in q) != (qtype == GRID):
        errors.append(f"{where} > rows: a grid question, and only a grid question, has rows")
    options = []
    seen: set[str] = set()
    for o in raw_options:
        owhere = f"{where} > option {o['code']!r}"
        if o["code"] in seen:
            errors.append(f"{owhere}: duplicate option code")
        seen.add(o["code"])
        if "special" in o and "risk" in o:
            errors.append(f"{owhere}: a special answer carries no risk level")
        if "special" not in o and "risk" not in o:
            errors.append(f"{owhere} > risk: every ordinary option needs a risk level")
        if o.get("exclusive") and qtype != MULTIPLE_CHOICE:
            errors.append(f"{owhere} > exclusive: only for multiple choice questions")
        if qtype == YES_NO and o["code"] not in YES_NO_CODES:
            errors.append(
                f"{owhere}: a yes_no question's options are {', '.join(sorted(YES_NO_CODES))}"
            )
        for t in o.get("topics", []):
            if t not in topics:
                errors.append(f"{owhere} > topics: unknown topic {t!r}")
        options.append(
            Option(
                code=o["code"],
                text=text(o["text"], f"{owhere} > text"),
                risk=o.get("risk"),
                special=o.get("special"),
                topics=tuple(o.get("topics", [])),
                # "Don't know" and "prefer not to say" never combine with other answers.
                exclusive=bool(o.get("exclusive") or o.get("special")),
                indicators=check_indicators(o.get("indicators", []), owhere),
            )
        )
    if qtype == YES_NO and not {"yes", "no"} <= seen:
        errors.append(f"{where} > options: a yes_no question needs the options yes and no")
    rows = []
    for r in q.get("rows", []):
        if any(r["code"] == other.code for other in rows):
            errors.append(f"{where} > row {r['code']!r}: duplicate row code")
        rows.append(Row(code=r["code"], text=text(r["text"], f"{where} > row {r['code']!r}")))
    low, high = _decimal(q.get("min")), _decimal(q.get("max"))
    if qtype == PERCENTAGE:
        low = Decimal(0) if low is None else low
        high = Decimal(100) if high is None else high
    if low is not None and high is not None and low > high:
        errors.append(f"{where} > min: min is greater than max")
    bands = []
    for b in q.get("bands", []):
        bwhere = f"{where} > band {b['code']!r}"
        band = Band(
            code=b["code"],
            text=text(b["text"], f"{bwhere} > text"),
            min=_decimal(b.get("min")),
            max=_decimal(b.get("max")),
            risk=b.get("risk"),
            indicators=check_indicators(b.get("indicators", []), bwhere),
        )
        if band.min is not None and band.max is not None and band.min > band.max:
            errors.append(f"{bwhere}: min is greater than max")
        if band.code in SPECIAL_CODES:
            # Reports count a special answer by its code, where a band's code also goes.
            errors.append(f"{bwhere}: {band.code!r} is reserved for a special answer")
        for other in bands:
            if other.code == band.code:
                errors.append(f"{bwhere}: duplicate band code")
            elif _overlap(other, band):
                errors.append(f"{bwhere}: overlaps band {other.code!r}")
        bands.append(band)
    for key in ("show_if", "required_if"):
        if key in q:
            _check_condition(q[key], earlier, f"{where} > {key}", errors)
    if "required_if" in q and "required" in q:
        errors.append(f"{where}: use either required or required_if, not both")
    default = q.get("default")
    if default is not None:
        _check_default(default, qtype, seen, where, errors)
        if isinstance(default, list):
            default = tuple(default)
    default_length = (
        DEFAULT_SHORT_TEXT_MAX_LENGTH if qtype == SHORT_TEXT else DEFAULT_TEXT_MAX_LENGTH
    )
    return Question(
        code=q["code"],
        type=LONG_TEXT if qtype == TEXT else qtype,
        text=text(q["text"], f"{where} > text"),
        topic=q["topic"],
        section=section,
        required=bool(q.get("required", False)),
        help=text(q["help"], f"{where} > help") if "help" in q else None,
        max_length=q.get("max_length", default_length),
        default=default,
        options=tuple(options),
        show_if=q.get("show_if"),
        required_if=q.get("required_if"),
        rows=tuple(rows),
        unit=text(q["unit"], f"{where} > unit") if "unit" in q else None,
        min=low,
        max=high,
        integer=bool(q.get("integer", False)),
        bands=tuple(bands),
        special_answers=tuple(special_answers),
    )


def _overlap(a: Band, b: Band) -> bool:
    lo = max(x for x in (a.min, b.min, Decimal("-Infinity")) if x is not None)
    hi = min(x for x in (a.max, b.max, Decimal("Infinity")) if x is not None)
    return lo <= hi


def _check_condition(condition: dict, earlier: dict[str, dict], where: str, errors) -> None:
    """A condition may refer only to earlier questions, to their own options or rows, and
    compare in a way that fits the question's type."""
    for key in ("all", "any"):
        if key in condition:
            for part in condition[key]:
                _check_condition(part, earlier, where, errors)
            return
    if "not" in condition:
        _check_condition(condition["not"], earlier, where, errors)
        return
    ref = condition["question"]
    code, _, row = ref.partition(".")
    target = earlier.get(code)
    if target is None:
        errors.append(f"{where}: refers to {ref!r}, which is not an earlier question")
        return
    qtype = target["type"]
    if row and (qtype != GRID or row not in {r["code"] for r in target.get("rows", [])}):
        errors.append(f"{where}: {code!r} has no grid row {row!r}")
        return
    if qtype == GRID and not row:
        errors.append(f"{where}: refer to one row of grid {code!r}, as {code}.<row>")
        return
    options = {o["code"] for o in target.get("options", [])}
    op = next(k for k in condition if k != "question")
    values = condition[op] if op == "in" else [condition[op]]
    if op in {"gt", "gte", "lt", "lte"} and qtype not in NUMERIC_TYPES:
        errors.append(f"{where}: {op} compares numbers, but {code!r} is {qtype}")
    if op == "includes" and qtype != MULTIPLE_CHOICE:
        errors.append(f"{where}: includes is for multiple choice, but {code!r} is {qtype}")
    if op in {"equals", "in"} and qtype in SPECIAL_ANSWER_TYPES:
        declared = {a["code"] for a in target.get("special_answers", [])}
        for value in values:
            if value in SPECIAL_CODES and value not in declared:
                errors.append(f"{where}: {code!r} does not accept the special answer {value!r}")
    if op in {"equals", "in", "includes"} and (qtype in OPTION_TYPES):
        for value in values:
            if str(value) not in options:
                errors.append(f"{where}: {value!r} is not an option of {code!r}")
