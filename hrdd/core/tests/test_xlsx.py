"""The streamed XLSX writer: what a spreadsheet program reads back from it."""

import io
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest
import xlsxwriter

from hrdd.core import xlsx


def written(*sheets: xlsx.Sheet) -> bytes:
    out = io.BytesIO()
    xlsx.write_workbook(out, sheets)
    return out.getvalue()


def parsed(xml: str | bytes) -> ElementTree.Element:
    """Our own output, parsed to show it is well-formed XML."""
    return ElementTree.fromstring(xml)  # noqa: S314 (written by the code under test)


def load(data: bytes, **options) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), **options)


TYPED = [
    "=1+1",
    "@SUM(A1)",
    "0123",
    "1e5",
    "TRUE",
    "2026-01-02",
    "https://x.example",
    "  two spaces each side  ",
    "a & b <c> \"d\" 'e'",
    "line one\nline two\ttab",
    "控えめな日本語",
    "emoji 🧵",
]


@pytest.mark.parametrize("value", TYPED)
def test_text_comes_back_exactly_as_typed_and_as_text(value):
    book = load(written(xlsx.Sheet("s", [["header"], [value]])))
    cell = book["s"]["A2"]
    assert (cell.value, cell.data_type) == (value, "s")


def test_control_characters_and_escape_lookalikes_are_written_as_excel_writes_them():
    """XML cannot hold control characters: Excel (and XlsxWriter) write them as _xHHHH_, and
    escape the underscore of a literal "_x0041_" so Excel shows it as typed, not as "A"."""
    typed = "bell\x07 and\r return, _x0041_ literally"
    data = written(xlsx.Sheet("s", [["h"], [typed]]))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    text = parsed(sheet).findall(f".//{{{xlsx.MAIN}}}t")[1].text
    assert text == "bell_x0007_ and_x000D_ return, _x005F_x0041_ literally"

    by_xlsxwriter = io.BytesIO()
    book = xlsxwriter.Workbook(by_xlsxwriter, {"constant_memory": True})
    book.add_worksheet().write_string(0, 0, typed)
    book.close()
    theirs = zipfile.ZipFile(by_xlsxwriter).read("xl/worksheets/sheet1.xml").decode()
    assert f">{text}</t>" in theirs


def test_numbers_and_dates_are_typed_with_readable_formats():
    row = [
        7,
        Decimal("12.50"),
        -0.25,
        Decimal("100000000000000.0001"),
        date(2026, 1, 2),
        datetime(2026, 11, 10, 7, 55, 48, tzinfo=UTC),
        True,
    ]
    sheet = load(written(xlsx.Sheet("s", [list("ABCDEFG"), row])))["s"]
    cells = sheet[2]
    assert [c.value for c in cells[:4]] == [7, 12.5, -0.25, 100000000000000.0001]
    assert all(c.data_type == "n" for c in cells[:4])
    assert cells[4].value == datetime(2026, 1, 2) and cells[4].number_format == "yyyy-mm-dd"
    assert cells[5].value == datetime(2026, 11, 10, 7, 55, 48)
    assert cells[5].number_format == "yyyy-mm-dd hh:mm:ss"
    assert cells[6].value is True


def test_empty_cells_keep_their_columns_past_z():
    row = [None] * 30
    row[0], row[2], row[27] = "a", 3, "ab"
    header = [f"h{i}" for i in range(30)]
    sheet = load(written(xlsx.Sheet("s", [header, row, ["", "b"]])))["s"]
    assert sheet["A2"].value == "a" and sheet["B2"].value is None and sheet["C2"].value == 3
    assert sheet["AB2"].value == "ab" and sheet["AD1"].value == "h29"
    assert sheet["A3"].value is None and sheet["B3"].value == "b"
    assert sheet.max_row == 3 and sheet.max_column == 30


def test_header_is_bold_and_frozen_widths_are_set_and_sheets_keep_their_order():
    data = written(
        xlsx.Sheet("answers", [["code", "name"], ["x", "y"]], widths=[10, 40]),
        xlsx.Sheet("notes & more", [["plain", "rows"]], header=False),
    )
    book = load(data)
    assert book.sheetnames == ["answers", "notes & more"]
    answers, notes = book.worksheets
    assert answers["A1"].font.b and not answers["A2"].font.b
    assert answers.freeze_panes == "A2"
    assert answers.column_dimensions["A"].width == 10
    assert answers.column_dimensions["B"].width == 40
    assert notes.freeze_panes is None and not notes["A1"].font.b
    # Every part is well-formed XML.
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        for name in parts.namelist():
            parsed(parts.read(name))


def test_read_only_readers_get_every_row():
    """No <dimension>: openpyxl's read-only mode (what pandas uses) still reads every row."""
    rows = [["n"], *([i] for i in range(2500))]
    sheet = load(written(xlsx.Sheet("s", rows)), read_only=True)["s"]
    values = [r[0] for r in sheet.iter_rows(values_only=True)]
    assert values == ["n", *range(2500)]


@pytest.mark.parametrize("name", ["", "x" * 32, "a/b", "what?"])
def test_sheet_names_excel_refuses_are_refused(name):
    with pytest.raises(ValueError):
        written(xlsx.Sheet(name, [["x"]]))


def test_duplicate_sheet_names_are_refused():
    with pytest.raises(ValueError):
        written(xlsx.Sheet("a", [["x"]]), xlsx.Sheet("a", [["y"]]))


def test_rows_are_streamed_in_flat_memory():
    """Rows are consumed one by one and written out in chunks: 20,000 rows (12 MB of XML)
    take no more memory than the compressed output and a few chunks."""

    def rows():
        yield [f"h{i}" for i in range(12)]
        for n in range(20_000):
            yield [n, f"supplier {n}", "VN", "en", *[f"option_{n % 7}_of_a_long_code"] * 8]

    out = io.BytesIO()
    tracemalloc.start()
    xlsx.write_workbook(out, [xlsx.Sheet("s", rows())])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with zipfile.ZipFile(out) as parts:
        sheet = parts.read("xl/worksheets/sheet1.xml")
    assert len(sheet) > 12_000_000
    assert peak < out.tell() + 4_000_000  # the output buffer, plus chunks of 1,000 rows
    last = parsed(sheet).findall(f".//{{{xlsx.MAIN}}}row")[-1]
    assert last.get("r") == "20001" and last[0].findtext(f"{{{xlsx.MAIN}}}v") == "19999"
