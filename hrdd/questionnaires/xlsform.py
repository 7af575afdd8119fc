"""XLSForm (KoboToolbox, ODK) import and export.

Export writes a definition as a workbook with the sheets survey, choices and settings, in the
standard columns, plus `hrdd_*` columns for what XLSForm has no place for (risk levels,
topics, bands...). Import reads such a workbook back, ours or one made in KoboToolbox, into a
definition dict; `parse_definition` then validates it as it would a YAML file.

What is supported (anything else is refused, all problems at once, with sheet and row):
  - groups: top-level begin_group/end_group are sections (relevant = section show_if);
    questions outside any group go to a section "main"; a begin_group with hrdd_type=grid
    and one select_one row per grid row is a grid question;
  - types: select_one, select_multiple, integer, decimal, date, text (appearance multiline =
    long text); hrdd_type marks yes_no, percentage and country (select_one countries);
  - special answers ("don't know", "prefer not to say") of a number, date or country
    question, which XLSForm has no equivalent for: hrdd_special_answers names a choices list
    (the question's code) of choices dont_know / prefer_not_to_say marked in hrdd_special;
  - label and hint columns per language (`label::English (en)`), a bare label being the
    default language;
  - required: yes, or an expression (required only when it holds); relevant;
    constraint only as `. >= MIN and . <= MAX` (either bound alone too) on numbers;
  - expressions: ${q} = 'v', ${q} != 'v', ${q} > 5 (>=, <, <=), ${q} = '' / != '',
    selected(${q}, 'v'), and, or, not(...), parentheses.

Export and import are an exact round trip for our definitions, with one normalisation:
`all`, `any` and `in` with a single member come back as that member (the same condition).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from hrdd.questionnaires.definition import (
    COUNTRY,
    DATE,
    DEFAULT_LANGUAGE,
    DEFAULT_SHORT_TEXT_MAX_LENGTH,
    DEFAULT_TEXT_MAX_LENGTH,
    GRID,
    LONG_TEXT,
    MULTIPLE_CHOICE,
    NUMBER,
    PERCENTAGE,
    SHORT_TEXT,
    SINGLE_CHOICE,
    SPECIAL_ANSWER_TYPES,
    TEXT,
    YES_NO,
)

# Names for the language columns ("label::Japanese (ja)"). Any other language is written
# with its code as its name; on import only the code in parentheses matters.
LANGUAGE_NAMES = {
    "en": "English",
    "ja": "Japanese",
    "vi": "Vietnamese",
    "th": "Thai",
    "id": "Indonesian",
    "zh-hans": "Simplified Chinese",
    "my": "Burmese",
    "ne": "Nepali",
    "tl": "Tagalog",
    "pt": "Portuguese",
}
# Column names without a code ("label::English"), as KoboToolbox often writes them.
_LANGUAGE_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()} | {
    "myanmar": "my",
    "filipino": "tl",
    "chinese (simplified)": "zh-hans",
}
# The topic questions of a form without hrdd_topic columns are filed under.
GENERAL_TOPIC = "general"
_GENERAL = {
    "en": "General",
    "ja": "一般",
    "vi": "Chung",
    "th": "ทั่วไป",
    "id": "Umum",
    "zh-hans": "一般",
    "my": "အထွေထွေ",
    "ne": "सामान्य",
    "tl": "Pangkalahatan",
    "pt": "Geral",
}
DEFAULT_SECTION = "main"
COUNTRY_LIST = "countries"
GRID_ROW_SEPARATOR = "__"

SURVEY_COLUMNS = ("type", "name")
SURVEY_TRAILING_COLUMNS = (
    "required",
    "relevant",
    "constraint",
    "appearance",
    "hrdd_type",
    "hrdd_topic",
    "hrdd_unit",
    "hrdd_bands",
    "hrdd_max_length",
    "hrdd_special_answers",
)
CHOICES_TRAILING_COLUMNS = (
    "hrdd_risk",
    "hrdd_special",
    "hrdd_topics",
    "hrdd_indicators",
    "hrdd_exclusive",
)
# settings column -> definition key, for values XLSForm has no place for (JSON text).
SETTINGS_JSON = {
    "hrdd_title": "title",
    "hrdd_description": "description",
    "hrdd_topics": "topics",
    "hrdd_indicators": "indicators",
    "hrdd_indicator_framework": "indicator_framework",
    "hrdd_sources": "sources",
}

# Columns whose features we do not have: any value in them is refused.
UNSUPPORTED_COLUMNS = (
    "choice_filter",
    "calculation",
    "default",
    "read_only",
    "repeat_count",
    "trigger",
    "parameters",
)
_METADATA = "metadata, recorded by the data collection app"
UNSUPPORTED_TYPES = {
    "begin_repeat": "repeat groups",
    "end_repeat": "repeat groups",
    "calculate": "calculations",
    "geopoint": "locations",
    "geotrace": "locations",
    "geoshape": "locations",
    "image": "file uploads",
    "audio": "file uploads",
    "video": "file uploads",
    "file": "file uploads",
    "background-audio": "file uploads",
    "barcode": "barcodes",
    "note": "notes (texts without an answer)",
    "range": "ranges",
    "rank": "ranking",
    "acknowledge": "acknowledgements",
    "select_one_from_file": "choices from a file",
    "select_multiple_from_file": "choices from a file",
    "hidden": "hidden fields",
    "time": "times (use date)",
    "datetime": "date and time answers (use date)",
    "start": _METADATA,
    "end": _METADATA,
    "today": _METADATA,
    "deviceid": _METADATA,
    "subscriberid": _METADATA,
    "simserial": _METADATA,
    "phonenumber": _METADATA,
    "username": _METADATA,
    "email": _METADATA,
    "audit": _METADATA,
    "start-geopoint": _METADATA,
}
_TYPE_ALIASES = {
    "begin group": "begin_group",
    "end group": "end_group",
    "begin repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "int": "integer",
    "select one": "select_one",
    "select all that apply": "select_multiple",
}

_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
_TEXT_COLUMN = re.compile(r"^(label|hint)\s*(?:::\s*(.*))?$", re.IGNORECASE)
_NAMED_LANGUAGE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_YES = {"yes", "true", "true()"}
_NO = {"", "no", "false", "false()"}
_SPECIAL_LABELS = {"don't know": "dont_know", "prefer not to say": "prefer_not_to_say"}
_SPECIAL_CODES = {"dont_know", "prefer_not_to_say"}
_MAX_CELL = 32767


class XLSFormError(Exception):
    """The workbook cannot be imported. `errors` lists every problem, each naming sheet and row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


# --- Expressions: our conditions <-> the XPath subset ------------------------------------


class ExpressionError(ValueError):
    """An expression outside the supported subset."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{[^}]*\})
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<num>-?(?:\d+(?:\.\d*)?|\.\d+))
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<lp>\()
    | (?P<rp>\))
    | (?P<comma>,)
    | (?P<name>[A-Za-z_][A-Za-z0-9_.:-]*)
    | (?P<dot>\.)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    value: str
    position: int


def _tokenize(expression: str) -> list[_Token]:
    tokens = []
    position = 0
    while expression[position:].strip():
        match = _TOKEN.match(expression, position)
        if not match or not match.lastgroup:
            start = len(expression) - len(expression[position:].lstrip())
            raise ExpressionError(f"unexpected {expression[start]!r} at position {start + 1}")
        tokens.append(_Token(match.lastgroup, match.group(match.lastgroup), match.start(0)))
        position = match.end()
    return tokens


_FLIPPED = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}


class _Parser:
    """Recursive descent over the tokens; builds a small tree of tuples:
    ("or", [..]) ("and", [..]) ("group", node) ("not", node)
    ("cmp", ref, op, literal) ("selected", ref, literal), literal = ("str"|"num", text).
    """

    def __init__(self, expression: str):
        self.tokens = _tokenize(expression)
        self.index = 0

    def parse(self) -> tuple:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        node = self._or()
        if self.index < len(self.tokens):
            self._fail("unexpected")
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _fail(self, what: str) -> NoReturn:
        token = self._peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        raise ExpressionError(f"{what} {token.value!r} at position {token.position + 1}")

    def _take(self, kind: str, value: str | None = None) -> _Token:
        token = self._peek()
        if token is None or token.kind != kind or (value is not None and token.value != value):
            self._fail(f"expected {value or kind}, found")
        self.index += 1
        return token

    def _is_word(self, word: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "name" and token.value == word

    def _or(self) -> tuple:
        parts = [self._and()]
        while self._is_word("or"):
            self.index += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def _and(self) -> tuple:
        parts = [self._unary()]
        while self._is_word("and"):
            self.index += 1
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def _unary(self) -> tuple:
        token = self._peek()
        if token is None:
            self._fail("")
        if token.kind == "lp":
            self.index += 1
            node = self._or()
            self._take("rp")
            return ("group", node)
        if token.kind == "name" and token.value == "not":
            self.index += 1
            self._take("lp")
            node = self._or()
            self._take("rp")
            return ("not", node)
        if token.kind == "name" and token.value == "selected":
            self.index += 1
            self._take("lp")
            ref = self._take("ref")
            self._take("comma")
            literal = self._literal()
            self._take("rp")
            return ("selected", ref.value, literal)
        if token.kind == "name":
            following = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else None
            if following is not None and following.kind == "lp":
                raise ExpressionError(f"the function {token.value}() is not supported")
        return self._comparison()

    def _literal(self) -> tuple[str, str]:
        token = self._peek()
        if token is None or token.kind not in ("str", "num"):
            self._fail("expected a value in quotes or a number, found")
        self.index += 1
        return ("str", token.value[1:-1]) if token.kind == "str" else ("num", token.value)

    def _comparison(self) -> tuple:
        token = self._peek()
        if token is not None and token.kind == "ref":
            self.index += 1
            op = self._take("op").value
            return ("cmp", token.value, op, self._literal())
        if token is not None and token.kind in ("str", "num"):
            literal = self._literal()
            op = self._take("op").value
            ref = self._take("ref").value
            return ("cmp", ref, _FLIPPED[op], literal)
        self._fail("expected a comparison with ${question}, found")


def _number(text: str) -> int | float:
    return float(text) if any(c in text for c in ".eE") else int(text)


def _literal_value(literal: tuple[str, str]) -> str | int | float:
    kind, text = literal
    return text if kind == "str" else _number(text)


def _is_plain_equals(node: tuple) -> bool:
    return node[0] == "cmp" and node[2] == "=" and node[3] != ("str", "")


_COMPARE = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def expression_to_condition(expression: str, resolve) -> dict:
    """An XPath expression of the supported subset as a condition.

    `resolve("${name}")` returns (question reference, question type) or raises
    ExpressionError for a name that is not a question.
    """
    return _condition(_Parser(expression).parse(), resolve, grouped=False)


def _condition(node: tuple, resolve, *, grouped: bool) -> dict:
    kind = node[0]
    if kind == "group":
        return _condition(node[1], resolve, grouped=True)
    if kind == "not":
        return {"not": _condition(node[1], resolve, grouped=True)}
    if kind == "and":
        return {"all": [_condition(part, resolve, grouped=False) for part in node[1]]}
    if kind == "or":
        parts = node[1]
        # (${q} = 'a' or ${q} = 'b'), in parentheses, is how "in" is written.
        if grouped and all(_is_plain_equals(p) for p in parts) and len({p[1] for p in parts}) == 1:
            ref, _type = resolve(parts[0][1])
            return {"question": ref, "in": [_literal_value(p[3]) for p in parts]}
        return {"any": [_condition(part, resolve, grouped=False) for part in parts]}
    if kind == "selected":
        ref, qtype = resolve(node[1])
        value = node[2][1]
        # selected() on a single choice is how KoboToolbox often writes "equals".
        return {"question": ref, "includes" if qtype == MULTIPLE_CHOICE else "equals": value}
    _cmp, name, op, literal = node
    ref, _type = resolve(name)
    if literal == ("str", ""):
        if op not in ("=", "!="):
            raise ExpressionError(f"{name} {op} '' compares with an empty value")
        return {"question": ref, "answered": op == "!="}
    if op == "=":
        return {"question": ref, "equals": _literal_value(literal)}
    if op == "!=":
        return {"not": {"question": ref, "equals": _literal_value(literal)}}
    value = literal[1]
    try:
        number = _number(value)
    except ValueError:
        message = f"{name} {op} {value!r} compares with a value that is not a number"
        raise ExpressionError(message) from None
    return {"question": ref, _COMPARE[op]: number}


def _format_number(value: int | float | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(str(value)), "f")
    return text if isinstance(value, Decimal) or "." in text else f"{text}.0"


def _format_literal(value) -> str:
    if isinstance(value, bool):
        raise ValueError(f"a condition value cannot be {value!r}")
    if isinstance(value, int | float):
        return _format_number(value)
    text = str(value)
    if "'" in text and '"' in text:
        raise ValueError(f"{text!r} has both kinds of quotes: XPath cannot write it")
    return f'"{text}"' if "'" in text else f"'{text}'"


def field_name(ref: str) -> str:
    """The XLSForm field of a question reference ("q07.r_housing" -> "q07__r_housing")."""
    code, _, row = ref.partition(".")
    return f"{code}{GRID_ROW_SEPARATOR}{row}" if row else code


def condition_to_expression(condition: dict) -> str:
    """A condition as an XPath expression (the inverse of expression_to_condition)."""
    return _expression(condition)[0]


def _expression(c: dict) -> tuple[str, str]:
    """(text, kind): kind "or"/"and" for a chain that needs parentheses inside another."""
    for key, joiner in (("all", " and "), ("any", " or ")):
        if key in c:
            parts = c[key]
            if len(parts) == 1:
                return _expression(parts[0])
            rendered = [_expression(p) for p in parts]
            ambiguous = (
                key == "any"
                and all(_renders_plain_equals(p) for p in parts)
                and len({p["question"] for p in parts}) == 1
            )
            texts = [
                f"({text})" if kind in ("or", "and") or ambiguous else text
                for text, kind in rendered
            ]
            return joiner.join(texts), {"all": "and", "any": "or"}[key]
    if "not" in c:
        return f"not({_expression(c['not'])[0]})", "atom"
    field = "${" + field_name(c["question"]) + "}"
    if "in" in c:
        values = c["in"]
        parts = [f"{field} = {_format_literal(v)}" for v in values]
        return (parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"), "atom"
    if "includes" in c:
        return f"selected({field}, {_format_literal(c['includes'])})", "atom"
    if "answered" in c:
        return f"{field} {'!=' if c['answered'] else '='} ''", "atom"
    if "equals" in c:
        return f"{field} = {_format_literal(c['equals'])}", "atom"
    for op, symbol in (("gt", ">"), ("gte", ">="), ("lt", "<"), ("lte", "<=")):
        if op in c:
            return f"{field} {symbol} {_format_number(c[op])}", "atom"
    raise ValueError(f"unknown condition {c!r}")


def _renders_plain_equals(c: dict) -> bool:
    """Written as `${q} = value` (so that an `or` of them would read as "in")."""
    if "equals" in c:
        return c["equals"] != ""
    return "in" in c and len(c["in"]) == 1 and c["in"][0] != ""


def _constraint(low, high) -> str:
    parts = []
    if low is not None:
        parts.append(f". >= {_format_number(low)}")
    if high is not None:
        parts.append(f". <= {_format_number(high)}")
    return " and ".join(parts)


def _parse_constraint(expression: str) -> dict:
    """`. >= MIN and . <= MAX` (either bound alone too) as {"min": .., "max": ..}."""
    tokens = _tokenize(expression)
    bounds: dict = {}
    index = 0
    while True:
        part = tokens[index : index + 3]
        kinds = [t.kind for t in part]
        if kinds != ["dot", "op", "num"] or part[1].value not in (">=", "<="):
            break
        key = "min" if part[1].value == ">=" else "max"
        if key in bounds:
            break
        bounds[key] = _number(part[2].value)
        index += 3
        if index == len(tokens):
            return bounds
        if tokens[index].kind != "name" or tokens[index].value != "and":
            break
        index += 1
    raise ExpressionError("only `. >= MIN and . <= MAX` (or one of the two bounds) is supported")


# --- Export --------------------------------------------------------------------------------


def language_column_name(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def definition_to_xlsform(data: dict) -> bytes:
    """A valid definition (the plain dict of its file) as an XLSForm workbook (.xlsx bytes)."""
    languages = list(data["languages"])
    names = [language_column_name(lang) for lang in languages]
    labels = [f"label::{n}" for n in names]
    hints = [f"hint::{n}" for n in names]
    survey_header = [*SURVEY_COLUMNS, *labels, *hints, *SURVEY_TRAILING_COLUMNS]
    choices_header = ["list_name", "name", *labels, *CHOICES_TRAILING_COLUMNS]

    def texts(prefix: list[str], value: dict | None) -> dict:
        value = value or {}
        return {
            col: value[lang] for col, lang in zip(prefix, languages, strict=True) if lang in value
        }

    survey: list[dict] = []
    choices: list[dict] = []

    def add_options(list_name: str, options: list[dict]) -> None:
        for o in options:
            row = {"list_name": list_name, "name": o["code"], **texts(labels, o["text"])}
            row["hrdd_risk"] = o.get("risk")
            row["hrdd_special"] = o.get("special")
            row["hrdd_topics"] = " ".join(o.get("topics", []))
            row["hrdd_indicators"] = " ".join(o.get("indicators", []))
            row["hrdd_exclusive"] = "yes" if o.get("exclusive") else None
            choices.append(row)

    for section in data["sections"]:
        survey.append(
            {
                "type": "begin_group",
                "name": section["code"],
                **texts(labels, section["title"]),
                "relevant": _condition_cell(section.get("show_if")),
            }
        )
        for q in section["questions"]:
            survey.extend(_question_rows(q, labels, hints, texts, add_options))
        survey.append({"type": "end_group", "name": section["code"]})

    settings = {
        "form_title": data["title"].get(DEFAULT_LANGUAGE),
        "form_id": data["code"],
        "version": data["version"],
        "default_language": language_column_name(DEFAULT_LANGUAGE),
        "hrdd_languages": " ".join(languages),
        "hrdd_draft_languages": " ".join(data.get("draft_languages", [])),
    }
    for column, key in SETTINGS_JSON.items():
        settings[column] = _json(data[key]) if key in data else None

    book = openpyxl.Workbook()
    _write_sheet(book.active, "survey", survey_header, survey)
    _write_sheet(book.create_sheet(), "choices", choices_header, choices)
    _write_sheet(book.create_sheet(), "settings", list(settings), [settings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _condition_cell(condition: dict | None) -> str | None:
    return condition_to_expression(condition) if condition else None


def _required_cell(q: dict) -> str | None:
    if "required_if" in q:
        return condition_to_expression(q["required_if"])
    return "yes" if q.get("required") else None


def _question_rows(q: dict, labels, hints, texts, add_options) -> list[dict]:
    qtype = q["type"]
    row: dict[str, Any] = {
        "name": q["code"],
        **texts(labels, q["text"]),
        **texts(hints, q.get("help")),
        "relevant": _condition_cell(q.get("show_if")),
        "hrdd_topic": q["topic"],
    }
    required = _required_cell(q)
    if qtype == GRID:
        add_options(q["code"], q["options"])
        rows = [
            {
                "type": f"select_one {q['code']}",
                "name": field_name(f"{q['code']}.{r['code']}"),
                **texts(labels, r["text"]),
                "required": required,
            }
            for r in q["rows"]
        ]
        row |= {"type": "begin_group", "hrdd_type": GRID, "appearance": "field-list"}
        return [row, *rows, {"type": "end_group", "name": q["code"]}]
    row["required"] = required
    if "special_answers" in q:
        # XLSForm has no "or don't know" next to a number, date or country: the special
        # answers go in a choices list named after the question, named by hrdd_special_answers.
        add_options(q["code"], [{**a, "special": a["code"]} for a in q["special_answers"]])
        row["hrdd_special_answers"] = q["code"]
    if qtype in (SINGLE_CHOICE, YES_NO, MULTIPLE_CHOICE):
        add_options(q["code"], q["options"])
        kind = "select_multiple" if qtype == MULTIPLE_CHOICE else "select_one"
        row["type"] = f"{kind} {q['code']}"
        row["hrdd_type"] = YES_NO if qtype == YES_NO else None
    elif qtype == COUNTRY:
        row |= {"type": f"select_one {COUNTRY_LIST}", "hrdd_type": COUNTRY}
    elif qtype in (NUMBER, PERCENTAGE):
        row["type"] = "integer" if q.get("integer") else "decimal"
        row["hrdd_type"] = PERCENTAGE if qtype == PERCENTAGE else None
        row["constraint"] = _constraint(q.get("min"), q.get("max")) or None
        row["hrdd_unit"] = _json(q["unit"]) if "unit" in q else None
        row["hrdd_bands"] = _json(q["bands"]) if "bands" in q else None
    elif qtype == DATE:
        row["type"] = "date"
    elif qtype in (SHORT_TEXT, LONG_TEXT, TEXT):
        row["type"] = "text"
        default = DEFAULT_SHORT_TEXT_MAX_LENGTH if qtype == SHORT_TEXT else DEFAULT_TEXT_MAX_LENGTH
        if qtype != SHORT_TEXT:
            row["appearance"] = "multiline"
        if q.get("max_length", default) != default:
            row["hrdd_max_length"] = q["max_length"]
    else:
        raise ValueError(f"question {q['code']!r}: unknown type {qtype!r}")
    return [row]


def _write_sheet(sheet, title: str, header: list[str], rows: list[dict]) -> None:
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, key in enumerate(header, start=1):
            value = row.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, str) and len(value) > _MAX_CELL:
                raise ValueError(f"{title} row {number}, {key}: too long for a spreadsheet cell")
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a text, not a formula
    sheet.freeze_panes = "A2"


# --- Import --------------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    columns: dict[str, int]  # plain column name (lowercase) -> index
    texts: dict[tuple[str, str], int]  # ("label"|"hint", language) -> index
    rows: list[tuple[int, tuple]]  # (spreadsheet row number, cell values)

    def get(self, values: tuple, column: str) -> str:
        index = self.columns.get(column)
        return _cell(values[index]).strip() if index is not None and index < len(values) else ""

    def text(self, values: tuple, kind: str) -> dict:
        result = {}
        for (k, lang), index in self.texts.items():
            if k == kind and index < len(values) and _cell(values[index]) != "":
                result[lang] = _cell(values[index])
        return result


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _language(label: str) -> str | None:
    """The language code of "English (en)", "English" or "en"."""
    label = label.strip()
    match = _NAMED_LANGUAGE.match(label)
    if match and _LANGUAGE_CODE.match(match.group(2).strip().lower()):
        return match.group(2).strip().lower()
    if label.lower() in _LANGUAGE_BY_NAME:
        return _LANGUAGE_BY_NAME[label.lower()]
    if _LANGUAGE_CODE.match(label.lower()):
        return label.lower()
    return None


def _read_sheet(book, name: str, default_language: str, errors: list[str]) -> _Sheet | None:
    sheet = next((s for s in book.worksheets if s.title.strip().lower() == name), None)
    if sheet is None:
        return None
    rows = list(sheet.iter_rows(values_only=True))
    header = [_cell(h).strip() for h in rows[0]] if rows else []
    columns: dict[str, int] = {}
    texts: dict[tuple[str, str], int] = {}
    for index, title in enumerate(header):
        if not title:
            continue
        match = _TEXT_COLUMN.match(title)
        if match is None:
            key = title.lower().replace(" ", "_") if title.lower() == "list name" else title.lower()
            columns.setdefault(key, index)
            continue
        kind, suffix = match.group(1).lower(), match.group(2)
        language = default_language if suffix is None else _language(suffix)
        if language is None:
            errors.append(
                f"{name} row 1: column {title!r}: cannot tell its language; "
                f"add the language code, as '{kind}::{suffix.strip()} (xx)'"
            )
        elif (kind, language) in texts:
            errors.append(f"{name} row 1: column {title!r}: a second {kind} column for {language}")
        else:
            texts[(kind, language)] = index
    data_rows = [
        (number, tuple(values))
        for number, values in enumerate(rows[1:], start=2)
        if any(_cell(v).strip() for v in values)
    ]
    return _Sheet(name, columns, texts, data_rows)


def _open_workbook(content: bytes):
    try:
        return openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise XLSFormError([f"the file is not an .xlsx workbook ({exc})"]) from exc


def _json_cell(text: str, where: str, errors: list[str]):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(f"{where}: not valid JSON ({exc.msg})")
        return None


def _sanitise_code(text: str) -> str:
    code = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_")
    return code[:64]


def xlsform_to_definition(content: bytes) -> dict:
    """An XLSForm workbook (.xlsx bytes) as a definition dict, for parse_definition.

    Raises XLSFormError listing every unsupported or invalid row at once; never returns a
    partial result.
    """
    book = _open_workbook(content)
    errors: list[str] = []
    settings_sheet = _read_sheet(book, "settings", DEFAULT_LANGUAGE, errors)
    settings = _Settings.read(settings_sheet, errors)
    survey = _read_sheet(book, "survey", settings.default_language, errors)
    choices = _read_sheet(book, "choices", settings.default_language, errors)
    if survey is None:
        raise XLSFormError(["the workbook has no sheet named 'survey'", *errors])
    importer = _Importer(survey, choices, settings, errors)
    data = importer.run()
    if errors:
        raise XLSFormError(sorted(errors, key=_error_order))
    return data


def _error_order(message: str) -> tuple[int, int]:
    """Errors in the order of the workbook: settings, survey, choices; row by row."""
    match = re.match(r"^(\w+) row (\d+)", message)
    if match is None:
        return (-1, 0)
    order = {"settings": 0, "survey": 1, "choices": 2}
    return (order.get(match.group(1).lower(), 3), int(match.group(2)))


@dataclass
class _Settings:
    values: dict[str, str]
    default_language: str
    json: dict[str, Any]

    @classmethod
    def read(cls, sheet: _Sheet | None, errors: list[str]) -> _Settings:
        values: dict[str, str] = {}
        if sheet is not None and sheet.rows:
            _row, cells = sheet.rows[0]
            values = {column: sheet.get(cells, column) for column in sheet.columns}
        default_language = DEFAULT_LANGUAGE
        if values.get("default_language"):
            language = _language(values["default_language"])
            if language is None:
                errors.append(
                    f"settings row 2: default_language {values['default_language']!r}: cannot "
                    "tell the language; write it as 'English (en)'"
                )
            else:
                default_language = language
        parsed = {}
        for column, key in SETTINGS_JSON.items():
            if values.get(column):
                value = _json_cell(values[column], f"settings row 2, {column}", errors)
                if value is not None:
                    parsed[key] = value
        return cls(values, default_language, parsed)


class _Importer:
    def __init__(self, survey: _Sheet, choices: _Sheet | None, settings: _Settings, errors):
        self.survey = survey
        self.choices = choices
        self.settings = settings
        self.errors = errors
        self.lists: dict[str, list[dict]] = {}
        # survey name -> (reference in conditions, question type), or None for a group
        self.names: dict[str, tuple[str, str] | None] = {}
        self.name_rows: dict[str, int] = {}
        # (row, name, dict to set, key, expression, column): read once every name is known
        self.deferred: list[tuple[int, str, dict, str, str, str]] = []

    def error(self, row: int, name: str, message: str) -> None:
        named = f" (name {name!r})" if name else ""
        self.errors.append(f"{self.survey.name} row {row}{named}: {message}")

    # settings and languages

    def header(self) -> dict:
        settings, values = self.settings, self.settings.values
        title_text = values.get("form_title") or values.get("form_id")
        if not title_text and "title" not in settings.json:
            self.errors.append("settings row 2: form_title is required (the questionnaire title)")
        code = _sanitise_code(values.get("form_id") or title_text or "")
        if not _CODE.match(code):
            self.errors.append(
                f"settings row 2: form_id {values.get('form_id', '')!r} must give a code "
                "starting with a letter (letters, digits, _ and - are kept)"
            )
        version = values.get("version", "")
        data: dict[str, Any] = {
            "format": 1,
            "code": code,
            "version": int(version) if version.isdigit() and int(version) >= 1 else 1,
            "languages": self.languages(),
        }
        if values.get("hrdd_draft_languages"):
            data["draft_languages"] = values["hrdd_draft_languages"].split()
        # Without hrdd_title, the one form_title serves every language.
        data["title"] = settings.json.get("title") or dict.fromkeys(
            data["languages"], title_text or ""
        )
        for key in ("description", "sources", "topics", "indicator_framework", "indicators"):
            if key in settings.json:
                data[key] = settings.json[key]
        return data

    def languages(self) -> list[str]:
        if self.settings.values.get("hrdd_languages"):
            return self.settings.values["hrdd_languages"].split()
        found: list[str] = []
        for sheet in (self.survey, self.choices):
            for kind, lang in sheet.texts if sheet else ():
                if kind == "label" and lang not in found:
                    found.append(lang)
        return found

    # choices

    def read_choices(self) -> None:
        sheet = self.choices
        if sheet is None:
            return
        has_special = "hrdd_special" in sheet.columns
        seen: dict[tuple[str, str], int] = {}
        for row, cells in sheet.rows:
            list_name, name = sheet.get(cells, "list_name"), sheet.get(cells, "name")
            where = f"{sheet.name} row {row} (list {list_name!r}, name {name!r})"
            if not list_name or not name:
                self.errors.append(f"{where}: list_name and name are both required")
                continue
            if (list_name, name) in seen:
                self.errors.append(
                    f"{where}: duplicate name in list {list_name!r} "
                    f"(also row {seen[(list_name, name)]})"
                )
                continue
            seen[(list_name, name)] = row
            if not _CODE.match(name):
                self.errors.append(f"{where}: {_bad_code(name)}")
            text = sheet.text(cells, "label")
            if DEFAULT_LANGUAGE not in text:
                self.errors.append(f"{where}: the English label is empty")
            option: dict[str, Any] = {"code": name, "text": text}
            special = sheet.get(cells, "hrdd_special")
            if not has_special:
                english = text.get(DEFAULT_LANGUAGE, "").strip().lower().replace("’", "'")
                special = (name if name in _SPECIAL_CODES else "") or _SPECIAL_LABELS.get(
                    english, ""
                )
            risk = sheet.get(cells, "hrdd_risk") or ("" if special else "none")
            if risk:
                option["risk"] = risk
            if special:
                option["special"] = special
            for key in ("topics", "indicators"):
                if sheet.get(cells, f"hrdd_{key}"):
                    option[key] = sheet.get(cells, f"hrdd_{key}").split()
            exclusive = sheet.get(cells, "hrdd_exclusive").lower()
            if exclusive in _YES:
                option["exclusive"] = True
            elif exclusive not in _NO:
                self.errors.append(f"{where}: hrdd_exclusive must be yes or empty")
            self.lists.setdefault(list_name, []).append(option)

    # survey

    def run(self) -> dict:
        data = self.header()
        if ("label", DEFAULT_LANGUAGE) not in self.survey.texts:
            self.errors.append(
                f"{self.survey.name} row 1: label::{language_column_name(DEFAULT_LANGUAGE)} "
                "column is required"
            )
        self.read_choices()
        sections = self.read_survey(data["title"])
        self.resolve_conditions()
        data["sections"] = sections
        uses_general = any(q["topic"] == GENERAL_TOPIC for s in sections for q in s["questions"])
        if uses_general and GENERAL_TOPIC not in data.get("topics", {}):
            data.setdefault("topics", {})[GENERAL_TOPIC] = {
                lang: _GENERAL.get(lang, _GENERAL[DEFAULT_LANGUAGE]) for lang in data["languages"]
            }
        if "topics" not in data:
            data["topics"] = {}
        return data

    def read_survey(self, title: dict) -> list[dict]:
        sheet = self.survey
        sections: list[dict] = []
        implicit: list[dict] = []
        section: dict | None = None  # the open section (from a group, or implicit)
        grid: dict | None = None  # the open grid question
        stack: list[tuple[str, int, str, dict | None]] = []  # (kind, row, name, item)

        def current_section() -> dict:
            nonlocal section
            if section is None:
                section = {"code": None, "title": dict(title), "questions": []}
                implicit.append(section)
                sections.append(section)
            return section

        for row, cells in sheet.rows:
            raw_type = sheet.get(cells, "type")
            qtype = _normalise_type(raw_type)
            name = sheet.get(cells, "name")
            for column in UNSUPPORTED_COLUMNS:
                value = sheet.get(cells, column)
                if value:
                    self.error(row, name, f"column {column!r} is not supported (value {value!r})")
            if not qtype:
                self.error(row, name, "the type is missing")
                continue
            if qtype == "end_group":
                if not stack:
                    self.error(row, name, "end_group without a matching begin_group")
                    continue
                kind, begin_row, begin_name, item = stack.pop()
                if kind == "grid" and item is not None:
                    self.finish_grid(item, begin_row)
                    grid = None
                elif kind == "section":
                    if item is not None and not item["questions"]:
                        self.error(begin_row, begin_name, "the group has no questions")
                    section = None
                continue
            if not name:
                self.error(row, name, f"type {raw_type!r}: the name is missing")
                continue
            if name in self.name_rows:
                self.error(row, name, f"duplicate name (also row {self.name_rows[name]})")
                continue
            self.name_rows[name] = row
            hrdd_type = sheet.get(cells, "hrdd_type")
            if qtype == "begin_group":
                self.names[name] = None
                if grid is not None or (stack and hrdd_type != GRID):
                    self.error(row, name, "groups inside groups are not supported")
                    stack.append(("invalid", row, name, None))
                elif hrdd_type == GRID:
                    grid = self.begin_grid(row, name, cells)
                    current_section()["questions"].append(grid)
                    stack.append(("grid", row, name, grid))
                else:
                    if hrdd_type:
                        self.error(row, name, f"hrdd_type {hrdd_type!r} is not for a group")
                    if not _CODE.match(name):
                        self.error(row, name, _bad_code(name))
                    section = {"code": name, "title": self.label(row, name, cells), "questions": []}
                    self.defer(row, name, section, "show_if", sheet.get(cells, "relevant"))
                    sections.append(section)
                    stack.append(("section", row, name, section))
                continue
            if grid is not None:
                self.grid_row(grid, row, name, qtype, cells)
                continue
            question = self.question(row, name, qtype, raw_type, cells)
            if question is not None:
                current_section()["questions"].append(question)
        for _kind, begin_row, begin_name, _item in stack:
            self.error(begin_row, begin_name, "begin_group without a matching end_group")
        taken = set(self.name_rows)
        for item in implicit:
            code, n = DEFAULT_SECTION, 1
            while code in taken:
                n += 1
                code = f"{DEFAULT_SECTION}_{n}"
            taken.add(code)
            item["code"] = code
        return sections

    def label(self, row: int, name: str, cells: tuple) -> dict:
        text = self.survey.text(cells, "label")
        if DEFAULT_LANGUAGE not in text:
            self.error(row, name, "the English label is empty")
        return text

    def defer(self, row: int, name: str, target: dict, key: str, expression: str) -> None:
        if expression:
            column = "required" if key == "required_if" else "relevant"
            self.deferred.append((row, name, target, key, expression, column))

    def resolve(self, token: str) -> tuple[str, str]:
        name = token[2:-1].strip()
        if name not in self.names:
            raise ExpressionError(f"{token} is not a question of this form")
        target = self.names[name]
        if target is None:
            raise ExpressionError(f"{token} is a group, not a question")
        return target

    def resolve_conditions(self) -> None:
        for row, name, target, key, expression, column in self.deferred:
            try:
                target[key] = expression_to_condition(expression, self.resolve)
            except ExpressionError as exc:
                self.error(row, name, f"{column} {expression!r} is not supported: {exc}")

    def common(self, row: int, name: str, cells: tuple, question: dict) -> None:
        """The parts every question has: help, required, relevant."""
        sheet = self.survey
        help_text = sheet.text(cells, "hint")
        if help_text:
            question["help"] = help_text
        self.defer(row, name, question, "show_if", sheet.get(cells, "relevant"))
        required = sheet.get(cells, "required")
        if required.lower() in _YES:
            question["required"] = True
        elif required.lower() not in _NO:
            self.defer(row, name, question, "required_if", required)

    def question(self, row: int, name: str, qtype: str, raw_type: str, cells) -> dict | None:
        sheet = self.survey
        kind, _, rest = qtype.partition(" ")
        selects = ("select_one", "select_multiple")
        if kind not in (*selects, "integer", "decimal", "date", "text") or (
            rest and kind not in selects
        ):
            feature = UNSUPPORTED_TYPES.get(kind, "unknown question type")
            self.error(row, name, f"type {raw_type!r} is not supported ({feature})")
            return None
        hrdd_type = sheet.get(cells, "hrdd_type")
        if not _CODE.match(name):
            self.error(row, name, _bad_code(name))
        question: dict[str, Any] = {
            "code": name,
            "type": None,
            "text": self.label(row, name, cells),
            "topic": sheet.get(cells, "hrdd_topic") or GENERAL_TOPIC,
        }
        self.common(row, name, cells, question)
        allowed_hrdd: tuple[str, ...] = ()
        if kind in selects:
            allowed_hrdd = (YES_NO, COUNTRY) if kind == "select_one" else ()
            list_name = rest.strip()
            if not list_name or " " in list_name:
                extra = " (or_other is not supported)" if "or_other" in list_name else ""
                self.error(row, name, f"type {raw_type!r} is not supported{extra}")
                return None
            if kind == "select_one" and hrdd_type == COUNTRY:
                question["type"] = COUNTRY
            else:
                if kind == "select_multiple":
                    question["type"] = MULTIPLE_CHOICE
                else:
                    question["type"] = YES_NO if hrdd_type == YES_NO else SINGLE_CHOICE
                question["options"] = self.options(row, name, list_name)
        elif kind in ("integer", "decimal"):
            allowed_hrdd = (PERCENTAGE,)
            question["type"] = PERCENTAGE if hrdd_type == PERCENTAGE else NUMBER
            if kind == "integer":
                question["integer"] = True
            for column, key in (("hrdd_unit", "unit"), ("hrdd_bands", "bands")):
                if sheet.get(cells, column):
                    value = _json_cell(
                        sheet.get(cells, column), f"{sheet.name} row {row}, {column}", self.errors
                    )
                    if value is not None:
                        question[key] = value
        elif kind == "date":
            question["type"] = DATE
        else:
            appearance = sheet.get(cells, "appearance").lower().split()
            question["type"] = LONG_TEXT if "multiline" in appearance else SHORT_TEXT
            max_length = sheet.get(cells, "hrdd_max_length")
            if max_length.isdigit():
                question["max_length"] = int(max_length)
            elif max_length:
                self.error(row, name, f"hrdd_max_length {max_length!r} is not a whole number")
        if hrdd_type and hrdd_type not in allowed_hrdd:
            self.error(row, name, f"hrdd_type {hrdd_type!r} is not for type {raw_type!r}")
        special_list = sheet.get(cells, "hrdd_special_answers")
        if special_list:
            self.special_answers(row, name, question, special_list)
        constraint = sheet.get(cells, "constraint")
        if constraint:
            if question["type"] not in (NUMBER, PERCENTAGE):
                self.error(row, name, f"constraint {constraint!r} is only supported on numbers")
            else:
                try:
                    question |= _parse_constraint(constraint)
                except ExpressionError as exc:
                    self.error(row, name, f"constraint {constraint!r} is not supported: {exc}")
        self.names[name] = (name, question["type"])
        return question

    def special_answers(self, row: int, name: str, question: dict, list_name: str) -> None:
        """hrdd_special_answers: the choices list of a number, percentage, date or country
        question's special answers, each named dont_know or prefer_not_to_say."""
        if question["type"] not in SPECIAL_ANSWER_TYPES:
            self.error(
                row,
                name,
                "hrdd_special_answers is only for integer, decimal, date and country questions "
                "(a select question's own choices mark them with hrdd_special)",
            )
            return
        found = []
        for option in self.options(row, name, list_name):
            if option["code"] not in _SPECIAL_CODES or option.get("special") != option["code"]:
                self.error(
                    row,
                    name,
                    f"hrdd_special_answers: choice {option['code']!r} of list {list_name!r} must "
                    "be named dont_know or prefer_not_to_say and marked so in hrdd_special",
                )
            elif "risk" in option or "exclusive" in option:
                self.error(
                    row,
                    name,
                    f"hrdd_special_answers: choice {option['code']!r} of list {list_name!r} "
                    "carries no risk and is not marked exclusive",
                )
            else:
                found.append({"code": option["code"], "text": option["text"]})
        if found:
            question["special_answers"] = found

    def options(self, row: int, name: str, list_name: str) -> list[dict]:
        if list_name not in self.lists:
            self.error(row, name, f"the list {list_name!r} is not in the choices sheet")
            return []
        return [dict(o) for o in self.lists[list_name]]

    def begin_grid(self, row: int, name: str, cells: tuple) -> dict:
        sheet = self.survey
        if not _CODE.match(name):
            self.error(row, name, _bad_code(name))
        grid: dict[str, Any] = {
            "code": name,
            "type": GRID,
            "text": self.label(row, name, cells),
            "topic": sheet.get(cells, "hrdd_topic") or GENERAL_TOPIC,
        }
        help_text = sheet.text(cells, "hint")
        if help_text:
            grid["help"] = help_text
        self.defer(row, name, grid, "show_if", sheet.get(cells, "relevant"))
        grid["_rows"] = []  # (row number, name, list, required) while reading
        grid["_required"] = sheet.get(cells, "required")
        self.names[name] = None  # only its rows can be referred to
        return grid

    def grid_row(self, grid: dict, row: int, name: str, qtype: str, cells: tuple) -> None:
        kind, _, list_name = qtype.partition(" ")
        if kind != "select_one" or not list_name.strip() or " " in list_name.strip():
            self.error(row, name, f"a grid (group {grid['code']!r}) holds only select_one rows")
            return
        prefix = grid["code"] + GRID_ROW_SEPARATOR
        code = name[len(prefix) :] if name.startswith(prefix) else name
        if not _CODE.match(code):
            self.error(row, name, f"grid row code {code!r}: " + _bad_code(code))
        for column in ("relevant", "constraint", "hrdd_type"):
            if self.survey.get(cells, column):
                self.error(row, name, f"a grid row cannot have its own {column}")
        text = self.label(row, name, cells)
        required = self.survey.get(cells, "required")
        grid["_rows"].append((row, name, list_name.strip(), required))
        grid.setdefault("rows", []).append({"code": code, "text": text})
        self.names[name] = (f"{grid['code']}.{code}", GRID)

    def finish_grid(self, grid: dict, begin_row: int) -> None:
        rows = grid.pop("_rows")
        group_required = grid.pop("_required")
        name = grid["code"]
        if not rows:
            self.error(begin_row, name, "a grid needs at least one select_one row")
            return
        lists = {list_name for _r, _n, list_name, _req in rows}
        if len(lists) > 1:
            self.error(begin_row, name, "the rows of a grid must all use the same list")
        grid["options"] = self.options(rows[0][0], rows[0][1], rows[0][2])
        # Required goes on every row (as we write it) or on the group row: one value for all.
        required = {req for *_rest, req in rows}
        if group_required:
            required = (required - {""}) | {group_required}
        if len(required) > 1:
            self.error(begin_row, name, "the rows of a grid must all have the same required")
            return
        value = required.pop()
        if value.lower() in _YES:
            grid["required"] = True
        elif value.lower() not in _NO:
            self.defer(begin_row, name, grid, "required_if", value)


def _bad_code(name: str) -> str:
    return (
        f"name {name!r} is not a valid code (lowercase letters, digits, _ and -, "
        "starting with a letter, at most 64 characters)"
    )


def _normalise_type(raw: str) -> str:
    text = " ".join(raw.split())
    lowered = text.lower()
    for alias, canonical in _TYPE_ALIASES.items():
        if lowered == alias or lowered.startswith(alias + " "):
            return canonical + text[len(alias) :]
    kind, _, rest = text.partition(" ")
    return f"{kind.lower()} {rest}" if rest else kind.lower()
