"""Suppliers in context: sector, tier, goods, spend, migrant share, sites, and links between
suppliers (who supplies whom) with their tiers computed and loops refused."""

import pytest
from django.core.exceptions import ValidationError

from hrdd.suppliers.models import Supplier, SupplierChange, SupplierLink, goods_key
from hrdd.suppliers.services import (
    site_create,
    supplier_link_add,
    supplier_link_delete,
    supplier_update,
)
from hrdd.testing.world import supplier as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_a):
    """Brand's direct supplier A (tier 1), B supplies A, C supplies B."""
    a, b, c = make(org_a, "Alpha"), make(org_a, "Beta"), make(org_a, "Gamma")
    supplier_link_add(supplier=b, customer=a)
    supplier_link_add(supplier=c, customer=b)
    return a, b, c


def test_the_new_fields_are_saved_and_goods_normalised(org_a):
    supplier = make(
        org_a,
        "Delta Farms",
        industry="agriculture",
        tier=2,
        goods=" Cocoa ;cotton; COCOA;; ",
        spend_band="high",
        migrant_share="26-50",
    )
    supplier.refresh_from_db()
    assert (supplier.tier, supplier.spend_band, supplier.migrant_share) == (2, "high", "26-50")
    # Stored as written, repeats (ignoring case) and blanks dropped.
    assert supplier.goods == "Cocoa; cotton"
    assert [goods_key(g) for g in supplier.goods_list] == ["cocoa", "cotton"]
    assert make(org_a, "Epsilon").migrant_share == "unknown"


def test_a_tier_beyond_five_is_refused(org_a):
    with pytest.raises(ValidationError) as error:
        make(org_a, "Deep", tier=6)
    assert "tier" in error.value.message_dict


def test_the_tier_of_a_supplier_of_a_supplier_is_computed(chain):
    a, b, c = chain
    assert [s.tier for s in Supplier.objects.filter(pk__in=[a.pk, b.pk, c.pk])] == [1, 2, 3]
    # A direct supplier moved to tier 2 carries its suppliers down with it.
    supplier_update(supplier=a, tier=2)
    assert Supplier.objects.get(pk=c.pk).tier == 4


def test_a_supplier_of_two_customers_takes_the_lowest_tier(chain, org_a):
    a, b, c = chain
    supplier_link_add(supplier=c, customer=a)
    assert Supplier.objects.get(pk=c.pk).tier == 2
    supplier_link_delete(link=SupplierLink.objects.get(supplier=c, customer=a))
    assert Supplier.objects.get(pk=c.pk).tier == 3


def test_a_loop_is_refused_and_named(chain):
    a, b, c = chain
    with pytest.raises(ValidationError) as error:
        supplier_link_add(supplier=a, customer=c)
    assert "Alpha → Gamma → Beta → Alpha" in error.value.messages[0]
    assert SupplierLink.objects.count() == 2
    with pytest.raises(ValidationError, match="cannot supply itself"):
        supplier_link_add(supplier=a, customer=a)


def test_a_link_to_another_buyers_supplier_is_refused(org_a, org_b):
    with pytest.raises(ValidationError, match="in your list"):
        supplier_link_add(supplier=make(org_a, "Alpha"), customer=make(org_b, "Other"))
    assert not SupplierLink.objects.exists()


def test_a_chain_deeper_than_five_tiers_is_refused(org_a):
    suppliers = [make(org_a, f"S{n}") for n in range(6)]
    for lower, upper in zip(suppliers[1:5], suppliers[0:4], strict=True):
        supplier_link_add(supplier=lower, customer=upper)
    with pytest.raises(ValidationError, match="S5 beyond tier 5"):
        supplier_link_add(supplier=suppliers[5], customer=suppliers[4])
    assert Supplier.objects.get(pk=suppliers[5].pk).tier == 1


def test_the_change_log_records_the_new_fields_and_computed_tiers(chain, alice):
    a, b, c = chain
    supplier_update(supplier=b, goods="Yarn", spend_band="low", by=alice)
    logged = {
        (change.supplier_name, change.field, change.old_value, change.new_value)
        for change in SupplierChange.objects.all()
    }
    assert ("Beta", "goods", "", "Yarn") in logged
    assert ("Beta", "spend_band", "", "low") in logged
    # The tiers computed when the links were made are logged too.
    assert ("Gamma", "tier", "1", "3") in logged


def test_a_site_has_a_region_and_goods(org_a):
    supplier = make(org_a, "Alpha")
    site = site_create(
        supplier=supplier, name="Mill 1", country="IN", region="Tamil Nadu", goods="yarn;cotton"
    )
    assert (site.country.code, site.region, site.goods) == ("IN", "Tamil Nadu", "yarn; cotton")
    with pytest.raises(ValidationError):
        site_create(supplier=supplier, name="Nowhere", country="XX")
