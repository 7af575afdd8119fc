"""Fixtures: settings every test runs with, the small world of hrdd/testing/world.py by name,
a real SMTP server and a real browser.

Organisation A (Northwind): alice (owner), bob (viewer). Organisation B (Kansai): carol.
The operator organisation: olivia. Campaigns are pinned to the built-in crisis questionnaire.
Builders live in hrdd.testing; test modules import them from there, not from here.
"""

import pytest

from hrdd.organisations.models import Membership
from hrdd.testing import world


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests make users by the thousand and log them in: with the production hasher
    (PBKDF2, 1,000,000 iterations, about 0.3-0.8 s a password on a busy core) that alone
    was minutes of every run. Django's documentation advises a fast hasher for tests; MD5
    is used here and nowhere else (config/settings.py keeps Django's default)."""
    from django.conf import settings
    from django.contrib.auth import hashers

    saved = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = saved
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    # Tests work with a few responses: the first release comes at k (5) instead of the
    # production default of 100 (test_releases checks the default schedule itself).
    settings.PRIVACY_FIRST_RELEASE = 5


@pytest.fixture(autouse=True)
def _two_factor_optional(settings):
    """Most tests are about something else and log owners in with `client.login`, which
    skips the login pages and so the second factor. The rules of two-factor authentication
    have their own tests, which turn it back on (hrdd/accounts/tests/test_two_factor.py)."""
    settings.TWO_FACTOR_REQUIRED = False


@pytest.fixture(autouse=True)
def _login_with_a_request(monkeypatch):
    """`client.login(email=..., password=...)` authenticates without a request, which
    django-axes refuses (it counts failures per address). Give it one, from the test
    client's usual address, so that logins in tests pass through the same throttling."""
    from django.test import Client, RequestFactory

    login = Client.login

    def login_with_request(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/accounts/login/"))
        return login(self, **credentials)

    monkeypatch.setattr(Client, "login", login_with_request)


@pytest.fixture(autouse=True)
def _fresh_cache(settings, request):
    """A new, empty cache for every test, so rate-limit counters never carry over.

    The database cache's table is not emptied between tests that commit (live servers),
    and counters from one test would limit the next; the tests of the database cache
    itself use it explicitly (hrdd/core/tests/test_rate_limits.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture
def crisis_version(db):
    return world.crisis_version()


@pytest.fixture
def operator_org(db):
    return world.operator_organisation()


@pytest.fixture
def olivia(operator_org):
    return world.member(
        operator_org, "olivia@alliance.example", Membership.Role.OWNER, full_name="Olivia"
    )


@pytest.fixture
def org_a(db):
    return world.organisation_a()


@pytest.fixture
def org_b(db):
    return world.organisation_b()


@pytest.fixture
def alice(org_a):
    return world.member(org_a, "alice@a.example", Membership.Role.OWNER, full_name="Alice")


@pytest.fixture
def bob(org_a):
    return world.member(org_a, "bob@a.example", Membership.Role.VIEWER, full_name="Bob")


@pytest.fixture
def carol(org_b):
    return world.member(org_b, "carol@b.example", Membership.Role.OWNER, full_name="Carol")


@pytest.fixture
def make_campaign(crisis_version):
    """world.crisis_campaign: make(organisation, name=..., opens_in_days=..., days=...)."""

    def make(organisation, **options):
        return world.crisis_campaign(organisation, version=crisis_version, **options)

    return make


@pytest.fixture
def campaign_a(org_a, make_campaign):
    return make_campaign(org_a)


@pytest.fixture
def campaign_b(org_b, make_campaign):
    return make_campaign(org_b, name="Kansai crisis")


@pytest.fixture
def disclosed(org_a, crisis_version):
    """A disclosed campaign of organisation A, which is on the paid plan."""
    return world.disclosed_campaign(org_a, crisis_version)


@pytest.fixture
def suppliers(org_a):
    """Organisation A's three suppliers (world.three_suppliers)."""
    return world.three_suppliers(org_a)


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1, configured as the platform's mail server, not started
    (tests start and stop it to play an outage)."""
    from hrdd.notifications.testing import SMTPServer, configure

    server = SMTPServer()
    configure(settings, server)
    yield server
    server.stop()


@pytest.fixture
def smtp_running(smtp):
    smtp.start()
    return smtp


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the tests only touch
    # the database between browser steps, never concurrently.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
