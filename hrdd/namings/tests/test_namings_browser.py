"""A supplier names its suppliers on a phone (real chromium, no JavaScript of ours): the page
fits the screen, rows are added without scripts, a bad row is named, nothing typed is lost,
and the list reaches the buyer, who adds it to its list."""

import pytest
from django.urls import reverse

from hrdd.namings.models import SupplierNamingRequest
from hrdd.suppliers.models import Supplier
from hrdd.testing.browser import (
    PHONE,
    assert_accessible,
    assert_fits_the_screen,
    close,
    log_in,
    new_page,
)
from hrdd.testing.world import ask_to_name, named

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supplier_answers_on_a_phone_in_japanese(browser, live_server, suppliers):
    naming, token = ask_to_name(suppliers[1])  # Kansai Parts writes Japanese
    page = new_page(browser, live_server, language="ja", viewport=PHONE, scripts=False)
    page.goto(f"{live_server.url}{reverse('namings:answer', args=[token])}")
    assert page.locator("h1").inner_text() == "貴社の仕入先を教えてください"
    assert_fits_the_screen(page)
    assert_accessible(page, "naming page on a phone")

    page.locator("#id_row-1-name").fill("大阪金属")
    page.locator("#id_row-1-country").select_option("JP")
    page.get_by_role("button", name="行を追加").click()
    assert page.locator("#id_row-10-name").count() == 1
    assert page.locator("#id_row-1-name").input_value() == "大阪金属"

    page.locator("#id_row-7-name").fill("Hai Phong Steel")  # no country
    page.get_by_role("button", name="リストを Northwind に送信").click()
    summary = page.locator(".error-summary")
    assert "7 行目・国" in summary.inner_text()
    assert page.locator("#id_row-1-name").input_value() == "大阪金属"
    assert_fits_the_screen(page)

    page.locator("#id_row-7-country").select_option("VN")
    page.get_by_role("button", name="リストを Northwind に送信").click()
    page.wait_for_selector("text=リストを送信しました")
    close(page)
    naming.refresh_from_db()
    assert naming.status == SupplierNamingRequest.Status.TO_REVIEW
    assert [(r["name"], r["country"]) for r in naming.named] == [
        ("大阪金属", "JP"),
        ("Hai Phong Steel", "VN"),
    ]


def test_the_buyer_reviews_and_adds_what_was_named(browser, live_server, alice, org_a, suppliers):
    naming, _token = ask_to_name(suppliers[1])
    named(naming, {"name": "Osaka Metal", "country": "JP"})
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('namings:review', args=[org_a.pk, naming.pk])}")
    assert_accessible(page, "review of named suppliers")
    page.get_by_role("button", name="Add to my list").click()
    assert (
        "Row 1 (Osaka Metal): enter an e-mail address"
        in page.locator(".error-summary").inner_text()
    )
    page.get_by_label("E-mail address of Osaka Metal").fill("sales@osaka-metal.example")
    page.get_by_role("button", name="Add to my list").click()
    page.wait_for_selector("text=1 new supplier was added to your list.")
    close(page)
    added = Supplier.objects.get(email="sales@osaka-metal.example")
    assert added.tier == suppliers[1].tier + 1
