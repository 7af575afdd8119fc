"""Supplier files (CSV and XLSX): reading, every kind of problem with its row and column, the
preview that imports nothing, the confirmation that imports once, limits, the command, and
who may do it."""

import csv
import io
import pyexpat
import zipfile
from datetime import datetime, timedelta

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.organisations.models import Membership
from hrdd.questionnaires.models import QuestionnaireVersion
from hrdd.suppliers import imports
from hrdd.suppliers.models import Supplier, SupplierImport
from hrdd.suppliers.services import (
    supplier_create,
    supplier_import_cancel,
    supplier_import_confirm,
    supplier_import_preview,
)
from hrdd.testing.supplier_files import MAIN, PKG, REL, csv_bytes, workbook_bytes, xlsx_bytes
from hrdd.testing.world import login, make_superuser, member

pytestmark = pytest.mark.django_db

HEADER = ["Company", "Country", "Industry", "Size", "Contact name", "E-mail", "Language"]
GOOD = [
    ["Hanoi Garments", "VN", "apparel", "250-999", "Ms Lan", "lan@hanoi.example", "vi"],
    [
        "Kansai Parts",
        "Japan",
        "Automotive and machinery",
        "120",
        "Sato",
        "sato@kansai.example",
        "ja",
    ],
    ["Bangkok Seafood", "tha", "Seafood", "1000+", "", "office@bkk.example", "Thai"],
    [
        "Recife Shoes",
        "Brazil",
        "footwear",
        "10 to 49 workers",
        "Ana",
        "ana@recife.example",
        "pt-BR",
    ],
]


def check(content, *, filename="suppliers.csv", existing=()):
    table = imports.read_table(filename=filename, content=content)
    return imports.check_table(table, existing_emails={e.lower() for e in existing})


def codes(result):
    return {(p["row"], p["field"], p["code"], p["severity"]) for p in result.problems}


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_both_formats_give_the_same_normalised_rows(kind):
    content = csv_bytes([HEADER, *GOOD]) if kind == "csv" else xlsx_bytes([HEADER, *GOOD])
    result = check(content, filename=f"list.{kind}")
    assert result.problems == []
    assert result.total_rows == 4
    assert result.rows == [
        {
            "row": 2,
            "name": "Hanoi Garments",
            "country": "VN",
            "industry": "apparel",
            "size_band": "250-999",
            "contact_name": "Ms Lan",
            "email": "lan@hanoi.example",
            "language": "vi",
        },
        {
            "row": 3,
            "name": "Kansai Parts",
            "country": "JP",
            "industry": "automotive",
            "size_band": "50-249",  # 120 workers
            "contact_name": "Sato",
            "email": "sato@kansai.example",
            "language": "ja",
        },
        {
            "row": 4,
            "name": "Bangkok Seafood",
            "country": "TH",  # ISO alpha-3
            "industry": "fisheries",  # a part of "Fisheries and seafood"
            "size_band": "1000+",
            "contact_name": "",
            "email": "office@bkk.example",
            "language": "th",  # English name
        },
        {
            "row": 5,
            "name": "Recife Shoes",
            "country": "BR",
            "industry": "apparel",
            "size_band": "10-49",  # the English label
            "contact_name": "Ana",
            "email": "ana@recife.example",
            "language": "pt",  # a regional variant
        },
    ]


def test_excel_variants_of_csv_are_read():
    """Semicolons (Excel where the decimal separator is a comma), a byte order mark, UTF-16
    "Unicode text" with tabs, headers in any case, extra columns ignored with a warning."""
    rows = [
        ["NAME", "Country", "EMAIL", "Notes"],
        ["Đà Nẵng Foods", "Viet Nam", "a@dn.example", "x"],
    ]
    for content in [
        csv_bytes(rows, delimiter=";"),
        b"\xef\xbb\xbf" + csv_bytes(rows),
        csv_bytes(rows, delimiter="\t", encoding="utf-16"),
    ]:
        result = check(content)
        assert [r["name"] for r in result.rows] == ["Đà Nẵng Foods"]
        assert result.rows[0]["country"] == "VN"
        assert codes(result) == {
            (1, "", "ignored_columns", "warning"),
            (2, "language", "no_language", "warning"),
        }


def test_japanese_headers_are_accepted():
    rows = [
        ["会社名", "国", "メールアドレス", "言語"],
        ["大阪部品", "日本", "info@osaka.example", "日本語"],
    ]
    result = check(csv_bytes(rows))
    # Country names in Japanese, as django-countries has them, like codes and English names.
    assert result.problems == [] and result.rows[0]["language"] == "ja"
    assert result.rows[0]["country"] == "JP"


def test_every_questionnaire_language_code_is_accepted(settings):
    vocabulary = imports.Vocabulary()
    used = {lang for v in QuestionnaireVersion.objects.all() for lang in v.parsed.languages}
    assert "zh-hans" in used or "my" in used  # the built-in questionnaires' draft languages
    for code in used | {code for code, _name in settings.LANGUAGES}:
        assert vocabulary.language(code) == code
        assert vocabulary.language(code.upper().replace("-", "_")) == code
    assert vocabulary.language("Simplified Chinese") == "zh-hans"
    assert vocabulary.language("zh-TW") == ""  # Traditional Chinese is not offered


def _minimal_xlsx(sheet_xml: str, *, shared: list[str] = (), styles: str = "") -> bytes:
    """An XLSX file as Excel writes it: shared strings (with furigana), styles, one sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Notes" sheetId="1" r:id="rId1"/>'
            '<sheet name="Supplier list" sheetId="2" r:id="rId2"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/>'
            '<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml" Type="x"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"/>')
        archive.writestr(
            "xl/worksheets/sheet2.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>',
        )
        archive.writestr(
            "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">' + "".join(shared) + "</sst>"
        )
        if styles:
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
    return out.getvalue()


def test_xlsx_as_excel_writes_it():
    """The sheet named like a supplier list; shared strings, rich text and furigana (only the
    text counts); an integer stored as a float; a date-formatted cell shown as a date; the
    rows' own numbers, with a gap."""
    shared = [
        "<si><t>Company</t></si>",
        "<si><t>Country</t></si>",
        "<si><t>Email</t></si>",
        "<si><t>Size</t></si>",
        "<si><r><t>大阪</t></r><r><t>部品</t></r><rPh sb='0' eb='2'><t>オオサカ</t></rPh></si>",
        "<si><t>osaka@parts.example</t></si>",
        "<si><t>Joined</t></si>",
    ]
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>6</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" t="inlineStr"><is><t>JP</t></is></c>'
        '<c r="C4" t="s"><v>5</v></c><c r="D4"><v>250.0</v></c><c r="E4" s="1"><v>46031</v></c>'
        "</row>"
    )
    table = imports.read_table(
        filename="list.xlsx", content=_minimal_xlsx(sheet, shared=shared, styles=styles)
    )
    assert table.header == ["Company", "Country", "Email", "Size", "Joined"]
    assert table.rows == [(4, ["大阪部品", "JP", "osaka@parts.example", "250", "2026-01-09"])]
    result = imports.check_table(table, existing_emails=set())
    assert result.rows[0]["size_band"] == "250-999"
    assert result.rows[0]["name"] == "大阪部品"


def test_a_cell_far_away_does_not_blow_up():
    """A tiny file with a cell in Excel's last column and row: read in constant memory."""
    book = openpyxl.Workbook()
    book.active.append(["name", "country", "email"])
    book.active.append(["A", "VN", "a@a.example"])
    book.active["XFD1048576"] = "far"
    table = imports.read_table(filename="far.xlsx", content=workbook_bytes(book))
    assert table.rows == [(2, ["A", "VN", "a@a.example"])]


def test_xml_parser_refuses_entity_expansion_attacks():
    """The XLSX reader relies on expat's own protection (2.4.1 and later)."""
    assert pyexpat.version_info >= (2, 4, 1)


# --- Problems, row by row -------------------------------------------------------------------


def test_every_kind_of_problem_with_its_row_and_column(org_a):
    rows = [
        HEADER,
        ["Good Co", "VN", "", "", "", "good@x.example", "en"],  # 2: valid
        ["Bad Mail", "VN", "", "", "", "not-an-address", "en"],  # 3
        ["Nowhere", "Atlantis", "", "", "", "n@x.example", "en"],  # 4
        ["Odd Industry", "VN", "mining", "", "", "o@x.example", "en"],  # 5
        ["Odd Size", "VN", "", "huge", "", "s@x.example", "en"],  # 6
        ["", "VN", "", "", "", "noname@x.example", "en"],  # 7
        ["No Mail", "VN", "", "", "", "", "en"],  # 8
        ["No Country", "", "", "", "", "c@x.example", "en"],  # 9
        ["Again", "VN", "", "", "", "GOOD@x.example", "en"],  # 10: duplicate of row 2
        ["Known", "VN", "", "", "", "known@x.example", "en"],  # 11: already in the list
        ["X" * 201, "VN", "", "", "", "long@x.example", "en"],  # 12
        ["French", "FR", "", "", "", "fr@x.example", "fr"],  # 13: valid, warning
        ["", "", "", "", "", "", ""],  # blank: ignored, not counted
    ]
    result = check(csv_bytes(rows), existing=["Known@X.example"])
    assert codes(result) == {
        (3, "email", "invalid_email", "error"),
        (4, "country", "unknown_country", "error"),
        (5, "industry", "unknown_industry", "error"),
        (6, "size_band", "unknown_size", "error"),
        (7, "name", "required", "error"),
        (8, "email", "required", "error"),
        (9, "country", "required", "error"),
        (10, "email", "duplicate_in_file", "error"),
        (11, "email", "already_in_list", "warning"),
        (12, "name", "too_long", "error"),
        (13, "language", "unknown_language", "warning"),
    }
    assert [r["row"] for r in result.rows] == [2, 13]
    assert result.total_rows == 12  # data rows, blank ones not counted
    by_row = {p["row"]: p for p in result.problems}
    # The column as the file names it, the value at fault and a message saying what to do.
    assert by_row[3]["column"] == "E-mail" and by_row[3]["value"] == "not-an-address"
    assert by_row[10]["message"] == "The same e-mail address as row 2."
    assert by_row[11]["message"] == "Already in your list: skipped."
    assert "apparel" in by_row[5]["message"]


def test_missing_or_empty_language_falls_back_to_english_with_a_warning():
    rows = [["name", "country", "email", "language"], ["A", "VN", "a@x.example", ""]]
    result = check(csv_bytes(rows))
    assert result.rows[0]["language"] == "en"
    assert codes(result) == {(2, "language", "no_language", "warning")}
    # Without a language column at all, the same on each row.
    result = check(csv_bytes([["name", "country", "email"], ["A", "VN", "a@x.example"]]))
    assert result.rows[0]["language"] == "en"
    assert result.problems[0]["column"] == "language"
    assert result.problems[0]["message"] == "No language given: English will be used."


def test_a_missing_required_column_is_one_file_error_naming_it():
    content = csv_bytes([["Company", "Country", "Phone"], ["A", "VN", "123"]])
    with pytest.raises(imports.SupplierFileError) as error:
        check(content)
    assert error.value.code == "missing_columns"
    assert "Missing: “email”." in error.value.message


def test_two_columns_for_the_same_field_are_refused():
    content = csv_bytes([["name", "country", "email", "E-mail address"], ["A", "VN", "a@x", "b"]])
    with pytest.raises(imports.SupplierFileError) as error:
        check(content)
    assert error.value.code == "duplicate_column"
    assert "“email” and “E-mail address”" in error.value.message


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.csv", "wrong_kind"),
        (b"name,country\x00,email\n", "x.csv", "not_spreadsheet"),
        (b"PK\x03\x04 damaged", "x.xlsx", "not_spreadsheet"),
        (b"name,country,email", "x.xlsx", "not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "x.xls", "old_excel"),
        (b"", "x.csv", "empty"),
        (b"\n\n", "x.csv", "empty"),
    ],
)
def test_unreadable_files_get_one_clear_message(content, filename, code):
    with pytest.raises(imports.SupplierFileError) as error:
        check(content, filename=filename)
    assert error.value.code == code
    assert error.value.message


def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(imports.SupplierFileError) as error:
        check(out.getvalue(), filename="list.xlsx")
    assert error.value.code == "wrong_kind"
    assert "This file is a zip archive, not a supplier list." in error.value.message


def many_rows(count: int) -> list[list[str]]:
    return [["name", "country", "email", "language"]] + [
        [f"Supplier {i}", "VN", f"s{i}@x.example", "vi"] for i in range(count)
    ]


def test_50000_rows_are_checked_with_one_query(org_a):
    """The limit itself is accepted, and the list is read once, not once per row."""
    supplier_create(organisation=org_a, name="Known", country="VN", email="s7@x.example")
    content = csv_bytes(many_rows(imports.MAX_ROWS))
    with CaptureQueriesContext(connection) as queries:
        result = imports.check_supplier_file(
            organisation=org_a, filename="big.csv", content=content
        )
    assert len(queries) == 1
    assert result.total_rows == imports.MAX_ROWS
    assert len(result.rows) == imports.MAX_ROWS - 1
    assert codes(result) == {(9, "email", "already_in_list", "warning")}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_more_than_50000_rows_are_refused(kind):
    rows = many_rows(imports.MAX_ROWS + 1)
    if kind == "csv":
        content = csv_bytes(rows)
    else:  # written directly: openpyxl takes seconds to write 50,000 rows
        content = _minimal_xlsx(
            "".join(
                "<row>"
                + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row)
                + "</row>"
                for row in rows
            )
        )
    with pytest.raises(imports.SupplierFileError) as error:
        check(content, filename=f"big.{kind}")
    assert error.value.code == "too_many_rows"
    assert "more than 50,000 rows" in error.value.message


def test_the_template_imports_cleanly():
    content = imports.template_csv().encode("utf-8")
    assert content.startswith(b"\xef\xbb\xbf")
    result = check(content)
    assert result.problems == [] and len(result.rows) == 1
    assert result.rows[0]["country"] == "VN" and result.rows[0]["language"] == "vi"


# --- Preview and confirmation ---------------------------------------------------------------

MIXED = [
    HEADER,
    ["Hanoi Garments", "VN", "apparel", "250-999", "Ms Lan", "lan@hanoi.example", "vi"],
    ["Bad Mail", "VN", "", "", "", "nope", "en"],
    ["Kansai Parts", "JP", "", "", "", "sato@kansai.example", ""],
    ["Nowhere", "Atlantis", "", "", "", "n@x.example", "en"],
]


def upload(client, organisation, content=None, name="suppliers.csv"):
    file = SimpleUploadedFile(name, content if content is not None else csv_bytes(MIXED))
    return client.post(reverse("suppliers:import", args=[organisation.pk]), {"file": file})


def test_upload_shows_a_preview_and_imports_nothing(client, alice, org_a):
    login(client, alice)
    page = upload(client, org_a)
    supplier_import = SupplierImport.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse(
        "suppliers:import_preview", args=[org_a.pk, supplier_import.pk]
    )
    assert Supplier.objects.count() == 0
    assert supplier_import.status == SupplierImport.Status.PREVIEW
    assert supplier_import.total_rows == 4 and len(supplier_import.rows) == 2
    assert supplier_import.created_by == alice

    text = client.get(page["Location"]).content.decode()
    assert 'id="count-valid">2<' in text and 'id="count-errors">2<' in text
    assert 'id="count-warnings">1<' in text
    assert "Import 2 valid rows" in text
    assert "This is not a valid e-mail address." in text and "<code>nope</code>" in text
    assert "No language given: English will be used." in text
    assert "Hanoi Garments" in text and "Vietnam" in text  # first valid rows
    assert Supplier.objects.count() == 0


def test_confirm_imports_the_valid_rows_once(client, alice, org_a):
    login(client, alice)
    upload(client, org_a)
    supplier_import = SupplierImport.objects.get()
    url = reverse("suppliers:import_confirm", args=[org_a.pk, supplier_import.pk])
    first = client.post(url, follow=True)
    assert "2 suppliers were added to your list." in first.content.decode()
    # The second click of a double click, or a second tab.
    second = client.post(url, follow=True)
    assert "This file was already imported or cancelled." in second.content.decode()
    assert sorted(Supplier.objects.values_list("email", "language")) == [
        ("lan@hanoi.example", "vi"),
        ("sato@kansai.example", "en"),
    ]
    supplier_import.refresh_from_db()
    assert supplier_import.status == SupplierImport.Status.IMPORTED
    assert supplier_import.imported_count == 2 and supplier_import.imported_at
    assert client.get(url).status_code == 405  # a GET never imports


def test_a_checked_file_waits_on_the_server_then_expires(client, alice, org_a):
    """The buyer can leave and confirm later without uploading again (the checked rows are
    kept on the server for this buyer); after a week the check is stale and not imported."""
    login(client, alice)
    upload(client, org_a)
    supplier_import = SupplierImport.objects.get()
    preview = reverse("suppliers:import_preview", args=[org_a.pk, supplier_import.pk])
    confirm = reverse("suppliers:import_confirm", args=[org_a.pk, supplier_import.pk])
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        login(client, alice)  # days later: a new session (idle sessions end after 8 hours)
        listing = client.get(reverse("suppliers:list", args=[org_a.pk])).content.decode()
        assert "is waiting for your confirmation" in listing and preview in listing
        page = client.get(preview).content.decode()
        assert "Nothing has been imported yet. This check is kept until" in page
        assert confirm in page
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        login(client, alice)
        listing = client.get(reverse("suppliers:list", args=[org_a.pk])).content.decode()
        assert "is waiting for your confirmation" not in listing
        page = client.get(preview).content.decode()
        assert "This check is more than 7 days old and can no longer be imported." in page
        assert confirm not in page
        answer = client.post(confirm, follow=True)
        assert "This check is more than 7 days old: nothing was imported." in (
            answer.content.decode()
        )
        assert answer.redirect_chain[-1][0] == reverse("suppliers:import", args=[org_a.pk])
    assert not Supplier.objects.exists()
    supplier_import.refresh_from_db()
    assert supplier_import.status == SupplierImport.Status.PREVIEW


def test_rows_that_reached_the_list_since_the_preview_are_skipped(alice, org_a):
    preview = supplier_import_preview(
        organisation=org_a, filename="a.csv", content=csv_bytes(MIXED), by=alice
    )
    supplier_create(organisation=org_a, name="Hanoi", country="VN", email="LAN@hanoi.example")
    outcome = supplier_import_confirm(supplier_import=preview)
    assert (outcome.imported, outcome.skipped) == (1, 1)
    assert Supplier.objects.filter(organisation=org_a).count() == 2


def test_a_failure_while_importing_leaves_nothing_half_imported(alice, org_a, monkeypatch):
    rows = many_rows(2500)  # several INSERT batches
    preview = supplier_import_preview(
        organisation=org_a, filename="a.csv", content=csv_bytes(rows), by=alice
    )
    original = Supplier.objects.bulk_create

    def fail_after_inserting(objs, **kwargs):
        original(objs, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Supplier.objects, "bulk_create", fail_after_inserting)
    with pytest.raises(RuntimeError):
        supplier_import_confirm(supplier_import=preview)
    assert Supplier.objects.count() == 0
    preview.refresh_from_db()
    assert preview.status == SupplierImport.Status.PREVIEW  # can be confirmed again
    monkeypatch.undo()
    assert supplier_import_confirm(supplier_import=preview).imported == 2500


def test_cancel_imports_nothing_and_cannot_be_confirmed_after(client, alice, org_a):
    login(client, alice)
    upload(client, org_a)
    supplier_import = SupplierImport.objects.get()
    args = [org_a.pk, supplier_import.pk]
    page = client.post(reverse("suppliers:import_cancel", args=args), follow=True)
    assert "The import was cancelled." in page.content.decode()
    client.post(reverse("suppliers:import_confirm", args=args))
    assert Supplier.objects.count() == 0
    assert not supplier_import_cancel(supplier_import=supplier_import)  # already cancelled
    preview = client.get(reverse("suppliers:import_preview", args=args)).content.decode()
    assert "This import was cancelled." in preview and "valid rows</button>" not in preview


def test_a_second_upload_of_the_same_file_skips_what_is_there(alice, org_a):
    first = supplier_import_preview(
        organisation=org_a, filename="a.csv", content=csv_bytes(MIXED), by=alice
    )
    supplier_import_confirm(supplier_import=first)
    again = supplier_import_preview(
        organisation=org_a, filename="a.csv", content=csv_bytes(MIXED), by=alice
    )
    assert again.rows == []
    assert sum(p["code"] == "already_in_list" for p in again.problems) == 2


def test_file_errors_are_shown_on_the_form_and_store_nothing(client, alice, org_a):
    login(client, alice)
    page = upload(client, org_a, csv_bytes([["Company", "Phone"], ["A", "1"]]))
    assert page.status_code == 422
    text = page.content.decode()
    assert "Missing: “country”, “email”." in text
    page = upload(client, org_a, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.png")
    # Said what the file is, rather than "could not be read as text".
    assert "This file is a PNG image, not a supplier list." in page.content.decode()
    page = upload(client, org_a, csv_bytes(many_rows(imports.MAX_ROWS + 1)))
    assert "more than 50,000 rows" in page.content.decode()
    assert not SupplierImport.objects.exists()


def test_files_over_the_size_limit_are_refused_before_reading(client, alice, org_a, monkeypatch):
    one_mb = 1024 * 1024
    monkeypatch.setattr("hrdd.suppliers.forms.MAX_BYTES", one_mb)
    monkeypatch.setattr(imports, "MAX_BYTES", one_mb)
    content = csv_bytes(many_rows(40_000))
    assert len(content) > one_mb
    login(client, alice)
    page = upload(client, org_a, content)
    assert page.status_code == 422
    assert "The file is larger than 1 MB. Split it into smaller files." in page.content.decode()
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        supplier_import_preview(organisation=org_a, filename="a.csv", content=content, by=alice)
    assert not SupplierImport.objects.exists()


def test_problem_report_and_template_downloads(client, alice, org_a):
    login(client, alice)
    rows = [*MIXED, ["Formula", "=HYPERLINK(1)", "", "", "", "ok@x.example", "en"]]
    upload(client, org_a, csv_bytes(rows))
    supplier_import = SupplierImport.objects.get()
    page = client.get(reverse("suppliers:import_problems", args=[org_a.pk, supplier_import.pk]))
    assert page["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in page["Content-Disposition"]
    report = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    assert report[0] == ["Row", "Column", "Value", "Severity", "Problem"]
    assert ["3", "E-mail", "nope", "Error", "This is not a valid e-mail address."] in report
    assert report[-2][:4] == ["5", "Country", "Atlantis", "Error"]
    # Spreadsheets would run a value starting with "=": it is written as text.
    assert report[-1][:3] == ["6", "Country", "'=HYPERLINK(1)"]
    template = client.get(reverse("suppliers:import_template"))
    lines = template.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "name,country,industry,size,contact name,email,language,"
        "tier,goods,spend band,migrant share,site region,supplies"
    )
    assert len(lines) == 2


# --- Who may import ---------------------------------------------------------------------------


def import_urls(organisation, supplier_import):
    args = [organisation.pk, supplier_import.pk]
    return [
        reverse("suppliers:import", args=[organisation.pk]),
        reverse("suppliers:import_preview", args=args),
        reverse("suppliers:import_problems", args=args),
        reverse("suppliers:import_confirm", args=args),
        reverse("suppliers:import_cancel", args=args),
    ]


@pytest.fixture
def preview_a(org_a, alice):
    return supplier_import_preview(
        organisation=org_a, filename="a.csv", content=csv_bytes(MIXED), by=alice
    )


def test_another_buyer_gets_404_on_every_import_page(client, carol, org_a, org_b, preview_a):
    login(client, carol)
    for url in import_urls(org_a, preview_a):
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url).status_code == 404, url
    # Her own organisation's URL with the other buyer's import id: 404 too.
    for url in import_urls(org_b, preview_a)[1:]:
        assert client.post(url).status_code == 404, url
    assert Supplier.objects.count() == 0
    preview_a.refresh_from_db()
    assert preview_a.status == SupplierImport.Status.PREVIEW


@pytest.mark.parametrize("role", [Membership.Role.VIEWER, Membership.Role.ANALYST])
def test_readers_cannot_import(client, org_a, preview_a, role):
    reader = member(org_a, f"{role}@a.example", role)
    login(client, reader)
    for url in import_urls(org_a, preview_a):
        assert client.post(url).status_code == 403, url
    assert upload(client, org_a).status_code == 403
    assert Supplier.objects.count() == 0
    assert SupplierImport.objects.count() == 1


def test_anonymous_is_sent_to_login(client, org_a, preview_a):
    for url in import_urls(org_a, preview_a)[:3]:
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    assert client.get(reverse("suppliers:import_template")).status_code == 302


# --- The command ------------------------------------------------------------------------------


def run_command(*args):
    out = io.StringIO()
    call_command("import_suppliers", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_command_without_confirm_reports_and_imports_nothing(org_a, tmp_path):
    path = tmp_path / "suppliers.xlsx"
    path.write_bytes(xlsx_bytes(MIXED))
    with pytest.raises(CommandError) as error:
        run_command(org_a.pk, path)
    assert error.value.returncode == 1
    assert Supplier.objects.count() == 0 and not SupplierImport.objects.exists()

    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes([HEADER, *GOOD]))
    output = run_command(org_a.pk, clean)
    assert "4 rows: 4 valid, 0 with errors" in output
    assert "Nothing imported" in output and Supplier.objects.count() == 0


def test_command_prints_the_row_report_and_confirms(org_a, tmp_path, capsys):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(csv_bytes(MIXED))
    output = run_command(org_a.pk, path, "--confirm")
    assert "row 3, column 'E-mail': error: This is not a valid e-mail address. [nope]" in output
    assert "row 5, column 'Country': error: Unknown country" in output
    assert "row 4, column 'Language': warning: No language given" in output
    assert "4 rows: 2 valid, 2 with errors, 0 already in the list, 1 valid with warnings." in (
        output
    )
    assert "Imported 2 suppliers into Northwind." in output
    assert Supplier.objects.filter(organisation=org_a).count() == 2
    assert SupplierImport.objects.get().status == SupplierImport.Status.IMPORTED

    # Errors and nothing imported: a failure for scripts.
    with pytest.raises(CommandError, match="nothing was imported"):
        run_command(org_a.pk, path, "--confirm")
    assert Supplier.objects.filter(organisation=org_a).count() == 2

    # A clean file twice (two of its rows came with the first file): the second time there
    # is nothing new, and that is no error.
    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes([HEADER, *GOOD]))
    output = run_command(org_a.pk, clean, "--confirm")
    assert "2 already in the list" in output and "Imported 2 suppliers" in output
    assert "Nothing new to import." in run_command(org_a.pk, clean, "--confirm")
    assert Supplier.objects.filter(organisation=org_a).count() == 4


def test_command_fails_on_unusable_files_and_unknown_buyers(org_a, operator_org, tmp_path):
    path = tmp_path / "suppliers.csv"
    path.write_bytes(csv_bytes([["name"], ["A"]]))
    with pytest.raises(CommandError, match="Missing: “country”, “email”"):
        run_command(org_a.pk, path, "--confirm")
    with pytest.raises(CommandError, match="No buyer organisation"):
        run_command(operator_org.pk, path)
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(org_a.pk, tmp_path / "missing.csv")
    only_errors = tmp_path / "errors.csv"
    only_errors.write_bytes(csv_bytes([HEADER, ["A", "Atlantis", "", "", "", "a@x.example", ""]]))
    with pytest.raises(CommandError, match="nothing was imported"):
        run_command(org_a.pk, only_errors, "--confirm")
    assert Supplier.objects.count() == 0
    assert SupplierImport.objects.get().status == SupplierImport.Status.CANCELLED


def test_dates_in_csv_are_plain_text():
    # A CSV never carries types: "1-9" stays the size band it says.
    result = check(csv_bytes([["name", "country", "email", "size"], ["A", "VN", "a@x.ex", "1-9"]]))
    assert result.rows[0]["size_band"] == "1-9"
    assert imports._text(datetime(2026, 1, 9)) == "2026-01-09"


# --- The operator's view ------------------------------------------------------------------------


def test_operator_sees_suppliers_and_imports_in_the_admin(client, org_a, preview_a):
    supplier_import_confirm(supplier_import=preview_a)
    operator = make_superuser()
    login(client, operator)
    text = client.get(reverse("admin:suppliers_supplier_changelist")).content.decode()
    assert "Hanoi Garments" in text and "Northwind" in text
    text = client.get(reverse("admin:suppliers_supplierimport_changelist")).content.decode()
    assert "a.csv" in text
    page = client.get(reverse("admin:suppliers_supplierimport_change", args=[preview_a.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "2 valid, 2 with errors, 0 already in the list, 1 with warnings" in text
    assert "This is not a valid e-mail address." in text and "lan@hanoi.example" in text
    supplier = Supplier.objects.get(email="lan@hanoi.example")
    page = client.get(reverse("admin:suppliers_supplier_change", args=[supplier.pk]))
    assert page.status_code == 200
