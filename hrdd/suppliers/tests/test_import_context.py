"""Importing suppliers in context: tier, goods, spend, migrant share, site region and the
"supplies" column, with unknown references and loops refused by row before anything is
written."""

import csv
import io

import pytest

from hrdd.suppliers.models import Site, Supplier, SupplierLink
from hrdd.suppliers.services import (
    supplier_create,
    supplier_import_confirm,
    supplier_import_preview,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "name",
    "country",
    "email",
    "tier",
    "goods",
    "spend band",
    "migrant share",
    "site region",
    "supplies",
]


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def errors(checked):
    return [p for p in checked.problems if p["severity"] == "error"]


def preview(org, rows):
    return supplier_import_preview(
        organisation=org, filename="list.csv", content=csv_bytes([HEADER, *rows]), by=None
    )


def test_the_new_columns_are_imported_with_sites_links_and_tiers(org_a):
    supplier_create(organisation=org_a, name="Alpha", country="VN", email="a@x.example")
    checked = preview(
        org_a,
        [
            ["Beta", "VN", "b@x.example", "", "Yarn; cotton", "high", "30%", "Dong Nai", "Alpha"],
            ["Gamma", "IN", "c@x.example", "", "cotton", "", "unknown", "", "b@x.example"],
        ],
    )
    assert errors(checked) == []
    assert Supplier.objects.count() == 1  # nothing written before confirmation
    supplier_import_confirm(supplier_import=checked)
    beta, gamma = Supplier.objects.get(name="Beta"), Supplier.objects.get(name="Gamma")
    assert (beta.tier, beta.goods, beta.spend_band, beta.migrant_share) == (
        2,
        "Yarn; cotton",
        "high",
        "26-50",
    )
    assert gamma.tier == 3
    assert SupplierLink.objects.filter(supplier=gamma, customer=beta).exists()
    assert Site.objects.get(supplier=beta).region == "Dong Nai"


def test_bad_rows_are_reported_by_row_and_nothing_is_written(org_a):
    supplier_create(organisation=org_a, name="Alpha", country="VN", email="a@x.example")
    supplier_link_rows = [
        ["Beta", "VN", "b@x.example", "9", "", "lots", "many", "", ""],
        ["Gamma", "VN", "c@x.example", "", "", "", "", "", "Nobody Ltd"],
        ["Delta", "VN", "d@x.example", "", "", "", "", "", "Epsilon"],
        ["Epsilon", "VN", "e@x.example", "", "", "", "", "", "Delta"],
        ["Zeta", "Atlantis", "z@x.example", "", "", "", "", "", ""],
    ]
    checked = preview(org_a, supplier_link_rows)
    by_row = {}
    for problem in checked.problems:
        by_row.setdefault(problem["row"], []).append(problem["message"])
    assert any("Unknown tier" in m for m in by_row[2])
    assert any("Unknown spend band" in m for m in by_row[2])
    assert any("Unknown migrant share" in m for m in by_row[2])
    assert any("No supplier called “Nobody Ltd”" in m for m in by_row[3])
    assert any("Epsilon → Delta → Epsilon" in m for m in by_row[5])
    assert any("Unknown country" in m for m in by_row[6])
    # Delta's own link was fine, but it names Epsilon, which is refused: Delta goes too.
    assert [row["name"] for row in checked.rows] == []
    supplier_import_confirm(supplier_import=checked)
    assert Supplier.objects.count() == 1 and not SupplierLink.objects.exists()


def test_a_supplier_naming_itself_is_refused_with_the_loop(org_a):
    checked = preview(org_a, [["Eta", "VN", "h@x.example", "", "", "", "", "", "Eta"]])
    assert "Eta → Eta" in errors(checked)[0]["message"]
    assert checked.rows == []
