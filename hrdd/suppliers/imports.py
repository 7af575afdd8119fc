"""Reading a buyer's supplier file (CSV or XLSX) and checking every row. Nothing is written here.

A file goes through three steps: `read_table` turns the bytes into a header and numbered rows
(or raises `SupplierFileError` with one clear message when the file as a whole is unusable),
`check_table` normalises each row and reports every problem with its row number as the buyer
sees it in a spreadsheet, and `check_supplier_file` does both against the buyer's current list.
Valid rows are normalised to the Supplier fields, ready for `bulk_create` on confirmation.

Speed matters: a list reaches 50,000 rows. Every lookup (countries, industries, sizes,
languages) is a dict built once per file, and the e-mails already in the list are read with a
single query, so the check is linear in the number of rows.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import charset_normalizer
import django_countries
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, override
from django.utils.translation import gettext as _
from django_countries import countries
from openpyxl.styles.numbers import is_date_format

from hrdd.core.cells import spreadsheet_text
from hrdd.organisations.models import Industry
from hrdd.suppliers.models import (
    GOODS_SEPARATOR,
    MAX_TIER,
    MigrantShare,
    SizeBand,
    SpendBand,
    Supplier,
    SupplierLink,
    goods_split,
)

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")

MAX_ROWS = 50_000
# 50,000 rows of a real list take 5 to 10 MB as CSV and less as XLSX; 20 MB leaves room for
# long names without letting a stray archive or database dump in.
MAX_BYTES = 20 * 1024 * 1024
# An XLSX file is a zip archive: its unpacked size is checked before reading, so that a small
# file cannot expand into gigabytes of XML.
MAX_XLSX_UNPACKED = 250 * 1024 * 1024
DEFAULT_LANGUAGE = "en"
# A workbook's sheet with one of these names (compared like headers) is read, else the sheet
# Excel opens on.
_SHEET_NAMES = {"suppliers", "supplierlist", "supplier"}

ERROR = "error"
WARNING = "warning"

# The Supplier fields a file may fill, in the order of the template.
FIELDS = (
    "name",
    "country",
    "industry",
    "size_band",
    "contact_name",
    "email",
    "language",
    "tier",
    "goods",
    "spend_band",
    "migrant_share",
    "site_region",
    "supplies",
)
REQUIRED = ("name", "country", "email")
# The columns of suppliers in context: optional, and left out of rows of files without them.
CONTEXT_FIELDS = ("tier", "goods", "spend_band", "migrant_share", "site_region", "supplies")
# The header each field has in the template (and in messages about a missing column).
TEMPLATE_HEADERS = {
    "name": "name",
    "country": "country",
    "industry": "industry",
    "size_band": "size",
    "contact_name": "contact name",
    "email": "email",
    "language": "language",
    "tier": "tier",
    "goods": "goods",
    "spend_band": "spend band",
    "migrant_share": "migrant share",
    "site_region": "site region",
    "supplies": "supplies",
}
TEMPLATE_EXAMPLE = {
    "name": "Saigon Garments Co., Ltd.",
    "country": "VN",
    "industry": "apparel",
    "size_band": "50-249",
    "contact_name": "Nguyen Van An",
    "email": "an.nguyen@example.com",
    "language": "vi",
    "tier": "1",
    "goods": "garments; cotton fabric",
    "spend_band": "high",
    "migrant_share": "unknown",
    "site_region": "Binh Duong",
    "supplies": "",
}
# Column headers, compared without case, spaces or punctuation ("E-mail address" is
# "emailaddress"). Japanese headers are accepted too: many lists come from Japanese buyers.
HEADER_ALIASES = {
    "name": [
        "name",
        "company",
        "company name",
        "supplier",
        "supplier name",
        "organisation",
        "organization",
        "business name",
        "会社名",
        "企業名",
        "取引先",
        "取引先名",
        "サプライヤー",
        "サプライヤー名",
        "仕入先",
        "仕入先名",
    ],
    "country": ["country", "country code", "country name", "国", "国名", "国コード"],
    "industry": ["industry", "sector", "industry sector", "業種", "業界", "産業"],
    "size_band": [
        "size",
        "size band",
        "company size",
        "workers",
        "number of workers",
        "employees",
        "number of employees",
        "規模",
        "従業員数",
    ],
    "contact_name": [
        "contact",
        "contact name",
        "contact person",
        "担当者",
        "担当者名",
        "連絡先担当者",
    ],
    "email": [
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "contact email",
        "contact e-mail",
        "mail",
        "メール",
        "メールアドレス",
        "電子メール",
    ],
    "language": [
        "language",
        "lang",
        "preferred language",
        "language code",
        "言語",
        "使用言語",
    ],
    "tier": ["tier", "supplier tier", "ティア", "階層"],
    "goods": ["goods", "products", "commodities", "品目", "商品", "製品"],
    "spend_band": ["spend band", "spend", "volume", "spend or volume", "取引規模", "調達額"],
    "migrant_share": [
        "migrant share",
        "migrant workers",
        "share of migrant workers",
        "移住労働者",
        "移住労働者の割合",
    ],
    "site_region": ["site region", "region", "province", "地域", "州", "省"],
    "supplies": ["supplies", "customer", "supplies to", "供給先", "納入先"],
}
MAX_LENGTHS = {"name": 200, "contact_name": 200, "email": 254, "goods": 1000}
# The header is looked for among this many first non-blank rows (titles sit above it).
HEADER_SEARCH_ROWS = 10
_HEADER_KEYS = {
    _NOT_WORD.sub("", alias.casefold()): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in aliases
}

# Country names people write that are not among the ISO short names django_countries knows.
COUNTRY_ALIASES = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "korea": "KR",
    "republic of korea": "KR",
    "burma": "MM",
    "hong kong sar": "HK",
    "macau": "MO",
    "prc": "CN",
    "people's republic of china": "CN",
    "uae": "AE",
    "holland": "NL",
    "ivory coast": "CI",
    "east timor": "TL",
}
# Language names people write besides the English and local names Django knows.
LANGUAGE_ALIASES = {
    "chinese": "zh-hans",
    "mandarin": "zh-hans",
    "zh": "zh-hans",
    "zh-cn": "zh-hans",
    "zh-sg": "zh-hans",
    "filipino": "tl",
    "myanmar": "my",
    "bahasa": "id",
    "tagalog": "tl",
}

_LABEL_PARTS = re.compile(r",| and | & |・|、")
_INTEGER = re.compile(r"^\d{1,3}(?:[,. ]?\d{3})*$")


class SupplierFileError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, no header, too many rows...)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Table:
    """A file read into a header and its non-blank rows, each with its number in the file."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    # Non-blank rows above the header (a title, a date): left out, and said so in the preview.
    rows_above_header: list[int] = field(default_factory=list)


@dataclass
class CheckResult:
    """What the preview shows: the rows that can be imported and every problem found."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    total_rows: int = 0


# --- Reading ----------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A header or value compared without case, spaces or punctuation."""
    return _NOT_WORD.sub("", text.casefold())


def _norm(text: str) -> str:
    """A value compared without case and with single spaces."""
    return _SPACES.sub(" ", text.strip()).casefold()


def _text(value) -> str:
    """A spreadsheet cell as the text the buyer sees in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(*, filename: str, content: bytes) -> Table:
    """The header and data rows of a CSV or XLSX file; SupplierFileError if it is unusable.

    The format is told by the content, not the name: Excel files renamed .csv (or the
    reverse) are common, and so are photos or PDFs picked by mistake, which are named as
    what they are. Blank rows are dropped; row numbers stay those of the file.
    """
    if len(content) > MAX_BYTES:
        raise SupplierFileError(
            "too_large",
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)},
        )
    if not content.strip():
        raise SupplierFileError("empty", _("The file is empty."))
    _refuse_other_kinds(content)
    if content.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SupplierFileError(
            "old_excel",
            _(
                "This is an old Excel file (.xls). Open it in Excel and save it as an Excel "
                "workbook (.xlsx) or as CSV UTF-8, then upload that."
            ),
        )
    else:
        rows = _csv_rows(content, filename)
    return _table(rows)


def _header_score(values: list[str]) -> int:
    """How many different known columns a row names (a header row names several)."""
    return len({_HEADER_KEYS[k] for k in map(_key, values) if k in _HEADER_KEYS})


def _table(rows: Iterable[tuple[int, list[str]]]) -> Table:
    """The header is the first row naming two known columns among the first few non-blank
    rows (a title, a date or a logo's caption often sits above it, in merged cells); when
    no row does, the first non-blank row, so that the message names the missing columns."""
    candidates: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_row = 0
    above: list[int] = []
    data: list[tuple[int, list[str]]] = []
    for number, values in rows:
        if not any(values):
            continue
        if header is None:
            if _header_score(values) >= 2:
                header, header_row = values, number
                above = [n for n, _v in candidates]
                continue
            candidates.append((number, values))
            if len(candidates) < HEADER_SEARCH_ROWS:
                continue
            (header_row, header), *pending = candidates
            candidates = []
            for item in pending:
                _append_row(data, item)
            continue
        _append_row(data, (number, values))
    if header is None:
        if not candidates:
            raise SupplierFileError("empty", _("The file is empty."))
        (header_row, header), *pending = candidates
        for item in pending:
            _append_row(data, item)
    return Table(header=header, header_row=header_row, rows=data, rows_above_header=above)


def _append_row(data: list, item: tuple[int, list[str]]) -> None:
    if len(data) == MAX_ROWS:
        raise SupplierFileError(
            "too_many_rows",
            _(
                "The file has more than %(max)s rows. Split it into files of at most "
                "%(max)s rows and import them one after the other."
            )
            % {"max": f"{MAX_ROWS:,}"},
        )
    data.append(item)


def _not_a_spreadsheet() -> SupplierFileError:
    return SupplierFileError(
        "not_spreadsheet",
        _("This file is not a spreadsheet. Upload a CSV file or an Excel workbook (.xlsx)."),
    )


# --- Files that are something else ----------------------------------------------------------
# Told by their first bytes (their "magic number"), as the `file` command does: a handful of
# kinds a buyer picks by mistake, each named, so that the message says what happened.


def _kinds() -> list[tuple[re.Pattern, str]]:
    """(what the first bytes match, what the file is) for the kinds people upload instead
    of a list. Each pattern is anchored at the start and specific enough that no text file
    matches it ("BM" alone starts many a CSV: "BMW ...")."""
    return [
        (re.compile(rb"%PDF-"), _("a PDF document")),
        (re.compile(rb"\x89PNG\r\n\x1a\n"), _("a PNG image")),
        (re.compile(rb"\xff\xd8\xff"), _("a JPEG image (a photo or a scan)")),
        (re.compile(rb"GIF8[79]a"), _("a GIF image")),
        (re.compile(rb"....ftyp(heic|heix|mif1|msf1)", re.S), _("a HEIC photo")),
        (re.compile(rb"RIFF....WEBP", re.S), _("a WebP image")),
        (re.compile(rb"II\*\x00|MM\x00\*"), _("a TIFF image (a scan)")),
        (re.compile(rb"BM....\x00\x00\x00\x00", re.S), _("a BMP image")),
        (re.compile(rb"\{\\rtf"), _("a Rich Text document")),
    ]


def _zip_kind(content: bytes) -> str:
    """What a zip archive that is not a workbook is, by its first entry names."""
    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    if "xl/workbook.xml" in names:
        return ""
    if "word/document.xml" in names:
        return _("a Word document")
    if "ppt/presentation.xml" in names:
        return _("a PowerPoint presentation")
    if "mimetype" in names and b"opendocument.spreadsheet" in content[:200]:
        return _("an OpenDocument spreadsheet (.ods)")
    return _("a zip archive")


def _refuse_other_kinds(content: bytes) -> None:
    kind = next((label for pattern, label in _kinds() if pattern.match(content)), "")
    if not kind and content.startswith(b"PK\x03\x04"):
        kind = _zip_kind(content)
    if kind == _("an OpenDocument spreadsheet (.ods)"):
        raise SupplierFileError(
            "wrong_kind",
            _(
                "This file is an OpenDocument spreadsheet (.ods). Save it as an Excel "
                "workbook (.xlsx) or as CSV, then upload that."
            ),
        )
    if kind:
        raise SupplierFileError(
            "wrong_kind",
            _(
                "This file is %(kind)s, not a supplier list. Upload the list as a CSV file or "
                "an Excel workbook (.xlsx)."
            )
            % {"kind": kind},
        )


# --- XLSX, streamed ---------------------------------------------------------------------------
# openpyxl in read-only mode takes 3.3 times as long for 10,000 rows (bench/supplier_files.py),
# builds each row whole before it can be looked at and pads gaps with empty rows, so that one
# cell far away (XFD1048576) in a 5 KB file costs minutes. This reader streams the XML with
# the standard library and checks every limit while streaming: each element is dropped as
# soon as it has been read, so memory stays bounded whatever the file holds (issue: a 32 KB
# workbook of millions of empty cells took 580 MB).
# The XML is untrusted: expat 2.4.1 and later (Python's own parser) refuse the entity expansion
# attacks ("billion laughs") and ElementTree never fetches external entities; test_import
# checks the expat version. The unpacked size of each part is counted while reading it.

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Cells right of this column are ignored (a supplier list has about seven).
MAX_COLUMNS = 100
EXCEL_MAX_ROWS = 1_048_576
# Limits of a workbook, checked while streaming. Excel itself stops at 16,384 columns; a list
# of 50,000 rows and 20 columns has a million cells. Empty rows and cells count: they are
# what a bomb is made of.
MAX_SHEETS = 255
MAX_CELLS = 1_000_000
MAX_ROW_ELEMENTS = 2 * MAX_ROWS
MAX_CELLS_PER_ROW = 16_384
# The unpacked size of the sheet and of its shared strings; the other parts (workbook,
# relationships, styles) are small in any real file.
MAX_PART_BYTES = 100 * 1024 * 1024
MAX_SMALL_PART_BYTES = 10 * 1024 * 1024
MAX_SMALL_PART_ELEMENTS = 200_000
# Elements inside one cell or one shared string (rich text runs, phonetic guides).
MAX_ELEMENTS_IN_CELL = 1_000
# Built-in number formats that show a date: the common ones, and those of East Asian locales.
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_CELL_REF = re.compile(r"([A-Z]+)(\d*)")


class FormulaCell(str):
    """A formula cell saved without its result (written by a program that does not
    calculate): its value is unknown, so the row check reports it where it is used. The text
    is the formula as Excel's formula bar shows it."""

    __slots__ = ("reference",)

    def __new__(cls, formula: str, reference: str):
        cell = super().__new__(cls, "=" + formula if formula else "=…")
        cell.reference = reference
        return cell


def _too_big_unpacked(limit: int) -> SupplierFileError:
    return SupplierFileError(
        "too_large",
        _(
            "The workbook is too large once unpacked (a part of it is over %(size)s MB). "
            "Split it into smaller files, or save the list as CSV."
        )
        % {"size": limit // (1024 * 1024)},
    )


class _CappedPart(io.RawIOBase):
    """A part of the archive read through, refusing it once more than `limit` bytes came
    out: the size an archive declares can be forged, what the decompressor gives cannot."""

    def __init__(self, part, limit: int):
        self.part, self.limit, self.count = part, limit, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.part.read(size if size and size > 0 else 64 * 1024)
        self.count += len(data)
        if self.count > self.limit:
            raise _too_big_unpacked(self.limit)
        return data


@contextlib.contextmanager
def _open_part(archive: zipfile.ZipFile, name: str, limit: int):
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise _too_big_unpacked(limit)
    with archive.open(info) as part:
        yield _CappedPart(part, limit)


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_a_spreadsheet() from exc
    if "xl/workbook.xml" not in archive.namelist():
        raise _not_a_spreadsheet()
    if unpacked > MAX_XLSX_UNPACKED:
        raise SupplierFileError(
            "too_large",
            _("The workbook is too large once unpacked. Split it into smaller files."),
        )
    try:
        sheet, date1904 = _xlsx_sheet(archive)
        strings = _xlsx_strings(archive)
        date_styles = _xlsx_date_styles(archive)
    except (KeyError, ValueError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise _not_a_spreadsheet() from exc
    return _xlsx_iter(archive, sheet, strings, date_styles, date1904)


def _xml(archive: zipfile.ZipFile, name: str):
    """A small part (workbook, relationships, styles) as a tree, with its size and element
    count checked while it is read."""
    with _open_part(archive, name, MAX_SMALL_PART_BYTES) as part:
        parser = ElementTree.iterparse(part, events=("start",))  # noqa: S314 - see above
        for count, _item in enumerate(parser, start=1):
            if count > MAX_SMALL_PART_ELEMENTS:
                raise ValueError(f"{name} has too many elements")
        return parser.root


def _xlsx_sheet(archive: zipfile.ZipFile) -> tuple[str, bool]:
    """The part of the sheet named like the template's, else the one Excel opens on."""
    book = _xml(archive, "xl/workbook.xml")
    sheets = book.findall(f"{_MAIN}sheets/{_MAIN}sheet")
    if not sheets:
        raise ValueError("no sheet")
    if len(sheets) > MAX_SHEETS:
        raise SupplierFileError(
            "too_many_sheets",
            _(
                "The workbook has more than %(max)s sheets. Copy the supplier list into a "
                "workbook of its own, or save it as CSV."
            )
            % {"max": MAX_SHEETS},
        )
    chosen = next((s for s in sheets if _key(s.get("name", "")) in _SHEET_NAMES), None)
    if chosen is None:
        view = book.find(f"{_MAIN}bookViews/{_MAIN}workbookView")
        active = int(view.get("activeTab", "0")) if view is not None else 0
        chosen = sheets[active] if 0 <= active < len(sheets) else sheets[0]
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    target = targets[chosen.get(f"{_DOC_REL}id")]
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    properties = book.find(f"{_MAIN}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in {"1", "true"}
    return path, date1904


def _rich_text(element) -> str:
    """The text of a string item: plain, or runs; never the phonetic guide (furigana)."""
    plain = element.find(f"{_MAIN}t")
    if plain is not None:
        return plain.text or ""
    return "".join(t.text or "" for t in element.findall(f"{_MAIN}r/{_MAIN}t"))


def _too_many_cells() -> SupplierFileError:
    return SupplierFileError(
        "too_many_cells",
        _(
            "The sheet has more than %(max)s cells (empty cells with formatting count too). "
            "Copy only the supplier list into a new workbook, or save it as CSV."
        )
        % {"max": f"{MAX_CELLS:,}"},
    )


def _stream(part, keep: str, *, max_items: int, too_many):
    """(event, element) for a part, streamed, in bounded memory.

    Every element is detached from its parent once it has ended and the caller has seen
    it, so that nothing piles up; a `keep` element (a cell, a shared string) keeps its
    content until its own end and may hold at most MAX_ELEMENTS_IN_CELL elements. The
    starts are yielded too, so that the caller counts rows and cells before reading them.
    """
    stack: list = []
    inside = 0  # elements of the current kept element
    items = 0
    for event, element in ElementTree.iterparse(part, events=("start", "end")):  # noqa: S314
        if event == "start":
            if element.tag == keep:
                items += 1
                if items > max_items:
                    raise too_many()
                inside = 1
            elif inside:
                inside += 1
                if inside > MAX_ELEMENTS_IN_CELL:
                    raise ValueError("too many elements in one cell")
            stack.append(element)
            yield event, element
            continue
        stack.pop()
        if element.tag == keep:
            inside = 0
            yield event, element
        elif inside:
            continue  # part of the kept element: dropped with it
        else:
            yield event, element
        if stack:
            stack[-1].remove(element)


def _xlsx_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with _open_part(archive, "xl/sharedStrings.xml", MAX_PART_BYTES) as part:
        for event, element in _stream(
            part, f"{_MAIN}si", max_items=MAX_CELLS, too_many=_too_many_cells
        ):
            if event == "end" and element.tag == f"{_MAIN}si":
                strings.append(_rich_text(element))
    return strings


def _xlsx_date_styles(archive: zipfile.ZipFile) -> set[str]:
    """The style numbers (a cell's `s`) whose number format shows a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    styles = _xml(archive, "xl/styles.xml")
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "")
        for f in styles.findall(f"{_MAIN}numFmts/{_MAIN}numFmt")
    }
    dates = set()
    for index, xf in enumerate(styles.findall(f"{_MAIN}cellXfs/{_MAIN}xf")):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in _DATE_FORMAT_IDS or (
            number_format in custom and is_date_format(custom[number_format])
        ):
            dates.add(str(index))
    return dates


def _column(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str, date_style: bool, date1904: bool) -> str:
    value = float(text)
    if date_style:
        base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
        try:
            moment = base + timedelta(days=value)
        except OverflowError:
            return text
        return _text(moment)
    return _text(value)


def _cell_text(cell, strings: list[str], date_styles: set[str], date1904: bool) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return _rich_text(inline) if inline is not None else ""
    raw = cell.findtext(f"{_MAIN}v")
    if not raw:
        formula = cell.find(f"{_MAIN}f")
        if formula is not None:
            return FormulaCell(formula.text or "", cell.get("r", ""))
        return raw or ""
    if kind == "s":
        return strings[int(raw)]
    if kind == "n":
        return _number(raw, cell.get("s", "0") in date_styles, date1904)
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    return raw  # "str" (a formula's text), "e" (#N/A...), "d" (an ISO date)


def _xlsx_iter(archive, sheet: str, strings, date_styles, date1904):
    """(row number, cell texts) for every row of the sheet, as Excel shows them."""
    row_tag, cell_tag, data_tag = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}sheetData"
    expected = rows = in_row = cells = 0
    values: list[str] = []

    def too_many_columns():
        return SupplierFileError(
            "too_many_columns",
            _(
                "Row %(row)s has more than %(max)s cells, more than Excel allows. Save the "
                "list again from Excel, or as CSV."
            )
            % {"row": expected, "max": f"{MAX_CELLS_PER_ROW:,}"},
        )

    def too_many_rows():
        return SupplierFileError(
            "too_many_rows",
            _(
                "The sheet has more than %(max)s rows (empty rows with formatting count too). "
                "Copy only the supplier list into a new workbook, or save it as CSV."
            )
            % {"max": f"{MAX_ROW_ELEMENTS:,}"},
        )

    # The loop is written out rather than built on _stream: it runs for every cell, and
    # this way reading costs about 1.5 times the old row-at-a-time loop instead of twice.
    row = data = None
    other = inside = 0  # elements outside the rows; elements in the current cell
    try:
        with _open_part(archive, sheet, MAX_PART_BYTES) as part:
            parser = ElementTree.iterparse(part, events=("start", "end"))  # noqa: S314
            for event, element in parser:
                tag = element.tag
                if event == "start":
                    if inside:
                        inside += 1
                        if inside > MAX_ELEMENTS_IN_CELL:
                            raise ValueError("too many elements in one cell")
                    elif tag == cell_tag:
                        inside = 1
                        cells += 1
                        in_row += 1
                        if cells > MAX_CELLS:
                            raise _too_many_cells()
                        if in_row > MAX_CELLS_PER_ROW:
                            raise too_many_columns()
                    elif tag == row_tag:
                        rows += 1
                        if rows > MAX_ROW_ELEMENTS:
                            raise too_many_rows()
                        expected = int(element.get("r") or expected + 1)
                        if expected > EXCEL_MAX_ROWS:
                            raise ValueError("row number beyond Excel's last row")
                        row, values, in_row = element, [], 0
                    elif tag == data_tag:
                        data = element
                    else:
                        other += 1
                        if other > MAX_SMALL_PART_ELEMENTS:
                            raise ValueError("too many elements outside the cells")
                    continue
                if tag == cell_tag:
                    inside = 0
                    match = _CELL_REF.match(element.get("r", ""))
                    column = _column(match.group(1)) if match else len(values)
                    if column < MAX_COLUMNS:
                        text = _cell_text(element, strings, date_styles, date1904)
                        if column >= len(values):
                            values.extend([""] * (column + 1 - len(values)))
                        values[column] = text if isinstance(text, FormulaCell) else text.strip()
                    # Dropped once read, so that a row of a million empty cells stays small.
                    row.remove(element)
                elif tag == row_tag:
                    yield expected, values
                    data.remove(element)
                elif tag == data_tag:
                    break  # nothing after the cells is needed
    except (KeyError, ValueError, IndexError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise _not_a_spreadsheet() from exc
    finally:
        archive.close()


# --- CSV ------------------------------------------------------------------------------------
# Excel writes CSV in the system's code page (Shift_JIS/CP932 in Japan, Windows-1252 in Western
# Europe), UTF-8 only when asked, UTF-16 for "Unicode text"; its delimiter is ";" where the
# decimal separator is a comma, and a tab for "Unicode text".

_DELIMITERS = ",;\t|"
# The encodings Excel writes CSV in, tried by charset-normalizer when the file is not UTF-8:
# limiting the candidates to these makes a short Japanese list come out as CP932 (a superset
# of Shift_JIS) rather than as some rarer code page that happens to fit the bytes.
_LEGACY_ENCODINGS = [
    "cp932",
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1257",
    "cp1258",
    "cp874",
    "gb18030",
    "big5",
    "cp949",
    "euc_jp",
    "iso2022_jp",
]


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte order mark, tab-separated.
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        guess = charset_normalizer.from_bytes(content, cp_isolation=_LEGACY_ENCODINGS).best()
        if guess is not None:
            return str(guess)
    raise SupplierFileError(
        "not_decodable",
        _(
            "The file could not be read as text. In Excel, choose Save As and the format "
            "“CSV UTF-8 (comma delimited)”, or upload the Excel workbook (.xlsx) itself."
        ),
    )


def _delimiter(text: str) -> str:
    """The delimiter, sniffed from the first lines (csv.Sniffer), else the character the
    first line holds most of; a comma for a single column."""
    sample = "\n".join(text.lstrip("\r\n").splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        counts = {d: first_line.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _csv_rows(content: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        # Named as a workbook but not a zip archive: damaged, or something else renamed.
        raise _not_a_spreadsheet()
    text = _decode(content)
    if "\x00" in text:
        raise _not_a_spreadsheet()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    return _csv_iter(reader)


def _csv_iter(reader) -> Iterator[tuple[int, list[str]]]:
    # Row numbers count records, as a spreadsheet shows the file (a quoted line break stays
    # inside its cell).
    number = 0
    try:
        for number, values in enumerate(reader, start=1):  # noqa: B007 - used after the loop
            yield number, [v.strip() for v in values[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise SupplierFileError(
            "not_spreadsheet",
            _("Row %(row)s of the file cannot be read as CSV: %(error)s")
            % {"row": number + 1, "error": exc},
        ) from exc


# --- Vocabulary -------------------------------------------------------------------------------


class Vocabulary:
    """Every accepted spelling of a country, industry, size and language, built once per file."""

    def __init__(self):
        self.countries = country_names()
        # Industries compare without punctuation ("Food & beverages"); sizes keep theirs, or
        # "1-9" and nineteen workers would look the same.
        self.industries = self._choices(Industry.choices, _key, split_labels=True)
        self.sizes = self._choices(SizeBand.choices, _norm)
        self.languages = self._languages()

    @staticmethod
    def _choices(choices, key, *, split_labels: bool = False) -> dict[str, str]:
        """Codes, and labels in English and in every language of the interface (a Japanese
        buyer writes アパレル).

        With split_labels, each part of a compound label counts too ("textiles" for
        "Apparel, textiles and footwear", 水産業 for 水産業・水産物); a part that two
        labels share is never taken.
        """
        names: dict[str, str] = {}
        parts: dict[str, str] = {}
        for code, label in choices:
            names[key(code)] = code
            for language in ["en"] + [lang for lang, _name in settings.LANGUAGES]:
                with override(language):
                    text = str(label)
                names.setdefault(key(text), code)
                if split_labels:
                    for part in _LABEL_PARTS.split(text):
                        if part.strip():
                            parts.setdefault(key(part), code)
        for part, code in parts.items():
            names.setdefault(part, code)
        return names

    @staticmethod
    def _languages() -> dict[str, str]:
        names: dict[str, str] = {}
        with override("en"):
            for code, label in settings.LANGUAGES:
                names[_norm(code)] = code
                names[_norm(str(label))] = code
                info = LANG_INFO.get(code, {})
                for key in ("name", "name_local"):
                    if info.get(key):
                        names.setdefault(_norm(info[key]), code)
        # Each language's name as the interface's languages write it (ベトナム語).
        for interface, _label in settings.LANGUAGES:
            with override(interface):
                for code, _name in settings.LANGUAGES:
                    name = LANG_INFO.get(code, {}).get("name")
                    if name:
                        names.setdefault(_norm(gettext(name)), code)
        for alias, code in LANGUAGE_ALIASES.items():
            names.setdefault(alias, code)
        return names

    def country(self, text: str) -> str:
        return self.countries.get(_norm(text), "")

    def industry(self, text: str) -> str:
        return self.industries.get(_key(text), "")

    def size(self, text: str) -> str:
        code = self.sizes.get(_norm(text), "")
        if code or not _INTEGER.match(text):
            return code
        # A number of workers, as many lists hold it.
        workers = int(re.sub(r"\D", "", text))
        if workers < 1:
            return ""
        for limit, band in ((9, "1-9"), (49, "10-49"), (249, "50-249"), (999, "250-999")):
            if workers <= limit:
                return band
        return "1000+"

    def language(self, text: str) -> str:
        value = _norm(text).replace("_", "-")
        code = self.languages.get(value)
        if code:
            return code
        # "pt-BR" is Portuguese; Chinese variants were listed above (Traditional is not offered).
        base = value.split("-", 1)[0]
        return self.languages.get(base, "") if base != "zh" and "-" in value else ""


@functools.cache
def country_names() -> dict[str, str]:
    """Every spelling of a country the file may use, folded, to its ISO code: ISO codes
    (alpha-2, alpha-3), the name in each language django-countries is translated into
    ("日本", "ベトナム", "Deutschland"), the names ISO replaced, and common short forms.

    Built once per process (about half a second: every language's catalogue is read). A
    name that means different countries in different languages is left out rather than
    guessed; the English names and the codes win over translations.
    """
    names: dict[str, str] = {}
    with override("en"):
        for country in countries:
            names[_norm(country.code)] = country.code
            names[_norm(country.name)] = country.code
            alpha3 = countries.alpha3(country.code)
            if alpha3:
                names[_norm(alpha3)] = country.code
        for code, shadowed in countries.shadowed_names.items():
            for name in shadowed:
                names.setdefault(_norm(str(name)), code)
    for alias, code in COUNTRY_ALIASES.items():
        names.setdefault(alias, code)
    translated: dict[str, str] = {}
    ambiguous: set[str] = set()
    for language in _country_languages():
        with override(language):
            for country in countries:
                name = _norm(country.name)
                if translated.setdefault(name, country.code) != country.code:
                    ambiguous.add(name)
    for name, code in translated.items():
        if name not in ambiguous:
            names.setdefault(name, code)
    return names


def _country_languages() -> list[str]:
    """The languages django-countries has country names in (its own locale folders)."""
    folder = Path(django_countries.__file__).parent / "locale"
    return sorted(
        path.name.replace("_", "-").lower()
        for path in folder.iterdir()
        if "@" not in path.name and (path / "LC_MESSAGES" / "django.mo").exists()
    )


# --- Checking ---------------------------------------------------------------------------------


def _problem(row, field_name, column, value, code, severity, message) -> dict:
    return {
        "row": row,
        "field": field_name,
        "column": column,
        "value": value[:200],
        "code": code,
        "severity": severity,
        "message": str(message),
    }


def _columns(header: list[str], header_row: int, problems: list[dict]) -> dict[str, int]:
    """Which column holds which field; SupplierFileError naming any missing required one."""
    aliases = {_key(alias): name for name, names in HEADER_ALIASES.items() for alias in names}
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = aliases.get(_key(title))
        if name is None:
            if title:
                ignored.append(title)
        elif name in columns:
            raise SupplierFileError(
                "duplicate_column",
                _("Two columns hold the same information: “%(first)s” and “%(second)s”.")
                % {"first": header[columns[name]], "second": title},
            )
        else:
            columns[name] = index
    missing = [TEMPLATE_HEADERS[name] for name in REQUIRED if name not in columns]
    if missing:
        raise SupplierFileError(
            "missing_columns",
            _(
                "A row at the top of the file must name the columns. Missing: %(columns)s. "
                "Download the template to see the expected headers."
            )
            % {"columns": ", ".join(f"“{m}”" for m in missing)},
        )
    if ignored:
        problems.append(
            _problem(
                header_row,
                "",
                "",
                ", ".join(ignored),
                "ignored_columns",
                WARNING,
                _("These columns are not used and were ignored."),
            )
        )
    return columns


def _messages() -> dict[str, str]:
    industry_codes = ", ".join(code for code, _label in Industry.choices)
    size_codes = ", ".join(code for code, _label in SizeBand.choices)
    return {
        "name": _("The name is missing."),
        "country": _("The country is missing."),
        "email": _("The e-mail address is missing."),
        "invalid_email": _("This is not a valid e-mail address."),
        "unknown_country": _(
            "Unknown country. Use a two-letter ISO code (VN) or the country's name in any "
            "language (Viet Nam, ベトナム)."
        ),
        "unknown_industry": _("Unknown industry. Use one of: %(values)s.")
        % {"values": industry_codes},
        "unknown_size": _("Unknown size. Use a number of workers or one of: %(values)s.")
        % {"values": size_codes},
        "no_language": _("No language given: English will be used."),
        "unknown_language": _("This language is not offered: English will be used."),
        "existing": _("Already in your list: skipped."),
        "unknown_tier": _("Unknown tier. Use a whole number from 1 to %(max)s.")
        % {"max": MAX_TIER},
        "unknown_spend": _("Unknown spend band. Use one of: %(values)s.")
        % {"values": ", ".join(code for code, _label in SpendBand.choices)},
        "unknown_migrant": _(
            "Unknown migrant share. Use a percentage (0 to 100), “unknown”, or one of: %(values)s."
        )
        % {"values": ", ".join(code for code, _label in MigrantShare.choices)},
    }


class _RowChecker:
    """Checks one row after another, remembering the addresses seen earlier in the file."""

    def __init__(self, columns: dict[str, int], titles: dict[str, str], existing: set[str]):
        self.columns = columns
        self.titles = titles
        self.existing = existing
        self.seen: dict[str, int] = {}
        self.vocabulary = Vocabulary()
        self.messages = _messages()

    def check(self, number: int, values: list[str]) -> tuple[dict, list[dict]]:
        raw = {
            name: values[index] if index < len(values) else ""
            for name, index in self.columns.items()
        }
        problems: list[dict] = []
        # A formula saved without its result: its value is unknown, so that field gets this
        # one error instead of the ones an empty or odd value would get.
        formulas = {name: v for name, v in raw.items() if isinstance(v, FormulaCell)}

        def report(name: str, code: str, message: str, severity: str = ERROR) -> None:
            if name in formulas and code != "formula_without_value":
                return
            title = self.titles.get(name) or TEMPLATE_HEADERS[name]
            problems.append(
                _problem(number, name, title, raw.get(name, ""), code, severity, message)
            )

        for name, cell in formulas.items():
            report(
                name,
                "formula_without_value",
                _(
                    "Cell %(cell)s holds a formula whose result was not saved in the file. "
                    "Open the file in Excel or LibreOffice and save it again, or type the value."
                )
                % {"cell": cell.reference or "?"},
            )
            raw[name] = ""

        vocabulary, messages = self.vocabulary, self.messages
        row = {"row": number}
        for name in ("name", "contact_name"):
            row[name] = _SPACES.sub(" ", raw.get(name, ""))
            if len(row[name]) > MAX_LENGTHS[name]:
                message = _("Longer than %(max)s characters.") % {"max": MAX_LENGTHS[name]}
                report(name, "too_long", message)
        if not row["name"]:
            report("name", "required", messages["name"])

        email = raw.get("email", "")
        if not email:
            report("email", "required", messages["email"])
        elif len(email) > MAX_LENGTHS["email"] or not _is_email(email):
            report("email", "invalid_email", messages["invalid_email"])
            email = ""
        row["email"] = email

        text = raw.get("country", "")
        row["country"] = vocabulary.country(text) if text else ""
        if not text:
            report("country", "required", messages["country"])
        elif not row["country"]:
            report("country", "unknown_country", messages["unknown_country"])

        text = raw.get("industry", "")
        row["industry"] = vocabulary.industry(text) if text else ""
        if text and not row["industry"]:
            report("industry", "unknown_industry", messages["unknown_industry"])

        text = raw.get("size_band", "")
        row["size_band"] = vocabulary.size(text) if text else ""
        if text and not row["size_band"]:
            report("size_band", "unknown_size", messages["unknown_size"])

        text = raw.get("tier", "").strip()
        row["tier"] = int(text) if text.isdigit() and 1 <= int(text) <= MAX_TIER else 0
        if not text:
            row["tier"] = 1
        elif not row["tier"]:
            report("tier", "unknown_tier", messages["unknown_tier"])

        row["goods"] = f"{GOODS_SEPARATOR} ".join(goods_split(raw.get("goods", "")))
        if len(row["goods"]) > MAX_LENGTHS["goods"]:
            message = _("Longer than %(max)s characters.") % {"max": MAX_LENGTHS["goods"]}
            report("goods", "too_long", message)

        text = raw.get("spend_band", "").strip().casefold()
        row["spend_band"] = text if text in SpendBand.values else ""
        if text and not row["spend_band"]:
            report("spend_band", "unknown_spend", messages["unknown_spend"])

        text = raw.get("migrant_share", "")
        row["migrant_share"] = _migrant_share(text)
        if not row["migrant_share"]:
            report("migrant_share", "unknown_migrant", messages["unknown_migrant"])
            row["migrant_share"] = str(MigrantShare.UNKNOWN)

        row["site_region"] = _SPACES.sub(" ", raw.get("site_region", ""))[:200]
        row["supplies"] = _SPACES.sub(" ", raw.get("supplies", ""))
        # Rows keep only the columns the file has (the others take their defaults).
        for name in CONTEXT_FIELDS:
            if name not in self.columns:
                del row[name]

        text = raw.get("language", "")
        language = vocabulary.language(text) if text else ""
        if not text:
            report("language", "no_language", messages["no_language"], WARNING)
        elif not language:
            report("language", "unknown_language", messages["unknown_language"], WARNING)
        row["language"] = language or DEFAULT_LANGUAGE

        if email:
            folded = email.lower()
            if folded in self.existing:
                report("email", "already_in_list", messages["existing"], WARNING)
            elif folded in self.seen:
                message = _("The same e-mail address as row %(row)s.") % {"row": self.seen[folded]}
                report("email", "duplicate_in_file", message)
            else:
                self.seen[folded] = number
        return row, problems


def _migrant_share(text: str) -> str:
    """A migrant share band from a band code, a percentage or "unknown"; "" if unreadable."""
    text = text.strip().casefold().rstrip("%").strip()
    if text in ("", "unknown", "不明", "n/a"):
        return str(MigrantShare.UNKNOWN)
    if text in MigrantShare.values:
        return text
    try:
        percent = float(text)
    except ValueError:
        return ""
    if not 0 <= percent <= 100:
        return ""
    for limit, band in ((0, "0"), (25, "1-25"), (50, "26-50")):
        if percent <= limit:
            return band
    return "51-100"


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def is_importable(problems: list[dict]) -> bool:
    """Whether a row with these problems goes into the list (warnings only, not a duplicate)."""
    return not any(p["severity"] == ERROR or p["code"] == "already_in_list" for p in problems)


def check_table(
    table: Table,
    *,
    existing_emails: set[str],
    existing_graph: Callable[[], SupplierGraph] | None = None,
) -> CheckResult:
    """Normalise every row and list every problem; rows with an error are left out.

    `existing_emails`: the list's current addresses, lower-cased. A row whose address is
    already there is skipped with a warning (the list is not updated from a file: a second
    upload of the same file changes nothing). A second row with the same address as an
    earlier row of the file is an error, whatever else is wrong with the earlier one.
    """
    result = CheckResult(total_rows=len(table.rows))
    if table.rows_above_header:
        result.problems.append(
            _problem(
                table.header_row,
                "",
                "",
                ", ".join(map(str, table.rows_above_header)),
                "rows_above_header",
                WARNING,
                _(
                    "The column names are in row %(row)s: the rows above it (%(rows)s) were "
                    "left out."
                )
                % {"row": table.header_row, "rows": ", ".join(map(str, table.rows_above_header))},
            )
        )
    columns = _columns(table.header, table.header_row, result.problems)
    titles = {name: table.header[index] for name, index in columns.items()}
    checker = _RowChecker(columns, titles, existing_emails)
    for number, values in table.rows:
        row, problems = checker.check(number, values)
        result.problems.extend(problems)
        if is_importable(problems):
            result.rows.append(row)
    if "supplies" in columns:
        # Read only for a file with links (one query less for the others).
        graph = existing_graph() if existing_graph else SupplierGraph()
        _check_links(result, existing=graph, title=titles["supplies"])
    return result


@dataclass
class SupplierGraph:
    """The buyer's list as the "supplies" column is checked against it: each supplier's
    name and e-mail (lower-cased) and the existing links, all by e-mail."""

    names: dict[str, list[str]] = field(default_factory=dict)  # name key → e-mails
    emails: set[str] = field(default_factory=set)
    links: dict[str, set[str]] = field(default_factory=dict)  # e-mail → customers' e-mails
    display: dict[str, str] = field(default_factory=dict)  # e-mail → name


def supplier_graph(organisation) -> SupplierGraph:
    """The buyer's suppliers and links, for checking a file's "supplies" column."""
    graph = SupplierGraph()
    emails = {}
    for pk, name, email in Supplier.objects.filter(organisation=organisation).values_list(
        "pk", "name", "email"
    ):
        emails[pk] = email.lower()
        graph.emails.add(email.lower())
        graph.display[email.lower()] = name
        graph.names.setdefault(_norm(name), []).append(email.lower())
    for supplier_id, customer_id in SupplierLink.objects.filter(
        organisation=organisation
    ).values_list("supplier_id", "customer_id"):
        graph.links.setdefault(emails[supplier_id], set()).add(emails[customer_id])
    return graph


def _path(links: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A chain start → … → goal along `links`, if there is one."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            chain, node = [], current
            while node is not None:
                chain.append(node)
                node = came_from[node]
            return chain[::-1]
        for nxt in links.get(current, ()):
            if nxt not in came_from:
                came_from[nxt] = current
                queue.append(nxt)
    return None


def _check_links(result: CheckResult, *, existing: SupplierGraph, title: str) -> None:
    """Resolve every row's "supplies" (a name or e-mail of the file or of the list) to an
    e-mail, refusing unknown and ambiguous references and links that would close a loop.
    Rows with such an error are left out, and so, in turn, are rows that name them."""
    names = {key: list(emails) for key, emails in existing.names.items()}
    shown = {}
    for row in result.rows:
        email = row["email"].lower()
        names.setdefault(_norm(row["name"]), []).append(email)
        shown[email] = row["name"]
    new_emails = {row["email"].lower() for row in result.rows if row["email"]}

    def problem(row, code, message):
        result.problems.append(
            _problem(row["row"], "supplies", title, row["supplies"], code, ERROR, message)
        )

    while True:
        known = existing.emails | new_emails
        links = {k: set(v) for k, v in existing.links.items()}
        refused = set()
        for row in result.rows:
            reference = row["supplies"]
            if not reference:
                continue
            target = reference.lower() if reference.lower() in known else ""
            if not target:
                candidates = [e for e in names.get(_norm(reference), []) if e in known]
                if len(set(candidates)) > 1:
                    problem(
                        row,
                        "ambiguous_supplies",
                        _(
                            "Several suppliers are called “%(name)s”: give the e-mail "
                            "address of the one this supplier supplies."
                        )
                        % {"name": reference},
                    )
                    refused.add(row["row"])
                    continue
                target = candidates[0] if candidates else ""
            email = row["email"].lower()
            if not target:
                problem(
                    row,
                    "unknown_supplies",
                    _(
                        "No supplier called “%(name)s” in this file or in your list: give "
                        "the name or e-mail address of the supplier it supplies."
                    )
                    % {"name": reference},
                )
                refused.add(row["row"])
                continue
            loop = _path(links, target, email) if target != email else [email]
            if loop:
                chain = " → ".join(
                    shown.get(e) or existing.display.get(e, e) for e in [email, *loop]
                )
                problem(
                    row,
                    "loop",
                    _(
                        "This link would make a loop: %(loop)s. A supplier cannot supply "
                        "itself, even through others."
                    )
                    % {"loop": chain},
                )
                refused.add(row["row"])
                continue
            links.setdefault(email, set()).add(target)
            row["supplies_email"] = target
        if not refused:
            return
        result.rows = [row for row in result.rows if row["row"] not in refused]
        new_emails = {row["email"].lower() for row in result.rows if row["email"]}


def existing_emails(organisation) -> set[str]:
    """The addresses already in the buyer's list, lower-cased: one query for the whole file."""
    return {
        email.lower()
        for email in Supplier.objects.filter(organisation=organisation).values_list(
            "email", flat=True
        )
    }


def check_supplier_file(*, organisation, filename: str, content: bytes) -> CheckResult:
    """Read and check a file against the buyer's list; SupplierFileError if it is unusable."""
    table = read_table(filename=filename, content=content)
    return check_table(
        table,
        existing_emails=existing_emails(organisation),
        existing_graph=functools.partial(supplier_graph, organisation),
    )


# --- Writing files for the buyer --------------------------------------------------------------


def template_csv() -> str:
    """The headers and one example row, with a byte order mark so Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TEMPLATE_HEADERS[name] for name in FIELDS])
    writer.writerow([TEMPLATE_EXAMPLE[name] for name in FIELDS])
    return "\ufeff" + out.getvalue()


def problems_csv(problems: list[dict]) -> str:
    """The problem report of an import, one line per problem, in row order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Severity"), _("Problem")])
    severities = {ERROR: _("Error"), WARNING: _("Warning")}
    for problem in problems:
        writer.writerow(
            [
                problem["row"] or "",
                spreadsheet_text(problem["column"]),
                spreadsheet_text(problem["value"]),
                severities.get(problem["severity"], problem["severity"]),
                spreadsheet_text(problem["message"]),
            ]
        )
    return "\ufeff" + out.getvalue()
