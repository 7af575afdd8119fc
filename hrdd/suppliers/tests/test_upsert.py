"""suppliers_upsert: many suppliers at once, matched on the buyer's own reference, with the
same rules as one added by hand and every change logged."""

import pytest
from django.core.exceptions import ValidationError

from hrdd.suppliers.models import Supplier, SupplierChange
from hrdd.suppliers.services import UPSERT_MAX_ROWS, supplier_create, suppliers_upsert
from hrdd.testing import world

pytestmark = pytest.mark.django_db


def row(reference, name, **fields):
    return {"reference": reference, "name": name, "country": "VN", **fields}


def test_rows_are_created_updated_or_refused_one_by_one(org_a, alice):
    world.supplier(org_a, "Hanoi Garments", reference="HN-1")
    results = suppliers_upsert(
        organisation=org_a,
        rows=[
            row("HN-1", "Hanoi Garments Ltd"),
            row("HU-2", "Hue Silk", email="silk@hue.example", language="vi"),
            row("HU-3", "Hue Copy", email="SILK@hue.example"),
            row("", "No key", email="nokey@example.com"),
            row("KL-9", "Klingon", email="k@example.com", language="tlh"),
        ],
        by=alice,
    )
    assert [r.status for r in results] == ["updated", "created", "invalid", "invalid", "invalid"]
    assert set(results[2].errors) == {"email"}
    assert set(results[3].errors) == {"reference"}
    assert set(results[4].errors) == {"language"}
    assert set(Supplier.objects.values_list("name", flat=True)) == {
        "Hanoi Garments Ltd",
        "Hue Silk",
    }
    change = SupplierChange.objects.get()
    assert (change.field, change.new_value, change.user) == ("name", "Hanoi Garments Ltd", alice)


def test_an_address_held_by_another_supplier_is_refused_and_nothing_of_the_row_written(org_a):
    supplier_create(organisation=org_a, name="Kept", country="JP", email="kept@example.com")
    moved = world.supplier(org_a, "Mover", reference="MV-1")
    results = suppliers_upsert(
        organisation=org_a, rows=[row("MV-1", "Renamed", email="KEPT@example.com")]
    )
    assert results[0].status == "invalid"
    moved.refresh_from_db()
    assert moved.name == "Mover"


def test_too_many_rows_are_refused_before_anything_is_written(org_a):
    rows = [row(f"R{n}", f"S{n}", email=f"s{n}@example.com") for n in range(UPSERT_MAX_ROWS + 1)]
    with pytest.raises(ValidationError):
        suppliers_upsert(organisation=org_a, rows=rows)
    assert not Supplier.objects.exists()


def test_a_reference_is_unique_within_a_list_only(org_a, org_b):
    world.supplier(org_a, "Hanoi Garments", reference="HN-1")
    with pytest.raises(ValidationError) as error:
        world.supplier(org_a, "Other", reference="HN-1")
    assert "reference" in error.value.message_dict
    assert world.supplier(org_b, "Other", reference="HN-1").reference == "HN-1"
