"""A buyer imports a supplier file with mistakes in a real browser (Debian's chromium driven by
Playwright) against a live server: the row report first, nothing imported, then the valid
rows after confirming; the pages pass axe's WCAG 2.1 AA checks."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from hrdd.suppliers.models import Supplier, SupplierImport
from hrdd.suppliers.services import supplier_create
from hrdd.testing.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    b"Company,Country,Industry,Size,Contact name,E-mail,Language\r\n"
    b"Hanoi Garments,VN,apparel,250-999,Ms Lan,lan@hanoi-garments.example,vi\r\n"
    b"Kansai Parts,Japan,automotive,120,Sato,sato@kansai-parts.example,\r\n"
    b"Broken Mail Ltd,TH,,,,not-an-address,th\r\n"
    b"Atlantis Fisheries,Atlantis,fisheries,,,ops@atlantis.example,en\r\n"
    b"Hanoi Again,VN,,,,LAN@hanoi-garments.example,vi\r\n"
    b"Old Friend Co,ID,,,,old@friend.example,id\r\n"
)


def assert_accessible(page) -> None:
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    blocking = [
        (v["id"], [n["html"][:120] for n in v["nodes"]])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not blocking, blocking


def test_buyer_sees_the_row_report_then_confirms_the_valid_rows(browser, live_server, alice, org_a):
    supplier_create(organisation=org_a, name="Old Friend", country="ID", email="old@friend.example")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server, alice)

    page.get_by_role("link", name="Supplier list").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suppliers")
    page.get_by_role("link", name="Import from a file").click()
    assert_accessible(page)
    page.get_by_label("Supplier file").set_input_files(
        {"name": "suppliers.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Check the file").click()

    # The preview: counts, the row report with the file's row numbers, nothing imported yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the import")
    expect(page.locator("#count-total")).to_have_text("6")
    expect(page.locator("#count-valid")).to_have_text("2")
    expect(page.locator("#count-errors")).to_have_text("3")
    expect(page.locator("#count-existing")).to_have_text("1")
    expect(page.locator("#count-warnings")).to_have_text("1")
    report = page.locator("table.problems tbody tr")
    expect(report).to_have_count(5)
    expect(report.nth(0)).to_contain_text("3")
    expect(report.nth(0)).to_contain_text("Language")
    expect(report.nth(0)).to_contain_text("English will be used")
    expect(report.nth(1)).to_contain_text("4")
    expect(report.nth(1)).to_contain_text("not-an-address")
    expect(report.nth(1)).to_contain_text("not a valid e-mail address")
    expect(report.nth(2)).to_contain_text("Atlantis")
    expect(report.nth(2)).to_contain_text("Unknown country")
    expect(report.nth(3)).to_contain_text("The same e-mail address as row 2.")
    expect(report.nth(4)).to_contain_text("Already in your list: skipped.")
    expect(page.locator("table.sample tbody tr")).to_have_count(2)
    assert_accessible(page)
    assert Supplier.objects.filter(organisation=org_a).count() == 1
    assert SupplierImport.objects.get().status == SupplierImport.Status.PREVIEW

    page.get_by_role("button", name="Import 2 valid rows").click()
    expect(page.get_by_text("2 suppliers were added to your list.")).to_be_visible()
    rows = page.locator("table.suppliers tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("cell", name="Hanoi Garments", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Kansai Parts", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="lan@hanoi-garments.example")).to_be_visible()
    expect(page.get_by_text("Atlantis")).to_have_count(0)
    assert_accessible(page)
    assert Supplier.objects.filter(organisation=org_a).count() == 3
    context.close()
