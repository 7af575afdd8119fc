"""An owner makes an API key in a real browser (chromium, axe), reads it once, and opens the
API documentation page (Swagger UI from our own static files): no CSP violation anywhere."""

import pytest
from django.urls import reverse

from hrdd.testing.browser import assert_accessible, close, log_in, new_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_makes_a_key_and_reads_the_documentation(browser, live_server, alice, org_a):
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.get_by_role("link", name="API keys").click()
    assert_accessible(page, "API keys")
    page.get_by_label("Name").fill("SAP Ariba supplier sync")
    page.get_by_label("Add and change suppliers").check()
    page.get_by_role("button", name="Make the key").click()
    secret = page.locator("#new-key").inner_text()
    assert secret.startswith("hrdd_")
    assert_accessible(page, "the new key")
    page.get_by_role("button", name="Revoke SAP Ariba supplier sync").click()
    page.wait_for_selector("text=is revoked")
    assert secret not in page.content()

    page.goto(f"{live_server.url}{reverse('api:v1_docs')}")
    page.wait_for_selector("text=/api/v1/suppliers/bulk/")
    assert "Open HRDD API" in page.content()
    close(page)
