"""A streamed XLSX writer for large exports: rows go into the zip as they come.

XlsxWriter and openpyxl spend 15-20 µs of Python per cell (type dispatch, escaping, a chain
of calls), which made the Detailed Report's XLSX 6-7 times slower than its CSV at 100,000
responses. Here a row is one f-string per filled cell, joined and compressed in chunks:
about 1 µs per cell (bench/export.py, bench/README.md "Exports"). What it writes is the small
part of SpreadsheetML a data export needs, the same way Excel and XlsxWriter write it:

- text as inline strings (no shared-string table, so memory stays flat), never a formula, a
  link or a number whatever it looks like; XML escaped, control characters as `_xHHHH_`;
- numbers (int, float, Decimal) as numbers, `date` and `datetime` as date serials shown
  `yyyy-mm-dd` and `yyyy-mm-dd hh:mm:ss` (no time zone in a spreadsheet: give UTC);
- per sheet: column widths, and a bold header row frozen at the top.

No `<dimension>` element (it comes before the rows, whose number is only known at the end):
it is optional, and openpyxl's write-only mode leaves it out too.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import quoteattr

# Deflate level 1: three times faster than the default 6 on these sheets, for a file about
# 20 % larger (bench/README.md, "Exports").
COMPRESSLEVEL = 1
ROWS_PER_CHUNK = 1000
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 0 (dates before 1900-03-01 are not exported)
MAX_COLUMNS = 16384

Cell = str | int | float | Decimal | date | datetime | None


@dataclass
class Sheet:
    """One worksheet: its name, its rows (the first is the header, written bold and frozen
    when `header` is true) and the width of each column, from A, in characters."""

    name: str
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[float] = ()
    header: bool = True


# Style indices in styles.xml below.
BOLD, DATE, DATETIME = 1, 2, 3

# Excel writes control characters as _xHHHH_, so a literal "_x0041_" has its underscore escaped.
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """A cell's text as XML character data."""
    if "_x" in value:
        value = _ESCAPED.sub(r"_x005F\1", value)
    if not value.isprintable():  # rare (line breaks, tabs): only then look for controls
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(ref: str, value: Cell, style: int = 0) -> str:
    """Any cell but plain text (written inline by `_rows`, the hot path)."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
        )
    if isinstance(value, datetime):
        days = value.replace(tzinfo=None) - EXCEL_EPOCH
        serial = days.days + (days.seconds + days.microseconds / 1e6) / 86400
        return f'<c r="{ref}" s="{style or DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        serial = value.toordinal() - EXCEL_EPOCH.toordinal()
        return f'<c r="{ref}" s="{style or DATE}"><v>{serial}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _cell(ref, str(value), style)
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    if isinstance(value, float) and not math.isfinite(value):
        return _cell(ref, str(value), style)
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def _rows(rows: Iterable[Sequence[Cell]], header: bool) -> Iterable[str]:
    """Each row's XML. Empty strings and None are left out (an empty cell)."""
    refs: list[str] = []
    for number, row in enumerate(rows, start=1):
        if len(row) > len(refs):
            if len(row) > MAX_COLUMNS:
                raise ValueError(f"{len(row)} columns: a sheet holds {MAX_COLUMNS} at most")
            refs = [column_letter(i) for i in range(len(row))]
        if header and number == 1:
            cells = [
                _cell(f"{ref}1", v, BOLD)
                for ref, v in zip(refs, row, strict=False)
                if v not in ("", None)
            ]
            yield f'<row r="1">{"".join(cells)}</row>'
            continue
        cells = []
        for ref, value in zip(refs, row, strict=False):
            if type(value) is str:
                if value:
                    cells.append(
                        f'<c r="{ref}{number}" t="inlineStr"><is><t xml:space="preserve">'
                        f"{_text(value)}</t></is></c>"
                    )
            elif value is not None:
                cells.append(_cell(f"{ref}{number}", value))
        yield f'<row r="{number}">{"".join(cells)}</row>'


def _worksheet_start(sheet: Sheet, first: bool) -> str:
    selected = ' tabSelected="1"' if first else ""
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if sheet.header
        else ""
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
        for i, width in enumerate(sheet.widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheetViews><sheetView{selected} workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>"
    )


def write_workbook(out: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write `sheets` to `out` as an XLSX file, consuming each sheet's rows as a stream."""
    names = [sheet.name for sheet in sheets]
    if len(set(names)) != len(names) or any(
        not 0 < len(n) <= 31 or set(n) & set("[]:*?/\\") for n in names
    ):
        raise ValueError(f"sheet names must be distinct, 1-31 characters, no []:*?/\\: {names}")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(names))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", STYLES)
        for number, sheet in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                part.write(_worksheet_start(sheet, number == 1).encode())
                chunk = []
                for row in _rows(sheet.rows, sheet.header):
                    chunk.append(row)
                    if len(chunk) == ROWS_PER_CHUNK:
                        part.write("".join(chunk).encode())
                        chunk.clear()
                part.write("".join(chunk).encode())
                part.write(b"</sheetData></worksheet>")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

ROOT_RELS = (
    f'{DECLARATION}<Relationships xmlns="{PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)

STYLES = (
    f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(count: int) -> str:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet}"/>'
        for n in range(1, count + 1)
    )
    return (
        f"{DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(names, start=1)
    )
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>'
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{DECLARATION}<Relationships xmlns="{PACKAGE_REL}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
