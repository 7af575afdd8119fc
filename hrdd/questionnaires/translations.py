"""Translators work outside the platform: export a version's texts, import them back.

Every text of a definition has a key ("questions.q01.options.yes", "sections.wages.title"),
stable across versions because codes are. Export: XLSX with one row per text and a column
per language, or a gettext PO file for one language (msgctxt = key, msgid = English).
Import: the texts of one or more languages replaced in a copy of the definition, with a
report of what changed and what is still missing. The result is a new draft, never a change
to a published version.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import openpyxl
import polib
from django.conf.locale import LANG_INFO
from openpyxl.styles import Alignment, Font

from hrdd.questionnaires.definition import DEFAULT_LANGUAGE


class TranslationFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def text_slots(data: dict) -> list[tuple[str, dict]]:
    """(key, text map) for every translatable text of a definition, in reading order.

    The maps are the definition's own dicts, so writing to them edits `data`.
    """
    slots: list[tuple[str, dict]] = [("title", data["title"])]
    if "description" in data:
        slots.append(("description", data["description"]))
    for code, text in data.get("topics", {}).items():
        slots.append((f"topics.{code}", text))
    if "indicator_framework" in data:
        slots.append(("indicator_framework", data["indicator_framework"]))
    for code, text in data.get("indicators", {}).items():
        slots.append((f"indicators.{code}", text))
    for section in data["sections"]:
        slots.append((f"sections.{section['code']}.title", section["title"]))
        for q in section["questions"]:
            base = f"questions.{q['code']}"
            slots.append((f"{base}.text", q["text"]))
            for key in ("help", "unit"):
                if key in q:
                    slots.append((f"{base}.{key}", q[key]))
            for option in q.get("options", []):
                slots.append((f"{base}.options.{option['code']}", option["text"]))
            for row in q.get("rows", []):
                slots.append((f"{base}.rows.{row['code']}", row["text"]))
            for band in q.get("bands", []):
                slots.append((f"{base}.bands.{band['code']}", band["text"]))
    return slots


def export_xlsx(data: dict, languages: list[str] | None = None) -> bytes:
    """One row per text, a column per language (English first, as the reference)."""
    languages = languages or list(data["languages"])
    languages = [DEFAULT_LANGUAGE] + [lang for lang in languages if lang != DEFAULT_LANGUAGE]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "translations"
    sheet.append(["key", *languages])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for key, text in text_slots(data):
        sheet.append([key, *(text.get(lang, "") for lang in languages)])
    sheet.column_dimensions["A"].width = 45
    for index in range(len(languages)):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index + 2)].width = 50
    for row in sheet.iter_rows(min_row=2):
        for cell in row[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    meta = book.create_sheet("about")
    meta.append(["questionnaire", data["code"]])
    meta.append(["version", data["version"]])
    meta.append(["how to", "Fill in the column of your language; keep the key column as it is."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def is_known_language(code: str) -> bool:
    """Whether `code` is a language Django knows (its LANG_INFO, about a hundred, with names
    in every UI language): what a new translation may be started in."""
    return code in LANG_INFO and "fallback" not in LANG_INFO[code]


def out_of_date(history: Sequence[dict], language: str) -> dict[str, str]:
    """The texts of the last definition in `history` (a questionnaire's versions, oldest
    first) whose translation into `language` is out of date: key -> the English text it was
    translated from.

    A translation is out of date when the English text changed in a later version than the
    translation did: whoever left it as it was never saw the new English. A translation
    written or changed in the same version as the English counts as made from the new text.
    """
    made_from: dict[str, str] = {}  # key -> the English text the translation was made from
    previous: dict[str, dict] = {}
    for data in history:
        slots = dict(text_slots(data))
        for key, text in slots.items():
            translated = text.get(language, "")
            if not translated:
                made_from.pop(key, None)
            elif key not in previous or previous[key].get(language, "") != translated:
                made_from[key] = text.get(DEFAULT_LANGUAGE, "")
        made_from = {key: english for key, english in made_from.items() if key in slots}
        previous = slots
    return {
        key: english
        for key, english in made_from.items()
        if english != previous[key].get(DEFAULT_LANGUAGE, "")
    }


def export_po(data: dict, language: str, *, earlier: Sequence[dict] = ()) -> str:
    """The texts as a PO file for a translator of `language`: msgctxt = key, msgid = English.

    A draft translation's entries are marked fuzzy (translator tools show them as "needs
    review", and an import skips fuzzy entries until the translator clears the flag); a
    language the questionnaire does not have yet gets every text with an empty msgstr.
    With the questionnaire's `earlier` versions (oldest first), a translation whose English
    changed since it was made is fuzzy too, with the English it was made from as the
    previous msgid (`#| msgid`), which translator tools show as the change to review.
    """
    draft = language in (data.get("draft_languages") or [])
    stale = out_of_date([*earlier, data], language) if language != DEFAULT_LANGUAGE else {}
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": f"{data['code']} {data['version']}",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for key, text in text_slots(data):
        msgstr = text.get(language, "")
        po.append(
            polib.POEntry(
                msgctxt=key,
                msgid=text.get(DEFAULT_LANGUAGE, ""),
                msgstr=msgstr,
                flags=["fuzzy"] if msgstr and (draft or key in stale) else [],
                previous_msgid=stale.get(key),
            )
        )
    return str(po)


@dataclass
class ImportReport:
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # key, lang, old, new
    added: list[tuple[str, str, str]] = field(default_factory=list)  # key, lang, new
    missing: list[tuple[str, str]] = field(default_factory=list)  # key, lang
    languages: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.changed or self.added)


def _apply(data: dict, rows: dict[str, dict[str, str]], languages: list[str], where) -> tuple:
    result = copy.deepcopy(data)
    slots = dict(text_slots(result))
    errors = [f"{where(key)}: unknown key {key!r}" for key in rows if key not in slots]
    # A new language (one Django knows, not in the questionnaire yet) is added as a draft.
    for lang in languages:
        if lang not in result["languages"] and is_known_language(lang):
            result["languages"].append(lang)
            result.setdefault("draft_languages", []).append(lang)
    unknown_languages = [lang for lang in languages if lang not in result["languages"]]
    if unknown_languages:
        errors.append(
            f"language(s) {', '.join(unknown_languages)} are not languages of this questionnaire"
        )
    if errors:
        raise TranslationFileError(errors)
    report = ImportReport(languages=languages)
    for key, text in slots.items():
        for lang in languages:
            new = (rows.get(key, {}).get(lang) or "").strip()
            old = text.get(lang, "")
            if not new:
                if not old:
                    report.missing.append((key, lang))
                continue
            if lang == DEFAULT_LANGUAGE and new != old:
                raise TranslationFileError(
                    [f"{where(key)}: the English text is the reference and cannot change here"]
                )
            if not old:
                report.added.append((key, lang, new))
            elif new != old:
                report.changed.append((key, lang, old, new))
            text[lang] = new
    return result, report


def import_xlsx(data: dict, content: bytes) -> tuple[dict, ImportReport]:
    """Texts from an exported (and filled in) workbook; the key column identifies them."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise TranslationFileError([f"not a readable XLSX file ({exc})"]) from exc
    sheet = book["translations"] if "translations" in book.sheetnames else book.active
    rows_iter = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows_iter, [])]
    if not header or header[0] != "key":
        raise TranslationFileError(["row 1: the first column must be headed 'key'"])
    languages = [h for h in header[1:] if h]
    rows: dict[str, dict[str, str]] = {}
    line_of: dict[str, int] = {}
    for number, values in enumerate(rows_iter, start=2):
        if not values or values[0] in (None, ""):
            continue
        key = str(values[0]).strip()
        line_of[key] = number
        rows[key] = {
            lang: str(v) if v is not None else ""
            for lang, v in zip(languages, values[1:], strict=False)
        }
    translated = [lang for lang in languages if lang != DEFAULT_LANGUAGE]
    return _apply(data, rows, translated, lambda key: f"row {line_of.get(key, '?')} ({key})")


def import_po(data: dict, content: str) -> tuple[dict, ImportReport]:
    try:
        po = polib.pofile(content)
    except (OSError, ValueError) as exc:
        raise TranslationFileError([f"not a readable PO file ({exc})"]) from exc
    language = po.metadata.get("Language", "").strip()
    if not language:
        raise TranslationFileError(["the PO file has no Language header"])
    rows = {e.msgctxt: {language: e.msgstr} for e in po if e.msgctxt and "fuzzy" not in e.flags}
    line_of = {e.msgctxt: e.linenum for e in po}
    return _apply(data, rows, [language], lambda key: f"line {line_of.get(key, '?')} ({key})")
