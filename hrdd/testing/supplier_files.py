"""Supplier lists as files: CSV and XLSX as a buyer saves them, and workbooks shaped by hand
down to their XML, as an attacker builds them (zip bombs). Used by the import tests and by
bench/supplier_files.py."""

import csv
import io
import zipfile

import openpyxl

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def csv_bytes(rows, *, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, *, title="Sheet1") -> bytes:
    """A workbook with one sheet of `rows` (written in openpyxl's streaming mode)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(book)


def workbook_bytes(book) -> bytes:
    """An openpyxl workbook, saved."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(sheet_xml: str, *, shared: str = "", sheets: int = 1) -> bytes:
    """A workbook whose sheet is `sheet_xml`, compressed as tightly as zip allows."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            + "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId1"/>' for i in range(sheets))
            + "</sheets></workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared:
            archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def header_row() -> str:
    """Row 1 of a sheet's XML: the columns name, country and email."""
    return (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>country</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>email</t></is></c></row>'
    )
