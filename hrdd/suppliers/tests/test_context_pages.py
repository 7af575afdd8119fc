"""The pages of suppliers in context: the supplier's page (details, sites, links), the list
filtered by tier, and the supply-chain map (drawing and table)."""

import pytest
from django.urls import reverse

from hrdd.suppliers import selectors
from hrdd.suppliers.models import Site, Supplier, SupplierLink
from hrdd.suppliers.services import supplier_link_add
from hrdd.testing.world import supplier as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_a):
    a = make(org_a, "Alpha", goods="Shirts", spend_band="high", migrant_share="51-100")
    b, c = make(org_a, "Beta"), make(org_a, "Gamma")
    supplier_link_add(supplier=b, customer=a)
    supplier_link_add(supplier=c, customer=b)
    return a, b, c


def url(name, org, *args):
    return reverse(f"suppliers:{name}", args=[org.pk, *args])


def test_the_edit_form_saves_the_new_fields_and_the_page_shows_them(client, alice, org_a):
    supplier = make(org_a, "Alpha")
    client.force_login(alice)
    response = client.post(
        url("edit", org_a, supplier.pk),
        {
            "name": "Alpha",
            "country": "VN",
            "industry": "apparel",
            "tier": "2",
            "goods": "Shirts; cotton",
            "spend_band": "medium",
            "migrant_share": "1-25",
            "email": supplier.email,
            "language": "en",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Tier 2" in page and "Shirts; cotton" in page and "Up to a quarter" in page
    assert "Medium" in page and "Apparel, textiles and footwear" in page


def test_a_site_is_added_and_listed(client, alice, org_a):
    supplier = make(org_a, "Alpha")
    client.force_login(alice)
    page = client.post(
        url("site_add", org_a, supplier.pk),
        {"name": "Mill 1", "country": "IN", "region": "Tamil Nadu", "goods": "yarn"},
        follow=True,
    ).content.decode()
    assert "Mill 1" in page and "Tamil Nadu" in page and "India" in page
    bad = client.post(url("site_add", org_a, supplier.pk), {"name": "X", "country": "XX"})
    assert bad.status_code == 422 and Site.objects.count() == 1


def test_a_loop_added_on_the_page_is_refused_with_its_name(client, alice, org_a, chain):
    a, b, c = chain
    client.force_login(alice)
    response = client.post(url("link_add", org_a, a.pk), {"other": c.pk, "direction": "customer"})
    assert response.status_code == 422
    assert "Alpha → Gamma → Beta → Alpha" in response.content.decode()
    assert SupplierLink.objects.count() == 2


def test_links_are_shown_both_ways_and_removed(client, alice, org_a, chain):
    a, b, c = chain
    client.force_login(alice)
    page = client.get(url("detail", org_a, b.pk)).content.decode()
    assert "Gamma" in page and "Alpha" in page
    link = SupplierLink.objects.get(supplier=c, customer=b)
    client.post(url("link_delete", org_a, b.pk, link.pk))
    assert not SupplierLink.objects.filter(pk=link.pk).exists()


def test_a_reader_sees_the_page_but_cannot_change_links_or_sites(client, bob, org_a, chain):
    a, b, c = chain
    client.force_login(bob)
    page = client.get(url("detail", org_a, b.pk))
    assert page.status_code == 200 and "Add a link" not in page.content.decode()
    link = SupplierLink.objects.get(supplier=c, customer=b)
    assert client.post(url("link_delete", org_a, b.pk, link.pk)).status_code == 403
    assert client.post(url("link_add", org_a, a.pk), {"other": c.pk}).status_code == 403
    assert client.post(url("site_add", org_a, a.pk), {"name": "X"}).status_code == 403
    assert SupplierLink.objects.count() == 2


def test_the_list_filters_by_tier(client, bob, org_a, chain):
    client.force_login(bob)
    page = client.get(url("list", org_a), {"tier": "2"}).content.decode()
    assert "Beta" in page and "Alpha" not in page and "Gamma" not in page


def test_the_map_draws_tiers_and_lists_every_link(client, bob, org_a, chain):
    client.force_login(bob)
    page = client.get(url("map", org_a)).content.decode()
    assert "<svg" in page and "Tier 3" in page
    assert page.count("<line ") == 2  # Beta → Alpha, Gamma → Beta
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    # The table: Gamma supplies Beta.
    assert "Gamma</a></td>" in page and "Beta</td>" in page


def test_the_map_of_a_large_list_is_limited_and_says_so(
    client, bob, org_a, django_assert_max_num_queries
):
    Supplier.objects.bulk_create(
        Supplier(organisation=org_a, name=f"S{n:04}", country="VN", email=f"s{n}@example.com")
        for n in range(selectors.MAP_PER_TIER + 60)
    )
    client.force_login(bob)
    with django_assert_max_num_queries(15):
        page = client.get(url("map", org_a)).content.decode()
    assert "60 suppliers are not drawn" in page
    assert page.count("<rect ") == selectors.MAP_PER_TIER
    # The table lists them all, a page at a time.
    assert page.count('data-label="Tier"') == selectors.MAP_TABLE_PAGE
    assert "Page 1 of 2" in page
