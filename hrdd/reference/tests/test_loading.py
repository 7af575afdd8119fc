"""Loading reference data: shipped files, operator files, and files that must be refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from hrdd.reference import selectors
from hrdd.reference.models import DatasetEdition, DatasetRow
from hrdd.reference.services import edition_load, shipped_load_all

pytestmark = pytest.mark.django_db

TVPRA_HEADER = "country,country_iso2,good,sector,child_labor,forced_labor\n"


def load_tvpra(text: str, edition="2024", filename="list.csv"):
    return edition_load(
        dataset_code="tvpra",
        content=text.encode(),
        filename=filename,
        edition=edition,
        source="DOL",
        licence="Public domain",
    )


def test_the_shipped_data_loads_once_with_its_provenance():
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "tvpra 2022: loaded, 467 rows (current)" in out.getvalue()
    tvpra = selectors.current_edition("tvpra")
    assert tvpra.row_count == 467
    assert "public domain" in tvpra.licence
    assert "CC BY 4.0" in selectors.current_edition("wgi").licence
    rows = selectors.edition_rows(selectors.current_edition("tip"))
    assert len(rows) == 204 and {"country_iso2", "tier"} <= set(rows[0])
    count = DatasetRow.objects.count()
    out = io.StringIO()
    call_command("load_reference", stdout=out)  # idempotent
    assert "already loaded" in out.getvalue()
    assert DatasetRow.objects.count() == count


def test_a_changed_header_is_refused_naming_the_columns_and_nothing_is_loaded():
    with pytest.raises(ValidationError) as error:
        load_tvpra("country,good,child labour,Forced Labor (%),Colour\nPeru,Gold,yes,no,x\n")
    text = " ".join(error.value.messages)
    assert "forced_labor" in text and "Forced Labor (%)" in text and "Colour" in text
    assert not DatasetEdition.objects.exists() and not DatasetRow.objects.exists()


def test_bad_rows_are_listed_with_their_numbers_and_nothing_is_loaded():
    text = TVPRA_HEADER + "Peru,PE,Gold,Mining,yes,no\nAtlantis,,Fish,Agriculture,maybe,no\n"
    with pytest.raises(ValidationError) as error:
        load_tvpra(text)
    messages = error.value.messages
    assert any("Row 3" in m and "Atlantis" in m for m in messages)
    assert any("Row 3" in m and "maybe" in m for m in messages)
    assert not DatasetRow.objects.exists()


def test_the_official_xlsx_headers_are_understood_and_a_newer_edition_becomes_current():
    shipped_load_all()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Country/Area", "Good", "Child Labor", "Forced Labor", "Year Added"])
    sheet.append(["Burma", "Rubber", "X", "X", 2022])
    sheet.append(["Côte d'Ivoire", "Cocoa", "X", None, 2009])
    data = io.BytesIO()
    workbook.save(data)
    result = edition_load(
        dataset_code="tvpra",
        content=data.getvalue(),
        filename="TVPRA_List_2024.xlsx",
        edition="2024",
        source="DOL 2024",
        licence="Public domain",
    )
    assert selectors.current_edition("tvpra") == result.edition
    rows = selectors.edition_rows(result.edition)
    assert [(r["country_iso2"], r["child_labor"], r["forced_labor"]) for r in rows] == [
        ("MM", "yes", "yes"),
        ("CI", "yes", "no"),
    ]
    assert DatasetEdition.objects.get(dataset__code="tvpra", edition="2022").is_current is False


def test_a_file_without_sectors_takes_them_from_the_current_edition_or_says_which_goods():
    shipped_load_all()
    text = "Country/Area,Good,Child Labor,Forced Labor\nThailand,Shrimp,,X\nPeru,Quinoa,X,\n"
    with pytest.raises(ValidationError) as error:
        load_tvpra(text)
    assert error.value.messages == [
        "Row 3: no sector is known for “Quinoa”; add a sector column to the file."
    ]
    result = load_tvpra(text.replace("Peru,Quinoa", "Peru,Gold"))
    rows = selectors.edition_rows(result.edition)
    assert [(r["good"], r["sector"]) for r in rows] == [
        ("Shrimp", "Agriculture"),
        ("Gold", "Mining"),
    ]


def test_an_unknown_or_missing_sector_is_named():
    text = TVPRA_HEADER + "Peru,PE,Gold,Fishing,yes,no\nPeru,PE,Coca,,yes,no\n"
    with pytest.raises(ValidationError) as error:
        load_tvpra(text)
    assert error.value.messages == [
        "Row 2: unknown sector “Fishing” (expected one of: Agriculture, Manufacturing, Mining, "
        "Other).",
        "Row 3: the column sector is empty.",
    ]


def test_the_command_reports_errors_plainly(tmp_path):
    path = tmp_path / "tip.csv"
    path.write_text("year,tier\n2026,Tier 3\n")
    with pytest.raises(CommandError, match="country_as_published"):
        call_command(
            "load_reference", "tip", str(path), edition="2026", source="x", licence="public"
        )
    with pytest.raises(CommandError, match="Unknown dataset"):
        call_command("load_reference", "nope", str(path), edition="1", source="x", licence="y")
