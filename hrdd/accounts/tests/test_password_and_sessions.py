"""Changing one's password, the password rules, and the idle session timeout."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.core.management.commands import demo
from hrdd.testing.world import PASSWORD, make_superuser

pytestmark = pytest.mark.django_db


def test_a_logged_in_user_changes_their_password(client, bob):
    client.force_login(bob)
    assert "Change your password" in client.get(reverse("accounts:security")).content.decode()
    url = reverse("accounts:password_change")
    wrong_old = client.post(
        url,
        {
            "old_password": "not-it",
            "new_password1": "n3w-passphrase!",
            "new_password2": "n3w-passphrase!",
        },
    )
    assert "Your old password was entered incorrectly." in wrong_old.content.decode()
    short = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "short-pw-11", "new_password2": "short-pw-11"},
    )
    assert "It must contain at least 12 characters." in short.content.decode()
    done = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-passphrase!",
            "new_password2": "n3w-passphrase!",
        },
        follow=True,
    )
    assert "Your password is changed." in done.content.decode()
    # Still logged in; the new password opens the account, the old one no longer does.
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    other = type(client)()
    assert not other.login(email=bob.email, password=PASSWORD)
    assert other.login(email=bob.email, password="n3w-passphrase!")


def test_passwords_need_twelve_characters():
    user = User(email="someone@a.example")
    with pytest.raises(Exception, match="at least 12 characters"):
        validate_password("eleven-char", user)
    validate_password("twelve-chars", user)


@pytest.mark.parametrize("email", ["operator@example.org", "alice@northwind.example"])
def test_the_demo_password_meets_the_rules(email):
    validate_password(demo.PASSWORD, User(email=email, full_name="Demo User"))


@pytest.fixture
def staff(db):
    return make_superuser()


def test_an_operator_session_ends_after_30_idle_minutes(client, staff):
    client.force_login(staff)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("admin:index")).status_code == 200
    # Activity keeps the session alive well past 30 minutes in all.
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("admin:index")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=60 + 31), tick=False):
        page = client.get(reverse("admin:index"))
    assert page.status_code == 302
    assert "/login/" in page["Location"]


def test_a_buyer_session_lasts_a_working_day_without_activity(client, alice):
    client.force_login(alice)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("campaigns:dashboard")).status_code == 200
    with time_machine.travel(start + timedelta(hours=7, minutes=50), tick=False):
        assert client.get(reverse("campaigns:dashboard")).status_code == 200
    with time_machine.travel(start + timedelta(hours=16), tick=False):
        assert client.get(reverse("campaigns:dashboard")).status_code == 302


def test_the_idle_timeouts_come_from_the_settings(client, alice, settings):
    settings.SESSION_IDLE_MINUTES_BUYER = 10
    client.force_login(alice)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("campaigns:dashboard")).status_code == 200
    assert "after 10 minutes without activity" in (
        client.get(reverse("accounts:security")).content.decode()
    )
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert client.get(reverse("campaigns:dashboard")).status_code == 302
