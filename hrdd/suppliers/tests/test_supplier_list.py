"""The buyer's supplier list: what members see, what only owners and administrators change,
what other buyers cannot know; and the services behind the forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.organisations.models import Membership
from hrdd.suppliers.models import Supplier
from hrdd.suppliers.selectors import PAGE_SIZE
from hrdd.suppliers.services import supplier_create, supplier_delete, supplier_update
from hrdd.testing.world import login, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi(org_a):
    return supplier_create(
        organisation=org_a,
        name="Hanoi Garments",
        country="VN",
        industry="apparel",
        size_band="250-999",
        contact_name="Ms Lan",
        email="lan@hanoi-garments.example",
        language="vi",
    )


@pytest.fixture
def osaka(org_b):
    return supplier_create(
        organisation=org_b, name="Osaka Foods", country="JP", email="info@osaka.example"
    )


def form_data(**changes):
    data = {
        "name": "Bangkok Seafood",
        "country": "TH",
        "industry": "fisheries",
        "size_band": "1000+",
        "contact_name": "Khun Somchai",
        "email": "office@bkk-seafood.example",
        "language": "th",
    }
    data.update(changes)
    return data


def supplier_urls(organisation, supplier):
    return [
        reverse("suppliers:list", args=[organisation.pk]),
        reverse("suppliers:add", args=[organisation.pk]),
        reverse("suppliers:edit", args=[organisation.pk, supplier.pk]),
        reverse("suppliers:delete", args=[organisation.pk, supplier.pk]),
    ]


# --- The list -------------------------------------------------------------------------------


def test_member_sees_every_column_and_the_opt_out_marker(client, alice, org_a, hanoi):
    hanoi.reminders_opted_out_at = timezone.now()
    hanoi.save()
    supplier_create(organisation=org_a, name="Kansai Parts", country="JP", email="s@k.example")
    text = login(client, alice).get(reverse("suppliers:list", args=[org_a.pk])).content.decode()
    for shown in [
        "Hanoi Garments",
        "Vietnam",
        "Apparel, textiles and footwear",
        "250 to 999 workers",
        "Ms Lan",
        "lan@hanoi-garments.example",
        "Vietnamese",
        "Opted out",
        "Kansai Parts",
        "2 suppliers",
    ]:
        assert shown in text, shown
    assert text.count("Opted out") == 1
    assert reverse("suppliers:edit", args=[org_a.pk, hanoi.pk]) in text
    assert reverse("suppliers:import", args=[org_a.pk]) in text


def test_search_by_name_or_email(client, alice, org_a, hanoi):
    supplier_create(organisation=org_a, name="Kansai Parts", country="JP", email="s@k.example")
    login(client, alice)
    url = reverse("suppliers:list", args=[org_a.pk])
    by_name = client.get(url, {"q": "hanoi"}).content.decode()
    assert "Hanoi Garments" in by_name and "Kansai Parts" not in by_name
    by_email = client.get(url, {"q": "S@K.EX"}).content.decode()
    assert "Kansai Parts" in by_email and "Hanoi Garments" not in by_email
    nothing = client.get(url, {"q": "zzz"}).content.decode()
    assert "No supplier matches “zzz”." in nothing


def test_long_lists_are_paginated_with_a_constant_number_of_queries(client, alice, org_a):
    Supplier.objects.bulk_create(
        Supplier(organisation=org_a, name=f"Supplier {i:04d}", country="VN", email=f"{i}@x.ex")
        for i in range(PAGE_SIZE * 2 + 5)
    )
    login(client, alice)
    url = reverse("suppliers:list", args=[org_a.pk])
    client.get(url)  # warm the session and the caches
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    text = page.content.decode()
    assert "Supplier 0000" in text and f"Supplier {PAGE_SIZE:04d}" not in text
    assert "Page 1 of 3" in text and "page=2" in text
    with CaptureQueriesContext(connection) as last:
        text = client.get(url, {"page": 3}).content.decode()
    assert f"Supplier {PAGE_SIZE * 2 + 4:04d}" in text and "Supplier 0000" not in text
    # Session, user, organisation, membership, pending imports, count, page: not one per row.
    assert len(first) == len(last) <= 8
    # The search is kept when paging.
    text = client.get(url, {"q": "Supplier", "page": 2}).content.decode()
    assert "q=Supplier&amp;page=3" in text


def test_viewer_reads_but_cannot_change(client, bob, org_a, hanoi):
    login(client, bob)
    text = client.get(reverse("suppliers:list", args=[org_a.pk])).content.decode()
    assert "Hanoi Garments" in text
    assert reverse("suppliers:edit", args=[org_a.pk, hanoi.pk]) not in text
    assert reverse("suppliers:add", args=[org_a.pk]) not in text
    assert reverse("suppliers:import", args=[org_a.pk]) not in text
    for url in supplier_urls(org_a, hanoi)[1:]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, form_data()).status_code == 403, url
    assert list(Supplier.objects.values_list("name", flat=True)) == ["Hanoi Garments"]


def test_analyst_cannot_change_either(client, org_a, hanoi):
    analyst = member(org_a, "ann@a.example", Membership.Role.ANALYST)
    login(client, analyst)
    assert client.get(reverse("suppliers:list", args=[org_a.pk])).status_code == 200
    for url in supplier_urls(org_a, hanoi)[1:]:
        assert client.post(url, form_data()).status_code == 403, url
    assert Supplier.objects.count() == 1


def test_another_buyer_gets_404_everywhere(client, carol, org_a, org_b, hanoi, osaka):
    login(client, carol)
    for url in supplier_urls(org_a, hanoi):
        assert client.get(url).status_code == 404, url
        assert client.post(url, form_data()).status_code == 404, url
    # Her own organisation in the URL, the other buyer's supplier id: 404 as well.
    for url in supplier_urls(org_b, hanoi)[2:]:
        assert client.post(url, form_data()).status_code == 404, url
    assert Supplier.objects.get(pk=hanoi.pk).name == "Hanoi Garments"
    # Her own list does not show the other buyer's suppliers.
    text = client.get(reverse("suppliers:list", args=[org_b.pk])).content.decode()
    assert "Osaka Foods" in text and "Hanoi" not in text


def test_unknown_and_operator_organisations_look_the_same(client, alice, olivia, operator_org):
    login(client, alice)
    assert client.get(reverse("suppliers:list", args=[999999])).status_code == 404
    assert client.get(reverse("suppliers:list", args=[operator_org.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, org_a, hanoi):
    for url in supplier_urls(org_a, hanoi):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_dashboard_links_to_each_supplier_list(client, alice, org_a, org_b):
    Membership.objects.create(organisation=org_b, user=alice, role=Membership.Role.VIEWER)
    text = login(client, alice).get(reverse("campaigns:dashboard")).content.decode()
    assert reverse("suppliers:list", args=[org_a.pk]) in text
    assert reverse("suppliers:list", args=[org_b.pk]) in text


# --- Adding, editing, deleting by hand --------------------------------------------------------


def test_owner_adds_a_supplier(client, alice, org_a):
    login(client, alice)
    page = client.post(reverse("suppliers:add", args=[org_a.pk]), form_data(), follow=True)
    assert "Bangkok Seafood was added to your list." in page.content.decode()
    supplier = Supplier.objects.get()
    assert (supplier.organisation, supplier.country.code, supplier.language) == (org_a, "TH", "th")


def test_a_duplicate_email_is_an_error_on_the_email_field(client, alice, org_a, hanoi, osaka):
    login(client, alice)
    url = reverse("suppliers:add", args=[org_a.pk])
    page = client.post(url, form_data(email="LAN@Hanoi-Garments.example"))
    assert page.status_code == 422
    assert page.context["form"].errors == {
        "email": ["A supplier with this e-mail address is already in your list."]
    }
    # Another buyer's list may hold the same address.
    page = client.post(url, form_data(email=osaka.email))
    assert page.status_code == 302


def test_invalid_fields_are_shown_next_to_them(client, alice, org_a):
    login(client, alice)
    page = client.post(
        reverse("suppliers:add", args=[org_a.pk]),
        form_data(name="", email="nope", country="XX", language="fr"),
    )
    assert page.status_code == 422
    assert set(page.context["form"].errors) == {"name", "email", "country", "language"}
    assert not Supplier.objects.exists()


def test_owner_edits_a_supplier(client, alice, org_a, hanoi):
    login(client, alice)
    url = reverse("suppliers:edit", args=[org_a.pk, hanoi.pk])
    assert "Hanoi Garments" in client.get(url).content.decode()
    page = client.post(url, form_data(name="Hanoi Garments JSC", email=hanoi.email))
    assert page.status_code == 302
    hanoi.refresh_from_db()
    assert (hanoi.name, hanoi.country.code, hanoi.organisation) == (
        "Hanoi Garments JSC",
        "TH",
        org_a,
    )


def test_editing_to_an_address_already_in_the_list_is_refused(client, alice, org_a, hanoi):
    other = supplier_create(organisation=org_a, name="Kansai", country="JP", email="s@k.example")
    login(client, alice)
    page = client.post(
        reverse("suppliers:edit", args=[org_a.pk, other.pk]), form_data(email=hanoi.email)
    )
    assert page.status_code == 422
    assert "already in your list" in page.content.decode()
    other.refresh_from_db()
    assert other.email == "s@k.example"


def test_delete_asks_first_then_removes(client, alice, org_a, hanoi):
    login(client, alice)
    url = reverse("suppliers:delete", args=[org_a.pk, hanoi.pk])
    page = client.get(url)
    assert "Delete Hanoi Garments?" in page.content.decode()
    assert Supplier.objects.exists()  # a GET changes nothing
    page = client.post(url, follow=True)
    assert "Hanoi Garments was removed from your list." in page.content.decode()
    assert not Supplier.objects.exists()


# --- The services ---------------------------------------------------------------------------


def test_services_validate_and_keep_one_address_per_list(org_a, org_b, hanoi):
    with pytest.raises(ValidationError) as error:
        supplier_create(
            organisation=org_a, name="X", country="VN", email=" LAN@hanoi-garments.example "
        )
    assert error.value.message_dict == {
        "email": ["A supplier with this e-mail address is already in your list."]
    }
    with pytest.raises(ValidationError) as error:
        supplier_create(organisation=org_a, name="X", country="ZZ", email="x@x.example")
    assert set(error.value.message_dict) == {"country"}
    with pytest.raises(ValidationError) as error:
        supplier_create(organisation=org_a, name="X", country="VN", email="x@x.ex", language="xx")
    assert set(error.value.message_dict) == {"language"}
    twin = supplier_create(organisation=org_b, name="X", country="VN", email=hanoi.email)
    assert twin.organisation == org_b

    updated = supplier_update(
        supplier=hanoi, name="  Hanoi JSC ", email="LAN@hanoi-garments.example"
    )
    assert updated.name == "Hanoi JSC"
    with pytest.raises(TypeError):
        supplier_update(supplier=hanoi, organisation=org_b)
    with pytest.raises(TypeError):
        supplier_update(supplier=hanoi, reminders_opted_out_at=None)
    supplier_delete(supplier=hanoi)
    assert list(Supplier.objects.all()) == [twin]
