"""Password guessing: failed logins are counted per account and per address (django-axes);
past the limit logins stop for a while, the person is told why and until when, and the
operator can unlock sooner."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hrdd.testing.world import PASSWORD, make_superuser

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _log_in(client, email, password, address="127.0.0.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


@pytest.fixture(autouse=True)
def _few_failures(request, settings):
    """Three failures are enough to show the rules (each wrong password costs a hash)."""
    if "25" not in request.node.name:
        settings.AXES_FAILURE_LIMIT = 3


def _logged_in(client) -> bool:
    return client.get(reverse("campaigns:dashboard")).status_code == 200


def test_25_wrong_passwords_then_the_right_one_no_longer_logs_in(client, alice, settings):
    for _attempt in range(25):
        _log_in(client, alice.email, "guess-number-n")
    page = _log_in(client, alice.email, PASSWORD)
    assert page.status_code == 429
    text = page.content.decode()
    assert "Logins paused after too many failed attempts" in text
    assert "There were 10 failed logins for this account or from your network." in text
    assert "You can try again in 30 minutes" in text
    assert "ask the program operator: they can unlock your account" in text
    assert 29 * 60 < int(page["Retry-After"]) <= 30 * 60
    assert not _logged_in(client)


def test_the_pause_ends_by_itself_and_its_end_does_not_move(client, alice):
    for _attempt in range(3):
        _log_in(client, alice.email, "guess-number-n")
    # Guesses during the pause do not make it longer: the time the page gave still holds.
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        later = _log_in(client, alice.email, "another-guess")
        assert later.status_code == 429
        assert "You can try again in 10 minutes" in later.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert _log_in(client, alice.email, PASSWORD).status_code == 302
        assert _logged_in(client)


def test_an_account_is_locked_from_every_address_and_whatever_the_case(client, alice, bob):
    for attempt in range(3):
        # Spread over many addresses and spellings of the address: still one account.
        email = [alice.email.upper(), f" {alice.email} ", alice.email][attempt]
        _log_in(client, email, "guess-number-n", address=f"203.0.113.{attempt}")
    assert _log_in(client, alice.email, PASSWORD, address="198.51.100.7").status_code == 429
    # Another account from those addresses is not affected.
    assert _log_in(client, bob.email, PASSWORD, address="203.0.113.1").status_code == 302


def test_an_address_guessing_many_accounts_is_locked(client, alice, bob):
    for attempt in range(3):
        _log_in(client, f"user{attempt}@a.example", "guess-number-n", address="203.0.113.5")
    assert _log_in(client, bob.email, PASSWORD, address="203.0.113.5").status_code == 429
    # Bob himself, from his own address, is not locked out by someone else's guessing.
    assert _log_in(client, bob.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_behind_a_proxy_the_client_address_counts_not_the_proxy(client, alice, bob, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(3):
        _log_in(
            client,
            f"user{attempt}@a.example",
            "guess-number-n",
            address="10.0.0.1",
            # A forged first entry does not help: the proxy's own entry is the last one.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.5",
        )
    assert (
        _log_in(client, bob.email, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    ).status_code == 429
    # Everyone else behind the same proxy still logs in.
    assert (
        _log_in(client, bob.email, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    ).status_code == 302


def test_the_lockout_page_speaks_the_users_language(client, alice):
    for _attempt in range(3):
        _log_in(client, alice.email, "guess-number-n")
    page = _log_in(client, alice.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="ja")
    assert page.status_code == 429
    text = page.content.decode()
    assert 'lang="ja"' in text
    assert "ログインを一時停止しています" in text


def test_the_operator_sees_and_unlocks_a_locked_account_in_the_administration(client, alice):
    for _attempt in range(3):
        _log_in(client, alice.email, "guess-number-n")
    assert _log_in(client, alice.email, PASSWORD).status_code == 429

    operator = make_superuser()
    admin = type(client)()
    admin.force_login(operator)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert alice.email in listing.content.decode()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert _log_in(client, alice.email, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_operator_unlocks_from_the_command_line(client, alice):
    for _attempt in range(3):
        _log_in(client, alice.email, "guess-number-n")
    assert _log_in(client, alice.email, PASSWORD).status_code == 429
    call_command("axes_reset_username", alice.email, verbosity=0)
    assert _log_in(client, alice.email, PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_typos(client, alice):
    for _round in range(3):
        for _attempt in range(2):
            _log_in(client, alice.email, "typo-number-n")
        assert _log_in(client, alice.email, PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
