"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app:
registered and named on the Login and security page (or at the guided setup), used at the
login code step, removed; the ceremonies run against the library's real verification with a
software authenticator (softkey.SoftPasskey)."""

import json
import re
from pathlib import Path

import django_otp_webauthn
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from hrdd.accounts.tests.softkey import SoftPasskey
from hrdd.testing.world import PASSWORD, make_superuser

pytestmark = pytest.mark.django_db

ORIGIN = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _passkeys_on(settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.PASSKEYS_ENABLED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def api(client, name: str, data: dict | None = None, query: str = ""):
    return client.post(
        reverse(f"otp_webauthn:{name}") + query,
        json.dumps(data or {}),
        content_type="application/json",
    )


def log_in(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})


def register(client, name="Laptop", *, next_query="") -> tuple[SoftPasskey, object]:
    """Add a passkey as the page's scripts do: begin, the authenticator, complete, name."""
    key = SoftPasskey(ORIGIN)
    options = api(client, "credential-registration-begin")
    assert options.status_code == 200, options.content
    done = api(client, "credential-registration-complete", key.create(options.json()))
    assert done.status_code == 200, done.content
    named = client.post(
        reverse("accounts:passkey_name") + next_query,
        {"passkey": done.json()["id"], "name": name},
    )
    return key, named


def passkey_login(client, key: SoftPasskey, query: str = ""):
    options = api(client, "credential-authentication-begin")
    assert options.status_code == 200, options.content
    return api(client, "credential-authentication-complete", key.get(options.json()), query)


def test_a_viewer_adds_a_named_passkey_gets_recovery_codes_and_logs_in_with_it(client, bob):
    log_in(client, bob)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Add a passkey" in page
    assert 'id="otp_webauthn_config"' in page

    key, named = register(client, "Work laptop")
    # The first second factor: its recovery codes are shown once.
    assert named["Location"] == reverse("accounts:recovery_codes")
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", client.get(named["Location"]).text)
    assert len(codes) == 10
    security = client.get(reverse("accounts:security")).content.decode()
    assert 'value="Work laptop"' in security
    assert "On: you log in with your password and then your authenticator app or a passkey." in (
        security
    )
    client.post(reverse("accounts:logout"))

    page = log_in(client, bob)
    assert page["Location"] == reverse("accounts:login_code")
    code_page = client.get(page["Location"]).content.decode()
    assert "Use a passkey" in code_page
    assert "Use your passkey, or enter one of your recovery codes." in code_page
    # The password alone does not log in.
    assert client.get(reverse("campaigns:dashboard")).status_code == 302

    done = passkey_login(client, key, "?next=/campaigns/")
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == "/campaigns/"
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    passkey = WebAuthnCredential.objects.get(user=bob)
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_an_owner_may_set_up_a_passkey_instead_of_an_app(client, alice):
    log_in(client, alice)
    setup = client.get(reverse("campaigns:dashboard"))
    assert setup["Location"].startswith(reverse("accounts:two_factor_setup"))
    page = client.get(setup["Location"]).content.decode()
    assert "Or use a passkey" in page
    assert "Add a passkey" in page

    key, named = register(client, "Phone", next_query="?next=/campaigns/")
    assert named["Location"] == reverse("accounts:recovery_codes") + "?next=%2Fcampaigns%2F"
    assert 'href="/campaigns/"' in client.get(named["Location"]).content.decode()
    # The requirement is met: no authenticator app was needed.
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))

    log_in(client, alice)
    assert client.get(reverse("campaigns:dashboard")).status_code == 302
    assert passkey_login(client, key).status_code == 200
    assert client.get(reverse("campaigns:dashboard")).status_code == 200


def test_a_stolen_password_cannot_add_a_passkey(client, alice):
    TOTPDevice.objects.create(user=alice, name="authenticator", confirmed=True)
    log_in(client, alice)  # password right, code not given
    assert api(client, "credential-registration-begin").status_code == 403
    # Nor through a session logged in by the administration site's login page.
    client.force_login(alice)
    refused = api(client, "credential-registration-begin")
    assert refused.status_code == 403
    assert refused.json()["code"] == "user_not_verified"
    assert not WebAuthnCredential.objects.exists()


def test_a_passkey_logs_in_only_its_own_user(client, bob, carol):
    client.force_login(bob)
    bobs_key, _named = register(client)
    client.post(reverse("accounts:logout"))

    log_in(client, carol)
    client.force_login(carol)
    carols_key, _named = register(client)
    client.post(reverse("accounts:logout"))

    log_in(client, carol)
    refused = passkey_login(client, bobs_key)
    assert refused.status_code == 403
    assert client.get(reverse("campaigns:dashboard")).status_code == 302
    assert passkey_login(client, carols_key).status_code == 200


def test_a_replayed_or_foreign_assertion_is_refused(client, bob):
    client.force_login(bob)
    key, _named = register(client)
    client.post(reverse("accounts:logout"))

    log_in(client, bob)
    options = api(client, "credential-authentication-begin").json()
    # Signed for another site (a phishing page relaying the challenge).
    phished = api(
        client,
        "credential-authentication-complete",
        key.get(options, origin="https://hrdd.example.net"),
    )
    assert phished.status_code == 422
    # The challenge was used up by that try: the right answer to it no longer works.
    replay = api(client, "credential-authentication-complete", key.get(options))
    assert replay.status_code == 400
    assert client.get(reverse("campaigns:dashboard")).status_code == 302


def test_passkey_login_needs_the_password_first(client, bob):
    client.force_login(bob)
    key, _named = register(client)
    client.post(reverse("accounts:logout"))
    refused = api(client, "credential-authentication-begin")
    assert refused.status_code == 403
    assert "Please log in again" in refused.json()["detail"]


def test_the_app_and_a_passkey_both_work_and_the_code_page_offers_both(client, bob):
    client.force_login(bob)
    key, _named = register(client)
    TOTPDevice.objects.create(user=bob, name="authenticator", confirmed=True)
    client.post(reverse("accounts:logout"))
    log_in(client, bob)
    page = client.get(reverse("accounts:login_code")).content.decode()
    assert "Open your authenticator app and enter the code" in page
    assert "Use a passkey" in page


def test_rename_and_remove_a_passkey_without_javascript(client, bob):
    client.force_login(bob)
    _key, _named = register(client, "Old name")
    passkey = WebAuthnCredential.objects.get(user=bob)
    renamed = client.post(
        reverse("accounts:passkey_name"), {"passkey": passkey.pk, "name": "  Security   key "}
    )
    assert renamed["Location"] == reverse("accounts:security")
    passkey.refresh_from_db()
    assert passkey.name == "Security key"

    empty = client.post(reverse("accounts:passkey_name"), {"passkey": passkey.pk, "name": " "})
    assert "Name of the passkey" in empty.content.decode()
    assert "This field is required." in empty.content.decode()

    removed = client.post(
        reverse("accounts:passkey_remove"), {"passkey": passkey.pk}, follow=True
    ).content.decode()
    assert "The passkey is removed." in removed
    # It was the only second factor of a viewer: two-factor authentication is off, codes gone.
    assert "Off: your password alone opens your account." in removed
    assert not WebAuthnCredential.objects.filter(user=bob).exists()
    client.post(reverse("accounts:logout"))
    assert log_in(client, bob)["Location"] == reverse("home")


def test_an_owner_cannot_remove_the_last_passkey(client, alice):
    client.force_login(alice)
    register(client)
    passkey = WebAuthnCredential.objects.get(user=alice)
    page = client.post(
        reverse("accounts:passkey_remove"), {"passkey": passkey.pk}, follow=True
    ).content.decode()
    assert "Your role requires two-factor authentication: add another passkey" in page
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    # With a second one, the first may go.
    register(client, "Spare")
    client.post(reverse("accounts:passkey_remove"), {"passkey": passkey.pk})
    assert list(WebAuthnCredential.objects.filter(user=alice).values_list("name", flat=True)) == [
        "Spare"
    ]


def test_nobody_renames_or_removes_another_users_passkey(client, alice, bob):
    client.force_login(alice)
    register(client, "Alice's")
    passkey = WebAuthnCredential.objects.get(user=alice)
    client.post(reverse("accounts:logout"))
    client.force_login(bob)
    renamed = client.post(reverse("accounts:passkey_name"), {"passkey": passkey.pk, "name": "x"})
    assert "This passkey does not exist (any more)." in renamed.content.decode()
    removed = client.post(reverse("accounts:passkey_remove"), {"passkey": passkey.pk}, follow=True)
    assert "This passkey does not exist (any more)." in removed.content.decode()
    passkey.refresh_from_db()
    assert passkey.name == "Alice's"


def test_turning_two_factor_off_removes_passkeys_too(client, bob):
    client.force_login(bob)
    register(client)
    client.post(reverse("accounts:two_factor_disable"))
    assert not WebAuthnCredential.objects.filter(user=bob).exists()


def test_without_a_passkey_capable_site_url_nothing_offers_them(client, settings, bob, alice):
    settings.PASSKEYS_ENABLED = False
    client.force_login(bob)
    assert "Add a passkey" not in client.get(reverse("accounts:security")).content.decode()
    assert api(client, "credential-registration-begin").status_code == 404
    client.force_login(alice)
    setup = client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert "Or use a passkey" not in setup


def test_the_operator_finds_and_removes_passkeys_in_the_administration_site(client, bob):
    client.force_login(bob)
    register(client, "Lost phone")
    operator = make_superuser()
    device = TOTPDevice.objects.create(user=operator, name="authenticator", confirmed=True)
    client.force_login(operator)
    session = client.session  # the operator's code given, as on the code page
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    listing = client.get(reverse("admin:django_otp_webauthn_webauthncredential_changelist"))
    assert "Lost phone" in listing.content.decode()
    passkey = WebAuthnCredential.objects.get(user=bob)
    client.post(
        reverse("admin:django_otp_webauthn_webauthncredential_delete", args=[passkey.pk]),
        {"post": "yes"},
    )
    assert not WebAuthnCredential.objects.filter(user=bob).exists()


def test_the_passkey_scripts_messages_are_in_japanese(client):
    """The library's scripts ask `gettext` for their status messages; its catalogue has no
    Japanese, ours (locale/ja/LC_MESSAGES/djangojs.po) has every one of them."""
    scripts = Path(django_otp_webauthn.__file__).parent / "static" / "django_otp_webauthn"
    used = {
        message
        for script in scripts.glob("*.js")
        for message in re.findall(r'gettext\("([^"]+)"\)', script.read_text())
    }
    assert len(used) > 20
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/ja/LC_MESSAGES/djangojs.po"))
    translated = {entry.msgid for entry in catalogue.translated_entries()}
    assert used <= translated, sorted(used - translated)

    client.cookies["django_language"] = "ja"
    served = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert json.dumps("登録できました。") in served  # the catalogue escapes non-ASCII
