"""Logging in and out, and choosing a password from an e-mailed link."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hrdd.testing.world import PASSWORD, run_tasks

pytestmark = pytest.mark.django_db


def test_login_with_email_and_logout(client, alice):
    page = client.post(
        reverse("accounts:login"), {"username": "alice@a.example", "password": PASSWORD}
    )
    assert page.status_code == 302
    assert client.get(reverse("campaigns:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("campaigns:dashboard")).status_code == 302


def test_wrong_password_says_so_and_keeps_the_address(client, alice):
    page = client.post(
        reverse("accounts:login"), {"username": "alice@a.example", "password": "wrong"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Please enter a correct e-mail address and password." in text
    assert 'value="alice@a.example"' in text


def test_forgotten_password_by_emailed_link(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "alice@a.example"})
        # An unknown address gets the same answer and no e-mail.
        client.post(reverse("accounts:password_reset"), {"email": "nobody@a.example"})
    run_tasks()
    assert [m.to for m in mail.outbox] == [["alice@a.example"]]
    link = re.search(r"http://[^/]+(/accounts/password/set/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert "This password is too short." in weak.content.decode()
    done = client.post(
        set_url, {"new_password1": "another-long-pass-9", "new_password2": "another-long-pass-9"}
    )
    assert done.status_code == 302
    assert client.login(email="alice@a.example", password="another-long-pass-9")
    # The link works once.
    again = client.get(link, follow=True)
    assert "not valid any more" in again.content.decode()


def test_a_password_link_expires(client, alice, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "alice@a.example"})
    run_tasks()
    link = re.search(r"http://[^/]+(/accounts/password/set/\S+/)", mail.outbox[0].body).group(1)
    late = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(late):
        page = client.get(link, follow=True)
    text = page.content.decode()
    assert "not valid any more" in text
    assert 'name="new_password1"' not in text
    # Within its time the same kind of link still works.
    assert "Choose a password" in client.get(link, follow=True).content.decode()
