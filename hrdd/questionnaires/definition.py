"""Questionnaire definitions: a YAML/JSON file, validated, turned into immutable objects.

The file format is published as a JSON Schema (schema/questionnaire-1.schema.json). Schema
validation catches structural mistakes; `parse_definition` adds the rules a schema cannot
express (unique codes, every text in every declared language, known topics, choice questions
having options). Every error names the file, the question code and the field.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).parent / "schema" / "questionnaire-1.schema.json"
DEFAULT_LANGUAGE = "en"

SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
TEXT = "text"
CHOICE_TYPES = {SINGLE_CHOICE, MULTIPLE_CHOICE}
DEFAULT_TEXT_MAX_LENGTH = 2000


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


@dataclass(frozen=True)
class Option:
    code: str
    text: Text
    risk: str | None = None
    special: str | None = None
    topics: tuple[str, ...] = ()
    exclusive: bool = False


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

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_multiple(self) -> bool:
        return self.type == MULTIPLE_CHOICE

    @property
    def is_text(self) -> bool:
        return self.type == TEXT

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Section:
    code: str
    title: Text
    questions: tuple[Question, ...]


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
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    @property
    def checksum(self) -> str:
        return checksum(self.raw)


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


def load_file(path: Path) -> dict:
    """Read a YAML or JSON questionnaire file into plain data, with a clear error if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(str(path), [f"cannot read the file: {exc.strerror}"]) from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
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
    topics = data["topics"]

    def text(value: dict, where: str) -> Text:
        missing = [lang for lang in languages if not value.get(lang, "").strip()]
        if missing:
            errors.append(f"{where}: missing text for language(s) {', '.join(missing)}")
        unknown = sorted(set(value) - set(languages))
        if unknown:
            errors.append(f"{where}: language(s) {', '.join(unknown)} not declared in languages")
        return Text(dict(value))

    title = text(data["title"], "title")
    description = text(data["description"], "description") if "description" in data else None
    topic_texts = {code: text(t, f"topics > {code}") for code, t in topics.items()}

    seen_questions: set[str] = set()
    seen_sections: set[str] = set()
    sections = []
    for s in data["sections"]:
        if s["code"] in seen_sections:
            errors.append(f"section {s['code']!r}: duplicate section code")
        seen_sections.add(s["code"])
        questions = []
        for q in s["questions"]:
            where = f"question {q['code']!r}"
            if q["code"] in seen_questions:
                errors.append(f"{where}: duplicate question code")
            seen_questions.add(q["code"])
            if q["topic"] not in topics:
                errors.append(f"{where} > topic: unknown topic {q['topic']!r}")
            options = []
            raw_options = q.get("options", [])
            if q["type"] in CHOICE_TYPES and not raw_options:
                errors.append(f"{where} > options: a {q['type']} question needs options")
            if q["type"] == TEXT and raw_options:
                errors.append(f"{where} > options: a text question cannot have options")
            if q["type"] != TEXT and "max_length" in q:
                errors.append(f"{where} > max_length: only text questions have a maximum length")
            seen_options: set[str] = set()
            for o in raw_options:
                owhere = f"{where} > option {o['code']!r}"
                if o["code"] in seen_options:
                    errors.append(f"{owhere}: duplicate option code")
                seen_options.add(o["code"])
                if "special" in o and "risk" in o:
                    errors.append(f"{owhere}: a special answer carries no risk level")
                if "special" not in o and "risk" not in o:
                    errors.append(f"{owhere} > risk: every ordinary option needs a risk level")
                if o.get("exclusive") and q["type"] != MULTIPLE_CHOICE:
                    errors.append(f"{owhere} > exclusive: only for multiple choice questions")
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
                    )
                )
            questions.append(
                Question(
                    code=q["code"],
                    type=q["type"],
                    text=text(q["text"], f"{where} > text"),
                    topic=q["topic"],
                    section=s["code"],
                    required=bool(q.get("required", False)),
                    help=text(q["help"], f"{where} > help") if "help" in q else None,
                    max_length=q.get("max_length", DEFAULT_TEXT_MAX_LENGTH),
                    options=tuple(options),
                )
            )
        sections.append(
            Section(
                code=s["code"],
                title=text(s["title"], f"section {s['code']!r} > title"),
                questions=tuple(questions),
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
        raw=data,
    )
