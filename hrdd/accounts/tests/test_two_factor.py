"""Two-factor authentication: required for operator staff and owners (guided to set it up
before anything else), optional for other roles; a code from an authenticator app (TOTP) or a
single-use recovery code at login."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hrdd.accounts import services
from hrdd.testing.world import PASSWORD, make_superuser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_of(device: TOTPDevice, at=None) -> str:
    """The six digits an authenticator app would show now for `device`."""
    return f"{_totp_at(device, at or timezone.now()):06d}"


def _totp_at(device: TOTPDevice, moment) -> int:
    with time_machine.travel(moment, tick=False):
        return totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An authenticator and recovery codes, as the setup page leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, services.recovery_codes_renew(user=user)


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def test_an_owner_without_two_factor_is_guided_to_set_it_up_before_buyer_pages(
    client, alice, campaign_a
):
    page = log_in(client, alice)
    # Logged in, but every buyer page leads to the setup first.
    for url in [
        reverse("campaigns:dashboard"),
        reverse("campaigns:detail", args=[campaign_a.pk]),
        reverse("reports:summary", args=[campaign_a.pk]),
    ]:
        page = client.get(url)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("accounts:two_factor_setup"))
    setup = client.get(page["Location"])
    text = setup.content.decode()
    assert "Your role (program operator staff or organisation owner) requires" in text
    assert "<svg" in text  # the QR code

    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    # The key shown for typing is the device's own.
    key = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', text).group(1)
    assert key.replace(" ", "") in device.config_url

    wrong = client.post(setup.request["PATH_INFO"], {"code": "000000"})
    assert "This code does not match" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        done = client.post(
            reverse("accounts:two_factor_setup") + "?next=/campaigns/",
            {"code": code_of(device)},
        )
        assert done.status_code == 302
        codes_page = client.get(done["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert 'href="/campaigns/"' in codes_page.content.decode()
    # Shown once only.
    assert client.get(done["Location"]).status_code == 302
    assert client.get(reverse("campaigns:dashboard")).status_code == 200


def test_the_operator_without_two_factor_is_guided_to_set_it_up(client, olivia):
    log_in(client, olivia)
    page = client.get(reverse("organisations:operator_applications"))
    assert page["Location"].startswith(reverse("accounts:two_factor_setup"))


def test_a_viewer_may_go_without_two_factor(client, bob):
    log_in(client, bob)
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    security = client.get(reverse("accounts:security")).content.decode()
    assert "Off: your password alone opens your account." in security


def test_login_with_an_authenticator_code(client, alice):
    device, _codes = enrol(alice)
    page = log_in(client, alice)
    assert page["Location"] == reverse("accounts:login_code")
    # The password alone does not log in.
    assert client.get(reverse("campaigns:dashboard"))["Location"].startswith(
        reverse("accounts:login")
    )
    form = client.get(page["Location"]).content.decode()
    assert "Enter your code" in form
    done = client.post(page["Location"], {"code": code_of(device)})
    assert done.status_code == 302
    assert client.get(reverse("campaigns:dashboard")).status_code == 200


def test_a_wrong_code_is_refused_and_makes_the_next_try_wait(client, alice):
    device, _codes = enrol(alice)
    page = log_in(client, alice)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        wrong = client.post(page["Location"], {"code": "123456"})
        assert "This code is not right." in wrong.content.decode()
        # Right away even the right code waits: guessing a million codes is out of reach.
        hurried = client.post(page["Location"], {"code": code_of(device)})
        assert "Too many wrong codes." in hurried.content.decode()
    assert client.get(reverse("campaigns:dashboard")).status_code == 302
    with time_machine.travel(now + timedelta(seconds=3), tick=False):
        assert client.post(page["Location"], {"code": code_of(device)}).status_code == 302
        assert client.get(reverse("campaigns:dashboard")).status_code == 200


def test_a_recovery_code_works_once(client, alice):
    _device, codes = enrol(alice)
    page = log_in(client, alice)
    done = client.post(page["Location"], {"code": codes[0].upper()}, follow=True)
    assert "You logged in with a recovery code; it cannot be used again. 9 codes left" in (
        done.content.decode()
    )
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))

    page = log_in(client, alice)
    again = client.post(page["Location"], {"code": codes[0]})
    assert "This code is not right." in again.content.decode()
    assert client.get(reverse("campaigns:dashboard")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, alice):
    device, old = enrol(alice)
    log_in(client, alice)
    client.post(reverse("accounts:login_code"), {"code": code_of(device)})
    shown = client.post(reverse("accounts:recovery_codes_renew"), follow=True).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(new) == 10 and not set(new) & set(old)
    client.post(reverse("accounts:logout"))
    page = log_in(client, alice)
    assert "This code is not right." in (
        client.post(page["Location"], {"code": old[1]}).content.decode()
    )
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        assert client.post(page["Location"], {"code": new[1]}).status_code == 302


def test_a_login_through_the_administration_site_still_asks_for_the_code(client):
    staff = make_superuser()
    device, _codes = enrol(staff)
    client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": staff.email, "password": PASSWORD, "next": "/admin/"},
    )
    page = client.get("/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login_code"))
    client.post(page["Location"], {"code": code_of(device)})
    assert client.get("/admin/").status_code == 200


def test_an_owner_cannot_turn_two_factor_off_a_viewer_can(client, alice, bob):
    device, _codes = enrol(alice)
    log_in(client, alice)
    client.post(reverse("accounts:login_code"), {"code": code_of(device)})
    refused = client.post(reverse("accounts:two_factor_disable"), follow=True)
    assert "Your role requires two-factor authentication" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=alice).exists()

    other = type(client)()
    viewer_device, _codes = enrol(bob)
    log_in(other, bob)
    other.post(reverse("accounts:login_code"), {"code": code_of(viewer_device)})
    other.post(reverse("accounts:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=bob).exists()


def test_the_setup_page_in_japanese(client, alice):
    log_in(client, alice)
    page = client.get(reverse("accounts:two_factor_setup"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "2段階認証を設定" in page.content.decode()
