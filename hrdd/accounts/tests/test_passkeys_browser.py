"""A passkey in a real browser: Debian's chromium with the Chrome DevTools Protocol's virtual
authenticator registers a passkey at the owner's guided setup and logs in with it, through
django-otp-webauthn's scripts under the site's strict Content-Security-Policy."""

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from hrdd.testing.browser import assert_accessible, close, new_page
from hrdd.testing.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def passkeys_on(settings, live_server):
    # live_server is http://localhost:PORT: a secure context with a domain name, where
    # browsers allow passkeys.
    settings.TWO_FACTOR_REQUIRED = True
    settings.PASSKEYS_ENABLED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page) -> tuple[object, str]:
    """A platform authenticator (like a laptop's fingerprint reader) that the browser uses
    without asking: user present and verified."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_an_owner_enrols_a_passkey_and_logs_in_with_it(browser, live_server, passkeys_on, alice):
    page = new_page(browser, live_server)
    cdp, authenticator = virtual_authenticator(page)
    url = live_server.url

    page.goto(f"{url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(alice.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}{reverse('accounts:two_factor_setup')}**")
    page.get_by_role("heading", name="Or use a passkey").wait_for()
    assert_accessible(page, "setup with passkey")

    # No name, no dialog: the browser points at the field.
    page.get_by_role("button", name="Add a passkey").click()
    assert page.locator("#id_name").evaluate("field => !field.validity.valid")
    assert not WebAuthnCredential.objects.exists()

    page.locator("#id_name").fill("Laptop")
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(f"{url}{reverse('accounts:recovery_codes')}**")
    assert page.locator(".recovery-codes li").count() == 10
    assert "Passkey “Laptop” saved." in page.locator(".messages").inner_text()
    assert WebAuthnCredential.objects.get(user=alice).name == "Laptop"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1

    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.goto(f"{url}{reverse('accounts:security')}")
    assert page.locator(".passkey-list input[name=name]").input_value() == "Laptop"
    assert_accessible(page, "security with a passkey")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{url}{reverse('accounts:login')}")
    page.locator("#id_username").fill(alice.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}{reverse('accounts:login_code')}")
    assert_accessible(page, "code step with a passkey")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{url}{reverse('campaigns:dashboard')}")
    assert WebAuthnCredential.objects.get(user=alice).last_used_at is not None
    close(page)
