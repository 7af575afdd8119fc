"""Real XLSForms from the Kobo/ODK world (pyxform's own examples, xlsform-offline): each one
either imports with the questions, choices and relevance pyxform reads from it, or is
refused with messages that each name the sheet, the row and the construct. Every import
exports again to a workbook pyxform accepts, and imports back to the same questionnaire.

The corpus lives beside the repository (`../shared/interop/eco-forms`, as in CI); without it
these tests fail rather than pass silently.
"""

import re
import warnings
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from pyxform.xls2xform import convert

from hrdd.questionnaires import definition as definition_module
from hrdd.questionnaires.definition import parse_definition
from hrdd.questionnaires.xlsform import (
    METADATA_TYPES,
    XLSFormError,
    definition_to_xlsform,
    xlsform_to_definition,
)

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "interop" / "eco-forms"
FILES = sorted([*CORPUS.glob("*.xlsx"), *CORPUS.glob("variants/*.xlsx")])
BUILTIN_DIR = Path(definition_module.__file__).parent / "definitions"
# A refusal names where (sheet and row) and what.
LOCATED = re.compile(r"^(survey|choices|settings)( row \d+)?( \(.*?\))?: .+", re.IGNORECASE)
REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}|\.\./([A-Za-z_][\w.-]*)")


def test_the_corpus_is_there():
    assert CORPUS.is_dir(), f"the XLSForm corpus is missing: {CORPUS}"
    assert len(FILES) >= 36, f"expected the 36 corpus files, found {len(FILES)}"


def pyxform_read(path: Path) -> dict | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return convert(str(path))._pyxform
        except Exception:  # noqa: BLE001 - pyxform refuses it: so must we
            return None


def answerable(elements: list[dict]):
    """The elements pyxform reads that a respondent answers (what must come across)."""
    for element in elements:
        kind = element.get("type")
        if kind == "group" and element.get("name") == "meta":
            continue
        if kind == "group" and element.get("hrdd_type") != "grid":
            yield from answerable(element.get("children", []))
        elif kind not in ("note", "calculate", *METADATA_TYPES):
            yield element


def references(expression: str | None) -> set[str]:
    return {a or b for a, b in REFERENCE.findall(expression or "")}


def condition_references(condition: dict | None) -> set[str]:
    if not condition:
        return set()
    if "question" in condition:
        return {condition["question"].replace(".", "__")}
    found = set()
    for value in condition.values():
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, dict):
                found |= condition_references(part)
    return found


def import_result(path: Path) -> tuple[str, dict | list[str]]:
    try:
        data = xlsform_to_definition(path.read_bytes(), filename=path.name)
    except XLSFormError as exc:
        return "refused", exc.errors
    parse_definition(data, source=path.name)
    return "imported", data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_corpus_form_imports_as_pyxform_reads_it_or_is_refused_by_row(path):
    read = pyxform_read(path)
    outcome, result = import_result(path)
    if outcome == "refused":
        for message in result:
            assert LOCATED.match(message), f"not located: {message}"
        return
    assert read is not None, "imported a form pyxform refuses"
    ours = {q["code"]: q for s in result["sections"] for q in s["questions"]}
    theirs = list(answerable(read["children"]))
    assert [e["name"] for e in theirs] == list(ours)
    for element in theirs:
        question = ours[element["name"]]
        if "options" in question and element.get("type") != "loop":
            wanted = [c["name"] for c in element.get("choices", [])]
            got = [o["code"] for o in question["options"]]
            assert set(got) <= set(wanted) and got == [c for c in wanted if c in got]
            if not element.get("choice_filter"):
                assert got == wanted
        relevant = (element.get("bind") or {}).get("relevant")
        assert references(relevant) <= condition_references(question.get("show_if"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_imported_corpus_form_exports_to_a_form_pyxform_reads_and_back(path):
    outcome, data = import_result(path)
    if outcome == "refused":
        return
    exported = definition_to_xlsform(data)
    convert(exported, file_type=".xlsx")  # raises if pyxform refuses it
    again = xlsform_to_definition(exported)
    assert parse_definition(again) == parse_definition(data)


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_builtin_questionnaire_exports_to_a_form_pyxform_reads(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = convert(definition_to_xlsform(data), file_type=".xlsx")
    # pyxform checks only a primary language subtag; "zh-Hans" is valid BCP 47 all the same.
    flagged = [
        code
        for warning in result.warnings
        if "language" in warning.lower()
        for code in re.findall(r"\(([^()]+)\)", warning)
    ]
    assert all("-" in code for code in flagged), result.warnings


def test_corpus_counts(capsys):
    counts = {"imported": 0, "refused": 0, "failing": 0}
    for path in FILES:
        try:
            outcome, result = import_result(path)
        except Exception:  # noqa: BLE001 - counted, and the test fails below
            counts["failing"] += 1
            continue
        if outcome == "refused" and not all(LOCATED.match(m) for m in result):
            counts["failing"] += 1
        else:
            counts[outcome] += 1
    with capsys.disabled():
        print(f"\nXLSForm corpus: {counts}")
    assert counts["failing"] == 0
    assert counts["imported"] >= 20
