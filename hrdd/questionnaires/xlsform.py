"""XLSForm (KoboToolbox, ODK) import and export.

Export writes a definition as a workbook with the sheets survey, choices and settings, in the
standard columns, plus `hrdd_*` columns for what XLSForm has no place for (risk levels,
topics, bands...). Import reads such a workbook back, ours or one made in KoboToolbox, into a
definition dict; `parse_definition` then validates it as it would a YAML file.

Import goes through pyxform (the reference XLSForm reader of ODK and KoboToolbox), so a
form reads here as it reads there: its header spellings, type aliases, capitalised columns,
and defaults (title and id from the file name without a settings sheet). We map its result:
  - groups are sections (a nested group's questions join its section, with the group's
    relevant added to theirs); questions outside any group go to a section "main"; a group
    with hrdd_type=grid, or a loop over a list holding one select_one, is a grid question;
  - select_one, select_multiple, integer, decimal, date, text (appearance multiline = long
    text); hrdd_type marks yes_no, percentage and country (select_one countries);
  - labels and hints in any language, `label::French (fr)`, `label::French`, `label:French`
    (names and codes from CLDR through Babel); a language with texts missing is a draft;
  - required (yes or an expression), relevant, constraint as a range on numbers, default,
    choice_filter when it is fixed (`column = 'value'`);
  - notes join the help of the question after them; metadata (start, end, today, deviceid...)
    and calculates nothing refers to are read and left out (the platform records when a
    response was started and submitted, and never collects device identifiers);
  - special answers of a number, date or country question: hrdd_special_answers names a
    choices list of dont_know / prefer_not_to_say marked in hrdd_special.
Anything else is refused, every construct named with its sheet and row.

Export and import are an exact round trip for our definitions, with two normalisations:
`all`, `any` and `in` with a single member come back as that member (the same condition),
and curly quotes in texts come back straight (pyxform, hence ODK, always reads them so).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import PurePath
from typing import Any, NoReturn
from warnings import catch_warnings, simplefilter

import openpyxl
from babel import Locale, UnknownLocaleError
from django.utils import translation
from django_countries import countries
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from pyxform.errors import PyXFormError
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT
from pyxform.xls2json_backends import Definition as PyxformInput
from pyxform.xls2json_backends import SupportedFileTypes
from pyxform.xls2xform import convert

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
    "default",
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


_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
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


def _bcp47(code: str) -> str:
    """A language code as BCP 47 writes it, which pyxform checks ("zh-hans" -> "zh-Hans")."""
    base, _, rest = code.partition("-")
    if not rest:
        return base
    return f"{base}-{rest.title() if len(rest) == 4 else rest.upper()}"


def language_column_name(code: str) -> str:
    """The language of a label column as XLSForm names it: "Japanese (ja)"."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_language_name(DEFAULT_LANGUAGE)
    except (ValueError, UnknownLocaleError):
        name = code
    # Only the language ("Chinese", not "Chinese (Simplified)"): pyxform reads the code
    # from the one pair of parentheses.
    return f"{name} ({_bcp47(code)})"


def _country_choices(languages: list[str], labels: list[str]) -> list[dict]:
    """The list a country question selects from: every ISO 3166 country, named in each
    language the platform has names for (English otherwise)."""
    names: dict[str, dict[str, str]] = {}
    for lang in languages:
        with translation.override(lang):
            for code, name in countries:
                names.setdefault(code, {})[lang] = str(name)
    return [
        {
            "list_name": COUNTRY_LIST,
            "name": code,
            **{label: names[code][lang] for label, lang in zip(labels, languages, strict=True)},
        }
        for code in names
    ]


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
    if any(q["type"] == COUNTRY for s in data["sections"] for q in s["questions"]):
        choices.extend(_country_choices(languages, labels))

    settings = {
        "form_title": data["title"].get(DEFAULT_LANGUAGE),
        "form_id": data["code"],
        "version": data["version"],
        "default_language": language_column_name(DEFAULT_LANGUAGE),
        # Keep line breaks and spaces in texts as written (pyxform collapses them otherwise).
        "clean_text_values": "no",
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
    if "default" in q:
        value = q["default"]
        row["default"] = " ".join(value) if isinstance(value, list) else value
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
#
# pyxform reads the workbook, exactly as KoboToolbox and ODK do (header spellings, type
# aliases, capitalised columns, defaults such as the title and id from the file name); this
# module only maps its result (the "pyxform dict") onto a definition. The workbook is first
# read once in openpyxl's read-only mode against the limits below, so that a small file that
# unpacks into millions of cells is refused before pyxform builds anything from it.

MAX_UPLOAD_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 40_000_000
MAX_SHEETS = 20
MAX_ROWS = 5_000  # rows that hold something
MAX_ROWS_READ = 200_000  # rows read at all (spreadsheets often format many empty rows)
# pyxform stops reading a sheet after 60 empty rows in a row; so do we, after a few more.
_EMPTY_RUN = 100
MAX_COLUMNS = 200
MAX_CELLS = 200_000

# Types that only record something about the interview, not an answer. The platform records
# when a response was started and submitted itself and never collects device, SIM or phone
# identifiers, so these rows are read and left out.
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-geopoint",
    "uri:deviceid",
    "uri:subscriberid",
    "uri:simserial",
    "uri:phonenumber",
    "uri:username",
    "uri:email",
}
# Types with nothing we can ask or store, named in the refusal.
UNSUPPORTED_TYPES = {
    "geopoint": "locations",
    "geotrace": "locations",
    "geoshape": "locations",
    "image": "file uploads",
    "photo": "file uploads",
    "audio": "file uploads",
    "video": "file uploads",
    "file": "file uploads",
    "background-audio": "file uploads",
    "barcode": "barcodes",
    "range": "ranges",
    "rank": "ranking",
    "acknowledge": "acknowledgements",
    "trigger": "acknowledgements",
    "hidden": "hidden fields",
    "time": "times (use date)",
    "datetime": "date and time answers (use date)",
    "dateTime": "date and time answers (use date)",
    "osm": "OpenStreetMap questions",
    "xml-external": "external data",
    "csv-external": "external data",
    "repeat": "repeat groups",
    "loop": "loops over a list",
    "entity": "entities",
    "attribute": "entities",
}
_STATIC_FILTER = re.compile(
    r"""^\s*([A-Za-z_][\w.-]*)\s*=\s*(?:'([^']*)'|"([^"]*)"|([\w.-]+))\s*$"""
)
_PARENT_REF = re.compile(r"\.\./([A-Za-z_][\w.-]*)")
_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
_NAMED_LANGUAGE = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_YES = {"yes", "true", "true()"}
_NO = {"", "no", "false", "false()"}
_SPECIAL_LABELS = {"don't know": "dont_know", "prefer not to say": "prefer_not_to_say"}
_SPECIAL_CODES = {"dont_know", "prefer_not_to_say"}
_PYXFORM_DEFAULT_LANGUAGE = "default"


@dataclass
class _Rows:
    """Where each name is in the workbook, for messages (pyxform's result has no rows)."""

    survey: dict[str, int]
    choices: dict[tuple[str, str], int]
    types: dict[str, int] = field(default_factory=dict)  # survey type -> first row
    repeated: dict[str, list[int]] = field(default_factory=dict)  # name -> every row
    duplicate_headers: dict[str, str] = field(default_factory=dict)  # header -> sheet
    survey_sheet: str = "survey"
    choices_sheet: str = "choices"

    def question(self, name: str) -> str:
        row = self.survey.get(name)
        where = f"{self.survey_sheet} row {row}" if row else self.survey_sheet
        return f"{where} (name {name!r})" if name else where

    def choice(self, list_name: str, name: str) -> str:
        row = self.choices.get((list_name, name))
        where = f"{self.choices_sheet} row {row}" if row else self.choices_sheet
        return f"{where} (list {list_name!r}, name {name!r})"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_within_limits(content: bytes) -> _Rows:
    """Check the workbook against the limits, reading it as a stream, and note the row of
    every survey and choices name. Raises XLSFormError naming the limit that was passed."""
    with catch_warnings():
        simplefilter("ignore")  # openpyxl's notes on workbook extensions it skips
        return _read_rows(content)


def _read_rows(content: bytes) -> _Rows:
    if len(content) > MAX_UPLOAD_BYTES:
        raise XLSFormError([f"the file is larger than {MAX_UPLOAD_BYTES // 1_000_000} MB"])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise XLSFormError(["the file is not an .xlsx workbook"]) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise XLSFormError(
            [
                f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // 1_000_000} MB; "
                "an XLSForm is far smaller (is it the right file?)"
            ]
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise XLSFormError(["the file is not an .xlsx workbook"]) from exc
    try:
        if len(book.sheetnames) > MAX_SHEETS:
            raise XLSFormError([f"the workbook has more than {MAX_SHEETS} sheets"])
        rows = _Rows({}, {})
        cells = 0
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # a declared size is not trusted: count what is there
            title = sheet.title.strip().lower()
            header: dict[str, int] = {}
            filled = empty_run = 0
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS_READ:
                    raise XLSFormError(
                        [f"sheet {sheet.title!r} has more than {MAX_ROWS_READ:,} rows (the limit)"]
                    )
                # Formatting alone can stretch a row far to the right: count up to the last
                # cell that holds something.
                width = next((i for i in range(len(values), 0, -1) if values[i - 1] is not None), 0)
                if width > MAX_COLUMNS:
                    raise XLSFormError(
                        [
                            f"sheet {sheet.title!r} row {number} has more than {MAX_COLUMNS} "
                            "columns (the limit)"
                        ]
                    )
                cells += width
                filled += width > 0
                empty_run = 0 if width else empty_run + 1
                if empty_run > _EMPTY_RUN:
                    break
                if filled > MAX_ROWS:
                    raise XLSFormError(
                        [f"sheet {sheet.title!r} has more than {MAX_ROWS:,} rows (the limit)"]
                    )
                if cells > MAX_CELLS:
                    raise XLSFormError(
                        [f"the workbook has more than {MAX_CELLS:,} cells (the limit)"]
                    )
                if number == 1:
                    titles = [_cell(v) for v in values if _cell(v)]
                    for title_text in titles:
                        if titles.count(title_text) > 1:
                            rows.duplicate_headers.setdefault(title_text, sheet.title)
                    header = {_cell(v).lower(): i for i, v in enumerate(values) if _cell(v)}
                    header.setdefault("list_name", header.get("list name", -1))
                    continue

                def get(column: str, values=values, header=header) -> str:
                    index = header.get(column, -1)
                    return _cell(values[index]) if 0 <= index < len(values) else ""

                if title == "survey" or len(book.sheetnames) == 1:
                    rows.survey_sheet = sheet.title
                    if get("name"):
                        rows.survey.setdefault(get("name"), number)
                    rows.types.setdefault(get("type"), number)
                    rows.repeated.setdefault(get("name"), []).append(number)
                elif title == "choices":
                    rows.choices_sheet = sheet.title
                    if get("name"):
                        rows.choices.setdefault((get("list_name"), get("name")), number)
        return rows
    finally:
        book.close()


@cache
def _language_names() -> dict[str, str]:
    """Language names (lowercase) -> code, from CLDR through Babel: every language's
    English name and its own name ("French", "français" -> "fr")."""
    english = Locale("en")
    names: dict[str, str] = {}
    for identifier, name in english.languages.items():
        code = identifier.replace("_", "-").lower()
        names.setdefault(name.lower(), code)
    for identifier in english.languages:
        try:
            own = Locale.parse(identifier).get_display_name(identifier)
        except (ValueError, UnknownLocaleError):
            continue
        if own:
            names.setdefault(own.lower(), identifier.replace("_", "-").lower())
    return names


def language_code(label: str) -> str | None:
    """The language code of an XLSForm language: "English (en)", "English", "français",
    "en" or "EN"; None when it names no language."""
    label = label.strip()
    match = _NAMED_LANGUAGE.match(label)
    if match and _LANGUAGE_CODE.match(match.group(2).strip().lower()):
        return match.group(2).strip().lower()
    found = _language_names().get(label.lower())
    if found:
        return found
    if _LANGUAGE_CODE.match(label.lower()):
        try:
            Locale.parse(label.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            return None
        return label.lower()
    return None


def language_name(code: str, *, locale: str = DEFAULT_LANGUAGE) -> str:
    """A language's name (CLDR, through Babel) in `locale`; the code when unknown."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return code


def _sanitise_code(text: str) -> str:
    code = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_")
    return code[:64]


def _bad_code(name: str) -> str:
    return (
        f"name {name!r} is not a valid code (lowercase letters, digits, _ and -, "
        "starting with a letter, at most 64 characters)"
    )


def _json_value(text: str, where: str, errors: list[str]):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        errors.append(f"{where}: not valid JSON ({exc.msg})")
        return None


def xlsform_to_definition(content: bytes, *, filename: str = "form.xlsx") -> dict:
    """An XLSForm workbook (.xlsx bytes) as a definition dict, for parse_definition.

    `filename` gives the title and code when the settings sheet does not, as in pyxform.
    Raises XLSFormError listing every construct we cannot represent, each with its sheet and
    row; never returns a partial result.
    """
    rows = _read_within_limits(content)
    stem = PurePath(filename).stem or "form"
    warnings: list[str] = []
    try:
        with catch_warnings():
            simplefilter("ignore")  # openpyxl's notes on workbook extensions it skips
            result = convert(
                PyxformInput(io.BytesIO(content), SupportedFileTypes.xlsx, stem),
                warnings=warnings,
            )
    except PyXFormError as exc:
        raise XLSFormError([_pyxform_message(str(exc), rows)]) from exc
    except Exception as exc:  # noqa: BLE001 - pyxform raises plain errors on broken files
        raise XLSFormError([f"the file could not be read as an XLSForm ({exc})"]) from exc
    errors: list[str] = []
    data = _Mapper(result._pyxform, rows, errors).run()
    if errors:
        raise XLSFormError(list(dict.fromkeys(errors)))  # a list used twice, named once
    return data


def _pyxform_message(message: str, rows: _Rows) -> str:
    """pyxform's own refusal ("[row : 5] ...") in our form: sheet and row first."""
    match = re.match(r"^\[row : (\d+)\]\s*(.*)$", message, re.DOTALL)
    unknown = re.match(r"^Unknown question type '(.*)'\.?$", message)
    if unknown and unknown.group(1) in rows.types:
        return f"{rows.survey_sheet} row {rows.types[unknown.group(1)]}: {message}"
    duplicate = re.match(r"^Duplicate column header: (.*)$", message)
    if duplicate and duplicate.group(1) in rows.duplicate_headers:
        return f"{rows.duplicate_headers[duplicate.group(1)]} row 1: {message}"
    if match is None and "include" in rows.types:
        return (
            f"{rows.survey_sheet} row {rows.types['include']}: type 'include' (a section "
            "taken from another file) is not supported"
        )
    if match is None:
        return f"{rows.survey_sheet}: the form is not valid XLSForm: {message}"
    sheet = rows.choices_sheet if "'choices' sheet" in message else rows.survey_sheet
    return f"{sheet} row {match.group(1)}: {match.group(2)}"


_SINGLE_COLON = re.compile(r"^(label|hint):([^:].*)$", re.IGNORECASE)


def _fold_single_colon(element: dict) -> None:
    """`label:French` (one colon, as some tools write it) as pyxform's `label::French`:
    pyxform keeps such a column aside, under its own name."""
    for key in [k for k in element if isinstance(k, str) and _SINGLE_COLON.match(k)]:
        match = _SINGLE_COLON.match(key)
        kind, language = match.group(1).lower(), match.group(2).strip()
        current = element.get(kind)
        if isinstance(current, str):
            current = {_PYXFORM_DEFAULT_LANGUAGE: current}
        element[kind] = {**(current or {}), language: element.pop(key)}
    choices = element.get("choices")
    for choice in choices if isinstance(choices, list) else ():
        _fold_single_colon(choice)
    for column in element.get("columns", ()) or ():
        _fold_single_colon(column)
    for child in element.get("children", ()) or ():
        _fold_single_colon(child)


class _Mapper:
    """pyxform's survey dict -> our definition dict, collecting every refusal."""

    def __init__(self, survey: dict, rows: _Rows, errors: list[str]):
        self.survey = survey
        self.rows = rows
        self.errors = errors
        self.settings = {k.lower(): v for k, v in survey.items() if isinstance(v, str)}
        self.default_language = DEFAULT_LANGUAGE
        self.languages: list[str] = []
        self.incomplete: set[str] = set()  # languages some text is missing in
        # survey name -> (reference in conditions, question type), or None (not a question)
        self.names: dict[str, tuple[str, str] | None] = {}
        self.codes: set[str] = set()
        self.calculates: dict[str, str] = {}  # calculate name -> name for messages
        # (name, dict to set, key, expression, column): read once every name is known
        self.deferred: list[tuple[str, dict, str, str, str]] = []
        self.expressions: list[tuple[str, str]] = []  # (name, expression) for calculates
        self.pending_notes: list[dict] = []
        self.last_question: dict | None = None

    def error(self, name: str, message: str) -> None:
        self.errors.append(f"{self.rows.question(name)}: {message}")

    def refuse(self, element: dict, construct: str, why: str = "") -> None:
        more = f" ({why})" if why else ""
        self.error(element.get("name", ""), f"{construct} is not supported{more}")

    # texts and languages

    def language(self, key: str) -> str | None:
        if key == _PYXFORM_DEFAULT_LANGUAGE:
            return self.default_language
        return language_code(key)

    def text(self, value, name: str = "") -> dict:
        if isinstance(value, str) and value == "":
            return {}
        if value is None:
            return {}
        if isinstance(value, str):
            return {self.default_language: value}
        result = {}
        for key, text in value.items():
            code = self.language(key)
            if code is None:
                self.error(
                    name,
                    f"language {key!r}: cannot tell which language it is; write the column "
                    f"as 'label::{key} (xx)' with its language code",
                )
            elif str(text).strip():
                result[code] = str(text)
        return result

    def note_languages(self, value) -> None:
        if isinstance(value, str) and value and self.default_language not in self.languages:
            self.languages.insert(0, self.default_language)
        if isinstance(value, dict):
            for key in value:
                code = self.language(key)
                if code is not None and code not in self.languages:
                    self.languages.append(code)

    def collect_languages(self, elements: list[dict]) -> None:
        for element in elements:
            for key in ("label", "hint"):
                self.note_languages(element.get(key))
            for choice in element.get("choices", ()) or ():
                self.note_languages(choice.get("label"))
            self.collect_languages(element.get("children", []))

    # the whole form

    def run(self) -> dict:
        settings = self.settings
        declared = settings.get("default_language", _PYXFORM_DEFAULT_LANGUAGE)
        if declared != _PYXFORM_DEFAULT_LANGUAGE:
            code = language_code(declared)
            if code is None:
                self.errors.append(
                    f"settings: default_language {declared!r}: cannot tell which language "
                    "it is; write it as 'English (en)'"
                )
            else:
                self.default_language = code
        _fold_single_colon(self.survey)
        for lists in self.survey.get("choices", {}).values():
            for choice in lists:
                _fold_single_colon(choice)
        self.collect_languages(self.survey.get("children", []))
        json_settings = {}
        for column, key in SETTINGS_JSON.items():
            if settings.get(column):
                value = _json_value(settings[column], f"settings, {column}", self.errors)
                if value is not None:
                    json_settings[key] = value
        if settings.get("hrdd_languages"):
            self.languages = settings["hrdd_languages"].split()
        if DEFAULT_LANGUAGE not in self.languages:
            self.errors.append(
                "survey row 1: the form has no English labels (a label::English (en) column, "
                "or default_language English): English is the language every translation "
                "falls back to"
            )
        title_text = self.survey.get("title") or self.survey.get("id_string") or ""
        code = _sanitise_code(self.survey.get("id_string") or title_text)
        if not _CODE.match(code):
            self.errors.append(
                f"settings: form_id {self.survey.get('id_string', '')!r} must give a code "
                "starting with a letter (letters, digits, _ and - are kept)"
            )
        version = str(self.survey.get("version") or "")
        data: dict[str, Any] = {
            "format": 1,
            "code": code,
            "version": int(version) if version.isdigit() and int(version) >= 1 else 1,
            "languages": self.languages,
            "title": json_settings.get("title") or dict.fromkeys(self.languages, title_text),
        }
        for key in ("description", "sources", "topics", "indicator_framework", "indicators"):
            if key in json_settings:
                data[key] = json_settings[key]
        children = []
        for child in self.survey.get("children", []):
            if _is_meta_group(child):
                for meta in child.get("children", []):
                    if meta.get("type") in UNSUPPORTED_TYPES:
                        self.refuse(meta, f"type {meta['type']!r}", UNSUPPORTED_TYPES[meta["type"]])
            else:
                children.append(child)
        for element in _walk(children):
            name = element.get("name", "")
            if name:
                self.names.setdefault(name, None)
        sections = self.read_sections(children, data["title"])
        self.flush_notes_into_last()
        self.check_calculates()
        self.resolve_conditions()
        data["sections"] = sections
        if not sections and not self.errors:
            self.errors.append(
                f"{self.rows.survey_sheet}: the form has no question to answer (notes, "
                "calculations and metadata alone are not a questionnaire)"
            )
        if settings.get("hrdd_draft_languages") is not None and "hrdd_languages" in settings:
            drafts = settings.get("hrdd_draft_languages", "").split()
        else:
            drafts = sorted(self.incomplete - {DEFAULT_LANGUAGE}, key=self.languages.index)
        if drafts:
            data["draft_languages"] = drafts
        uses_general = any(q["topic"] == GENERAL_TOPIC for s in sections for q in s["questions"])
        topics = data.setdefault("topics", {})
        if uses_general and GENERAL_TOPIC not in topics:
            topics[GENERAL_TOPIC] = {
                lang: _GENERAL.get(lang, _GENERAL[DEFAULT_LANGUAGE]) for lang in self.languages
            }
        return data

    def complete(self, text: dict, name: str, what: str = "label") -> dict:
        """A text that is required: note languages it lacks (they become draft languages)."""
        missing = [lang for lang in self.languages if lang not in text]
        self.incomplete.update(missing)
        if DEFAULT_LANGUAGE in missing and DEFAULT_LANGUAGE in self.languages:
            self.error(name, f"the English {what} is empty")
        return text

    # survey

    def read_sections(self, children: list[dict], title: dict) -> list[dict]:
        sections: list[dict] = []
        implicit: dict | None = None
        for element in children:
            kind = element.get("type", "")
            if kind == "group" and element.get("hrdd_type") != GRID:
                implicit = None
                name = element.get("name", "")
                if not _CODE.match(name):
                    self.error(name, _bad_code(name))
                label = self.text(element.get("label"), name)
                section = {
                    "code": name,
                    # A group without a label is titled as the form is.
                    "title": self.complete(label, name) if label else dict(title),
                    "questions": [],
                }
                self.codes.add(name)
                relevant = element.get("bind", {}).get("relevant")
                self.defer(name, section, "show_if", relevant, "relevant")
                self.read_children(element.get("children", []), section, [])
                if section["questions"]:
                    sections.append(section)
                continue
            if implicit is None:
                implicit = {"code": None, "title": dict(title), "questions": []}
                sections.append(implicit)
            self.read_element(element, implicit, [])
        taken = set(self.names) | self.codes
        for section in sections:
            if section["code"] is None:
                code, n = DEFAULT_SECTION, 1
                while code in taken:
                    n += 1
                    code = f"{DEFAULT_SECTION}_{n}"
                taken.add(code)
                section["code"] = code
        return [s for s in sections if s["questions"]]

    def read_children(self, children: list[dict], section: dict, outer: list[str]) -> None:
        for element in children:
            self.read_element(element, section, outer)

    def read_element(self, element: dict, section: dict, outer: list[str]) -> None:
        """One survey element into `section`; `outer` holds the relevance of the groups
        around it inside the section (a nested group's questions join the section with
        their group's relevance added to their own)."""
        kind = element.get("type", "")
        name = element.get("name", "")
        bind = element.get("bind", {}) or {}
        if kind == "group" and element.get("hrdd_type") == GRID:
            grid = self.grid(element)
            if grid is not None:
                self.add(section, grid, outer, element)
            return
        if kind == "group":
            inner = [*outer, bind["relevant"]] if bind.get("relevant") else outer
            self.read_children(element.get("children", []), section, inner)
            return
        if kind == "loop":
            grid = self.loop_grid(element)
            if grid is not None:
                self.add(section, grid, outer, element)
            return
        if kind in METADATA_TYPES or (bind.get("jr:preload") and kind != "calculate"):
            return
        if kind == "note":
            self.note(element)
            return
        if kind == "calculate":
            self.calculates[name] = name
            return
        if kind in UNSUPPORTED_TYPES:
            self.refuse(element, f"type {kind!r}", UNSUPPORTED_TYPES[kind])
            return
        question = self.question(element)
        if question is not None:
            self.add(section, question, outer, element)

    def add(self, section: dict, question: dict, outer: list[str], element: dict) -> None:
        name = element.get("name", "")
        if self.pending_notes:
            notes = self.pending_notes
            self.pending_notes = []
            question["help"] = _joined([*notes, question.get("help", {})])
        own = (element.get("bind", {}) or {}).get("relevant")
        relevance = [*outer, own] if own else outer
        if len(relevance) == 1:
            self.defer(name, question, "show_if", relevance[0], "relevant")
        elif relevance:
            joined = " and ".join(f"({r})" for r in relevance)
            self.defer(name, question, "show_if", joined, "relevant")
        section["questions"].append(question)
        self.last_question = question

    def note(self, element: dict) -> None:
        """A note has no answer: its text is shown with the next question (before its help),
        or, at the end of the form, after the last question's help."""
        name = element.get("name", "")
        text = self.text(element.get("label"), name)
        if element.get("bind", {}).get("relevant"):
            self.refuse(element, "a note with its own relevant", "notes are always shown")
            return
        if text:
            self.pending_notes.append(text)

    def flush_notes_into_last(self) -> None:
        if self.pending_notes and self.last_question is not None:
            self.last_question["help"] = _joined(
                [self.last_question.get("help", {}), *self.pending_notes]
            )
            self.pending_notes = []

    def defer(self, name: str, target: dict, key: str, expression: str | None, column: str):
        if expression:
            self.deferred.append((name, target, key, expression, column))
            self.expressions.append((name, expression))

    def resolve(self, token: str) -> tuple[str, str]:
        name = token[2:-1].strip()
        if name in self.calculates:
            raise ExpressionError(
                f"{token} is a calculate; conditions on calculated values are not supported"
            )
        if name not in self.names:
            raise ExpressionError(f"{token} is not a question of this form")
        target = self.names[name]
        if target is None:
            raise ExpressionError(f"{token} is a group or a note, not a question")
        return target

    def resolve_conditions(self) -> None:
        for name, target, key, expression, column in self.deferred:
            if any(ref in self.calculates for ref in _REFERENCE.findall(expression)):
                continue  # refused by check_calculates, by the calculate's name
            text = _PARENT_REF.sub(lambda m: "${" + m.group(1) + "}", expression)
            try:
                target[key] = expression_to_condition(text, self.resolve)
            except ExpressionError as exc:
                self.error(name, f"{column} {expression!r} is not supported: {exc}")

    def check_calculates(self) -> None:
        """A calculate nothing refers to only stores a derived value, which the platform does
        not keep: it is left out. One that other rows use cannot be left out: refused."""
        reported: set[str] = set()
        for name, expression in self.expressions:
            for ref in _REFERENCE.findall(expression):
                if ref in self.calculates and ref not in reported:
                    reported.add(ref)
                    self.error(
                        ref,
                        f"calculate {ref!r} is used by {name!r}: calculations other rows "
                        "depend on are not supported",
                    )

    def question_text(self, element: dict) -> dict:
        """The label; a question without one (pyxform allows it) is shown by its name."""
        name = element.get("name", "")
        label = self.text(element.get("label"), name)
        return self.complete(label, name) if label else {DEFAULT_LANGUAGE: name}

    def common(self, element: dict, question: dict) -> None:
        name = element.get("name", "")
        bind = element.get("bind", {}) or {}
        hint = self.text(element.get("hint"), name)
        if hint:
            question["help"] = hint
        required = str(bind.get("required", "")).strip()
        if required.lower() in _YES:
            question["required"] = True
        elif required.lower() not in _NO:
            self.defer(name, question, "required_if", required, "required")
        for key, construct in (
            ("readonly", "read_only"),
            ("calculate", "calculation on a question"),
            ("jr:preload", "preloaded values"),
        ):
            if str(bind.get(key, "")).lower() not in _NO:
                self.refuse(element, construct)
        if element.get("trigger"):
            self.refuse(element, "trigger")
        if element.get("parameters"):
            self.refuse(element, "parameters", str(element["parameters"]))

    def question(self, element: dict) -> dict | None:
        name = element.get("name", "")
        kind = element.get("type", "")
        bind_type = _bind_type(kind)
        is_select = kind.startswith(("select one", "select all that apply"))
        if not is_select and bind_type not in ("int", "decimal", "date", "string"):
            self.refuse(element, f"type {kind!r}", "unknown question type")
            return None
        if not _CODE.match(name):
            self.error(name, _bad_code(name))
        if self.names.get(name) is not None or name in self.codes:
            found = self.rows.repeated.get(name, [])
            self.errors.append(
                f"{self.rows.survey_sheet} row {found[-1] if found else '?'} (name {name!r}): "
                f"the name is used twice (also row {found[0] if found else '?'}); every "
                "question needs its own"
            )
        self.codes.add(name)
        hrdd_type = str(element.get("hrdd_type", "")).strip()
        question: dict[str, Any] = {
            "code": name,
            "type": None,
            "text": self.question_text(element),
            "topic": str(element.get("hrdd_topic", "")).strip() or GENERAL_TOPIC,
        }
        self.common(element, question)
        allowed_hrdd: tuple[str, ...] = ()
        appearance = str((element.get("control") or {}).get("appearance", "")).lower().split()
        if is_select:
            multiple = kind.startswith("select all that apply")
            if kind not in ("select one", "select all that apply") or not element.get("list_name"):
                self.refuse(element, f"type {kind!r}", "choices from a file or another form")
                return None
            allowed_hrdd = () if multiple else (YES_NO, COUNTRY)
            if not multiple and hrdd_type == COUNTRY:
                question["type"] = COUNTRY
            else:
                single = YES_NO if hrdd_type == YES_NO else SINGLE_CHOICE
                question["type"] = MULTIPLE_CHOICE if multiple else single
                question["options"] = self.options(element)
        elif bind_type in ("int", "decimal"):
            allowed_hrdd = (PERCENTAGE,)
            question["type"] = PERCENTAGE if hrdd_type == PERCENTAGE else NUMBER
            if bind_type == "int":
                question["integer"] = True
            for column, key in (("hrdd_unit", "unit"), ("hrdd_bands", "bands")):
                if element.get(column):
                    where = f"{self.rows.question(name)}, {column}"
                    value = _json_value(str(element[column]), where, self.errors)
                    if value is not None:
                        question[key] = value
        elif bind_type == "date":
            question["type"] = DATE
        else:
            question["type"] = LONG_TEXT if "multiline" in appearance else SHORT_TEXT
            max_length = str(element.get("hrdd_max_length", "")).strip()
            if max_length.isdigit():
                question["max_length"] = int(max_length)
            elif max_length:
                self.error(name, f"hrdd_max_length {max_length!r} is not a whole number")
        if hrdd_type and hrdd_type not in allowed_hrdd:
            self.error(name, f"hrdd_type {hrdd_type!r} is not for type {kind!r}")
        if element.get("hrdd_special_answers"):
            self.special_answers(element, question, str(element["hrdd_special_answers"]))
        constraint = (element.get("bind") or {}).get("constraint")
        if constraint:
            if question["type"] not in (NUMBER, PERCENTAGE):
                self.refuse(element, f"constraint {constraint!r}", "only a range on a number")
            else:
                try:
                    question |= _parse_constraint(constraint)
                except ExpressionError as exc:
                    self.refuse(element, f"constraint {constraint!r}", str(exc))
        if "default" in element and str(element["default"]).strip():
            self.default(element, question, str(element["default"]).strip())
        self.names[name] = (name, question["type"])
        return question

    def default(self, element: dict, question: dict, value: str) -> None:
        """A default answer the supplier sees filled in and can change."""
        qtype = question["type"]
        if qtype in (SINGLE_CHOICE, YES_NO, MULTIPLE_CHOICE):
            codes = {o["code"] for o in question.get("options", [])}
            chosen = value.split() if qtype == MULTIPLE_CHOICE else [value]
            if not set(chosen) <= codes:
                self.refuse(element, f"default {value!r}", "not one of the question's choices")
                return
            question["default"] = chosen if qtype == MULTIPLE_CHOICE else value
        elif qtype in (NUMBER, PERCENTAGE):
            try:
                question["default"] = _number(value)
            except ValueError:
                self.refuse(element, f"default {value!r}", "not a number")
        elif qtype == DATE:
            value = value.removesuffix(" 00:00:00")  # a date cell, as pyxform writes it
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                self.refuse(element, f"default {value!r}", "only a date as YYYY-MM-DD")
                return
            question["default"] = value
        elif qtype in (SHORT_TEXT, LONG_TEXT):
            if "${" in value or "(" in value:
                self.refuse(element, f"default {value!r}", "only a fixed text")
                return
            question["default"] = value
        else:
            self.refuse(element, f"default {value!r}", f"no default for a {qtype} question")

    def options(self, element: dict) -> list[dict]:
        """The choices of a select, narrowed by a fixed choice_filter (`column = value`); a
        filter that depends on answers (cascading selects) is refused."""
        list_name = element["list_name"]
        choices = element.get("choices") or self.survey.get("choices", {}).get(list_name, [])
        choice_filter = str(element.get("choice_filter") or "").strip()
        if choice_filter:
            match = _STATIC_FILTER.match(choice_filter)
            if match is None:
                self.refuse(
                    element,
                    f"choice_filter {choice_filter!r}",
                    "only a fixed filter such as `column = 'value'`; choices that depend on "
                    "other answers are not",
                )
                return []
            column = match.group(1)
            wanted = next(v for v in match.group(2, 3, 4) if v is not None)
            choices = [c for c in choices if str(c.get(column, "")) == wanted]
        return [self.option(list_name, choice) for choice in choices]

    def option(self, list_name: str, choice: dict) -> dict:
        name = str(choice.get("name", ""))
        where = self.rows.choice(list_name, name)
        if not _CODE.match(name):
            self.errors.append(f"{where}: {_bad_code(name)}")
        text = self.text(choice.get("label"))
        if not text:
            text = {DEFAULT_LANGUAGE: name}
        missing = [lang for lang in self.languages if lang not in text]
        self.incomplete.update(missing)
        if DEFAULT_LANGUAGE in missing:
            self.errors.append(f"{where}: the English label is empty")
        for key in ("image", "audio", "video", "media"):
            if choice.get(key):
                self.errors.append(f"{where}: media on choices ({key}) is not supported")
        option: dict[str, Any] = {"code": name, "text": text}
        has_special = "hrdd_special" in choice or "hrdd_risk" in choice
        special = str(choice.get("hrdd_special", "")).strip()
        if not has_special:
            english = text.get(DEFAULT_LANGUAGE, "").strip().lower().replace("’", "'")
            special = (name if name in _SPECIAL_CODES else "") or _SPECIAL_LABELS.get(english, "")
        risk = str(choice.get("hrdd_risk", "")).strip() or ("" if special else "none")
        if risk:
            option["risk"] = risk
        if special:
            option["special"] = special
        for key in ("topics", "indicators"):
            value = str(choice.get(f"hrdd_{key}", "")).strip()
            if value:
                option[key] = value.split()
        exclusive = str(choice.get("hrdd_exclusive", "")).strip().lower()
        if exclusive in _YES:
            option["exclusive"] = True
        elif exclusive not in _NO:
            self.errors.append(f"{where}: hrdd_exclusive must be yes or empty")
        return option

    def special_answers(self, element: dict, question: dict, list_name: str) -> None:
        """hrdd_special_answers: the choices list of a number, percentage, date or country
        question's special answers, each named dont_know or prefer_not_to_say."""
        name = element.get("name", "")
        if question["type"] not in SPECIAL_ANSWER_TYPES:
            self.error(
                name,
                "hrdd_special_answers is only for integer, decimal, date and country questions "
                "(a select question's own choices mark them with hrdd_special)",
            )
            return
        lists = self.survey.get("choices", {})
        if list_name not in lists:
            self.error(name, f"the list {list_name!r} is not in the choices sheet")
            return
        found = []
        for choice in lists[list_name]:
            option = self.option(list_name, choice)
            if option["code"] not in _SPECIAL_CODES or option.get("special") != option["code"]:
                self.error(
                    name,
                    f"hrdd_special_answers: choice {option['code']!r} of list {list_name!r} must "
                    "be named dont_know or prefer_not_to_say and marked so in hrdd_special",
                )
            elif "risk" in option or "exclusive" in option:
                self.error(
                    name,
                    f"hrdd_special_answers: choice {option['code']!r} of list {list_name!r} "
                    "carries no risk and is not marked exclusive",
                )
            else:
                found.append({"code": option["code"], "text": option["text"]})
        if found:
            question["special_answers"] = found

    def grid(self, element: dict) -> dict | None:
        """A group marked hrdd_type grid, one select_one row per grid row (as we export)."""
        name = element.get("name", "")
        if not _CODE.match(name):
            self.error(name, _bad_code(name))
        grid: dict[str, Any] = {
            "code": name,
            "type": GRID,
            "text": self.complete(self.text(element.get("label"), name), name),
            "topic": str(element.get("hrdd_topic", "")).strip() or GENERAL_TOPIC,
        }
        hint = self.text(element.get("hint"), name)
        if hint:
            grid["help"] = hint
        self.names[name] = None
        rows = element.get("children", [])
        required: set[str] = set()
        group_required = str((element.get("bind") or {}).get("required", "")).strip()
        lists = set()
        for child in rows:
            child_name = child.get("name", "")
            if child.get("type") != "select one" or not child.get("list_name"):
                self.error(child_name, f"a grid (group {name!r}) holds only select_one rows")
                return None
            bind = child.get("bind") or {}
            for column in ("relevant", "constraint"):
                if bind.get(column):
                    self.error(child_name, f"a grid row cannot have its own {column}")
            if child.get("hrdd_type"):
                self.error(child_name, "a grid row cannot have its own hrdd_type")
            prefix = name + GRID_ROW_SEPARATOR
            code = child_name[len(prefix) :] if child_name.startswith(prefix) else child_name
            if not _CODE.match(code):
                self.error(child_name, f"grid row code {code!r}: " + _bad_code(code))
            grid.setdefault("rows", []).append(
                {"code": code, "text": self.complete(self.text(child.get("label")), child_name)}
            )
            required.add(str(bind.get("required", "")).strip())
            lists.add(child["list_name"])
            self.names[child_name] = (f"{name}.{code}", GRID)
        if not rows:
            self.error(name, "a grid needs at least one select_one row")
            return None
        if len(lists) > 1:
            self.error(name, "the rows of a grid must all use the same list")
        grid["options"] = self.options(rows[0])
        if group_required:
            required = (required - {""}) | {group_required}
        if len(required) > 1:
            self.error(name, "the rows of a grid must all have the same required")
            return grid
        value = required.pop()
        if value.lower() in _YES:
            grid["required"] = True
        elif value.lower() not in _NO:
            self.defer(name, grid, "required_if", value, "required")
        return grid

    def loop_grid(self, element: dict) -> dict | None:
        """A loop over a list whose body is one select_one is a grid: a row per list item,
        the select's choices as the options. Any other loop is refused."""
        name = element.get("name", "")
        children = element.get("children", [])
        if len(children) != 1 or children[0].get("type") != "select one":
            self.refuse(element, "a loop", "only a loop holding a single select_one maps to a grid")
            return None
        child = children[0]
        if not _CODE.match(name):
            self.error(name, _bad_code(name))
        grid: dict[str, Any] = {
            "code": name,
            "type": GRID,
            "text": self.complete(self.text(element.get("label") or child.get("label")), name),
            "topic": str(element.get("hrdd_topic", "")).strip() or GENERAL_TOPIC,
            "rows": [],
            "options": self.options(child),
        }
        for column in element.get("columns", []):
            code = str(column.get("name", ""))
            if not _CODE.match(code):
                self.error(name, f"loop item {code!r}: " + _bad_code(code))
            grid["rows"].append({"code": code, "text": self.text(column.get("label"))})
            self.names[f"{name}__{code}"] = (f"{name}.{code}", GRID)
        self.names[name] = None
        required = str((child.get("bind") or {}).get("required", "")).strip().lower()
        if required in _YES:
            grid["required"] = True
        return grid


def _joined(texts: list[dict]) -> dict:
    """Texts per language joined by a blank line (notes before a question's help)."""
    languages: list[str] = []
    for text in texts:
        languages += [lang for lang in text if lang not in languages]
    return {lang: "\n\n".join(t[lang] for t in texts if t.get(lang)) for lang in languages}


def _walk(elements: list[dict]):
    for element in elements:
        yield element
        yield from _walk(element.get("children", []))


def _is_meta_group(element: dict) -> bool:
    """The group pyxform adds for the instance ID (and KoboToolbox's instanceName)."""
    return element.get("type") == "group" and element.get("name") == "meta"


def _bind_type(kind: str) -> str:
    entry = QUESTION_TYPE_DICT.get(kind) or {}
    return str((entry.get("bind") or {}).get("type", ""))
