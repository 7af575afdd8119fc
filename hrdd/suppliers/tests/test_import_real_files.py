"""Supplier lists as buyers have them (issue 13) and as an attacker shapes them (issue 12):
CSV in Excel's Japanese code page and other delimiters, a title above the header, country
names in any language, formulas saved without results, photos and PDFs picked by mistake,
and workbooks built to exhaust memory, refused with the limit named while memory stays small."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest
from openpyxl.styles import Alignment, Font

from hrdd.suppliers import imports
from hrdd.testing.supplier_files import MAIN, bomb, header_row, workbook_bytes


def check(content: bytes, filename: str = "suppliers.csv") -> imports.CheckResult:
    table = imports.read_table(filename=filename, content=content)
    return imports.check_table(table, existing_emails=set())


def problems(result) -> set[tuple]:
    return {(p["row"], p["field"], p["code"]) for p in result.problems}


# --- CSV as Excel writes it -----------------------------------------------------------------

JAPANESE_CSV = (
    "会社名,国,業種,従業員数,担当者名,メールアドレス,言語\r\n"
    "大阪精密部品株式会社,日本,自動車,120,佐藤 花子,sato@osaka-seimitsu.example,日本語\r\n"
    "ハノイ縫製有限会社,ベトナム,アパレル,450,グエン・ヴァン・アン,an@hanoi-hosei.example,ベトナム語\r\n"
    "タイ水産加工,タイ,水産業,1500,ソムチャイ,somchai@thai-suisan.example,タイ語\r\n"
)


@pytest.mark.parametrize("encoding", ["cp932", "shift_jis"])
def test_csv_saved_by_excel_in_japan_is_read(encoding):
    """Excel in Japan saves "CSV (comma delimited)" in CP932 (Shift_JIS): read as it is."""
    result = check(JAPANESE_CSV.encode(encoding))
    assert [(r["name"], r["country"]) for r in result.rows] == [
        ("大阪精密部品株式会社", "JP"),
        ("ハノイ縫製有限会社", "VN"),
        ("タイ水産加工", "TH"),
    ]
    assert result.rows[1]["contact_name"] == "グエン・ヴァン・アン"
    # Industries and languages as a Japanese buyer writes them.
    assert [(r["industry"], r["language"]) for r in result.rows] == [
        ("automotive", "ja"),
        ("apparel", "vi"),
        ("fisheries", "th"),
    ]
    assert result.problems == []


def test_csv_in_a_western_code_page_is_read():
    content = "name;country;email\nMüller Textil GmbH;Deutschland;m@mueller.example\n".encode(
        "cp1252"
    )
    result = check(content)
    assert result.rows[0]["name"] == "Müller Textil GmbH"
    assert result.rows[0]["country"] == "DE"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed_even_with_commas_inside_names(delimiter):
    """The first line alone would mislead: the company names hold commas."""
    lines = [
        ["name", "country", "email"],
        ["Saigon Garments Co., Ltd.", "VN", "a@saigon.example"],
        ["Bangkok Foods Co., Ltd.", "TH", "b@bangkok.example"],
    ]
    text = "\n".join(
        delimiter.join(f'"{v}"' if delimiter == "," and "," in v else v for v in line)
        for line in lines
    )
    result = check(text.encode())
    assert [r["name"] for r in result.rows] == [
        "Saigon Garments Co., Ltd.",
        "Bangkok Foods Co., Ltd.",
    ]


# --- Workbooks as buyers make them ----------------------------------------------------------


def test_a_title_in_merged_cells_above_the_header_is_left_out_and_said():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "取引先一覧（2026年度）"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells("A1:E1")
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet["A2"] = "作成日: 2026-04-01"
    sheet.append([])
    sheet.append(["会社名", "国", "メールアドレス", "言語"])
    sheet.append(["大阪部品", "日本", "info@osaka.example", "ja"])
    sheet.append(["Hanoi Garments", "Viet Nam", "lan@hanoi.example", "vi"])
    table = imports.read_table(filename="list.xlsx", content=workbook_bytes(book))
    assert table.header_row == 4
    result = imports.check_table(table, existing_emails=set())
    assert [(r["row"], r["country"]) for r in result.rows] == [(5, "JP"), (6, "VN")]
    assert problems(result) == {(4, "", "rows_above_header")}
    assert result.problems[0]["message"] == (
        "The column names are in row 4: the rows above it (1, 2) were left out."
    )


def test_a_file_without_a_header_still_names_the_missing_columns():
    content = b"Hanoi Garments,VN,lan@hanoi.example\nKansai Parts,JP,sato@kansai.example\n"
    with pytest.raises(imports.SupplierFileError) as error:
        check(content)
    assert error.value.code == "missing_columns"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("日本", "JP"),
        ("ベトナム", "VN"),
        ("タイ", "TH"),
        ("中国", "CN"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("vnm", "VN"),
        ("jp", "JP"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("Tailandia", "TH"),
        ("Nauru", "NR"),
    ],
)
def test_country_names_in_every_language_of_the_country_library(written, code):
    assert imports.Vocabulary().country(written) == code


def test_a_formula_without_its_saved_result_is_an_error_on_its_row_and_column():
    """openpyxl (and other programs that do not calculate) write formulas without results:
    today that crashed the whole file with "not a spreadsheet"."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "country", "email", "notes"])
    sheet.append(["Hanoi Garments", "VN", "lan@hanoi.example", "ok"])
    sheet.append(["Kansai Parts", "=VLOOKUP(A3,Codes!A:B,2,FALSE)", "sato@kansai.example", ""])
    sheet.append(["Bangkok Foods", "TH", "b@bangkok.example", "=LEN(A4)"])  # unused column
    result = check(workbook_bytes(book), "list.xlsx")
    assert [r["name"] for r in result.rows] == ["Hanoi Garments", "Bangkok Foods"]
    (problem,) = [p for p in result.problems if p["row"] == 3 and p["severity"] == "error"]
    assert (problem["field"], problem["column"], problem["code"]) == (
        "country",
        "country",
        "formula_without_value",
    )
    assert problem["value"] == "=VLOOKUP(A3,Codes!A:B,2,FALSE)"
    assert problem["message"].startswith("Cell B3 holds a formula whose result was not saved")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "a JPEG image (a photo or a scan)"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + bytes(100), "a HEIC photo"),
    ],
)
def test_images_and_pdfs_uploaded_by_mistake_are_named(content, what):
    for filename in ("suppliers.csv", "suppliers.xlsx", "scan.pdf"):
        with pytest.raises(imports.SupplierFileError) as error:
            check(content, filename)
        assert error.value.code == "wrong_kind"
        assert error.value.message == (
            f"This file is {what}, not a supplier list. Upload the list as a CSV file or an "
            "Excel workbook (.xlsx)."
        )


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00" + bytes(60), "a BMP image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(40), "a WebP image"),
        (b"GIF89a\x01\x00\x01\x00" + bytes(20), "a GIF image"),
    ],
)
def test_other_images_are_named(content, what):
    with pytest.raises(imports.SupplierFileError) as error:
        check(content, "list.csv")
    assert error.value.code == "wrong_kind" and f"This file is {what}," in error.value.message


def test_a_list_that_happens_to_start_like_an_image_is_read():
    """No header, and the first supplier is BMW: still a CSV, not a "BMP image"."""
    content = b"BMW Tier 2 Parts,DE,bmw@parts.example\nGIF Foods,TH,gif@foods.example\n"
    with pytest.raises(imports.SupplierFileError) as error:
        check(content)
    assert error.value.code == "missing_columns"  # read as a list, without a header
    result = check(b"name,country,email\n" + content)
    assert [r["name"] for r in result.rows] == ["BMW Tier 2 Parts", "GIF Foods"]


def test_a_word_document_is_named():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(imports.SupplierFileError) as error:
        check(out.getvalue(), "suppliers.xlsx")
    assert "This file is a Word document" in error.value.message


# --- Bombs (issue 12) -----------------------------------------------------------------------


def read_measured(content: bytes) -> tuple[imports.SupplierFileError, int]:
    """The error reading `content` gives, and the peak memory the reading allocated."""
    tracemalloc.start()
    try:
        with pytest.raises(imports.SupplierFileError) as error:
            imports.read_table(filename="bomb.xlsx", content=content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return error.value, peak


MB = 1024 * 1024


def test_millions_of_empty_cells_in_one_row_are_refused_in_bounded_memory():
    """The issue's bomb: a few KB on disk, millions of empty cells (580 MB before)."""
    cells = "<c/>" * 3_000_000
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}<row r="2">{cells}</row>'
        "</sheetData></worksheet>"
    )
    assert len(content) < 64 * 1024
    error, peak = read_measured(content)
    assert error.code == "too_many_columns"
    assert "Row 2 has more than 16,384 cells" in error.message
    assert peak < 20 * MB


def test_millions_of_empty_cells_over_many_rows_are_refused_in_bounded_memory(monkeypatch):
    # A lower limit keeps the test fast; the same code path counts to the real one.
    monkeypatch.setattr(imports, "MAX_CELLS", 50_000)
    rows = "<row><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/><c/></row>" * 5_000
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}{rows}</sheetData></worksheet>'
    )
    error, peak = read_measured(content)
    assert error.code == "too_many_cells"
    assert "more than 50,000 cells" in error.message
    assert peak < 20 * MB


def test_hundreds_of_thousands_of_empty_rows_are_refused_in_bounded_memory():
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'
        + "<row/>" * 500_000
        + "</sheetData></worksheet>"
    )
    error, peak = read_measured(content)
    assert error.code == "too_many_rows"
    assert "more than 100,000 rows" in error.message
    assert peak < 20 * MB


def test_a_shared_strings_bomb_is_refused_in_bounded_memory(monkeypatch):
    monkeypatch.setattr(imports, "MAX_CELLS", 50_000)
    shared = f'<sst xmlns="{MAIN}">' + "<si><t/></si>" * 60_000 + "</sst>"
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}</sheetData></worksheet>',
        shared=shared,
    )
    error, peak = read_measured(content)
    assert error.code == "too_many_cells"
    assert peak < 30 * MB  # the strings themselves are kept, up to the cell limit


def test_a_part_bigger_unpacked_than_it_claims_is_refused():
    """The sizes in a zip's directory are the archive's word: the bytes are counted as they
    come out of the decompressor, against a limit named in the message."""
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}'
        + " " * (imports.MAX_PART_BYTES + 1)
        + "</sheetData></worksheet>"
    )
    error, peak = read_measured(content)
    assert error.code == "too_large"
    assert "over 100 MB" in error.message
    assert peak < 20 * MB


def test_too_many_sheets_are_refused():
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}</sheetData></worksheet>',
        sheets=imports.MAX_SHEETS + 1,
    )
    with pytest.raises(imports.SupplierFileError) as error:
        imports.read_table(filename="bomb.xlsx", content=content)
    assert error.value.code == "too_many_sheets"
    assert "more than 255 sheets" in error.value.message


def test_a_real_list_still_reads_within_the_limits():
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>S{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>VN</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>s{n}@x.example</t></is></c></row>'
        for n in range(2, 2002)
    )
    content = bomb(
        f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}{rows}</sheetData></worksheet>'
    )
    table = imports.read_table(filename="list.xlsx", content=content)
    assert len(table.rows) == 2000 and table.rows[-1] == (2001, ["S2001", "VN", "s2001@x.example"])
