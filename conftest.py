"""The small world every test starts from, and helpers that use the real components.

Organisation A (Northwind): alice (owner), bob (viewer). Organisation B (Kansai): carol.
The operator organisation: olivia. Campaigns are pinned to the built-in crisis questionnaire.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.organisations.models import Membership, Organisation
from hrdd.questionnaires.models import Questionnaire
from hrdd.responses.services import response_save_draft, response_start, response_submit

PASSWORD = "a-long-test-password-1"  # noqa: S105 - test accounts only


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


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


@pytest.fixture
def crisis_version(db):
    return Questionnaire.objects.get(code="crisis-impact").latest_version()


@pytest.fixture
def operator_org(db):
    return Organisation.objects.create(kind=Organisation.Kind.OPERATOR, name="Alliance")


@pytest.fixture
def olivia(operator_org):
    user = make_user("olivia@alliance.example", full_name="Olivia")
    Membership.objects.create(organisation=operator_org, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def org_a(db):
    return Organisation.objects.create(name="Northwind", country="JP", industry="apparel")


@pytest.fixture
def org_b(db):
    return Organisation.objects.create(name="Kansai", country="JP", industry="food")


@pytest.fixture
def alice(org_a):
    user = make_user("alice@a.example", full_name="Alice")
    Membership.objects.create(organisation=org_a, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def bob(org_a):
    user = make_user("bob@a.example", full_name="Bob")
    Membership.objects.create(organisation=org_a, user=user, role=Membership.Role.VIEWER)
    return user


@pytest.fixture
def carol(org_b):
    user = make_user("carol@b.example", full_name="Carol")
    Membership.objects.create(organisation=org_b, user=user, role=Membership.Role.OWNER)
    return user


@pytest.fixture
def make_campaign(crisis_version):
    def make(organisation, *, name="Crisis 2026", opens_in_days=-1, days=30, **extra):
        opens_at = timezone.now() + timedelta(days=opens_in_days)
        return campaign_create(
            organisation=organisation,
            questionnaire_version=crisis_version,
            name=name,
            languages=extra.pop("languages", ["en", "ja"]),
            by=None,
            opens_at=opens_at,
            closes_at=opens_at + timedelta(days=days),
        )

    return make


def campaign_on(data: dict, organisation, *, name: str, languages: list[str]):
    """Publish a questionnaire definition and open a campaign of `organisation` on it."""
    from hrdd.questionnaires.services import questionnaire_publish

    return campaign_create(
        organisation=organisation,
        questionnaire_version=questionnaire_publish(data=data),
        name=name,
        languages=languages,
        by=None,
        opens_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def campaign_a(org_a, make_campaign):
    return make_campaign(org_a)


@pytest.fixture
def campaign_b(org_b, make_campaign):
    return make_campaign(org_b, name="Kansai crisis")


# A complete, valid set of answers to the crisis questionnaire.
VALID_ANSWERS = {
    "q01_business_impact": "down_10_to_29",
    "q02_operational_status": "reduced",
    "q03_health_safety_measures": ["risk_assessment", "free_masks_hygiene"],
    "q04_wages_paid": "full_on_time",
    "q05_working_hours": "up_to_48",
    "q06_freedom_to_leave": "free",
    "q07_collective_voice": "union_consulted",
    "q08_equal_treatment": "same_rules",
    "q09_health_data_privacy": "confidential",
    "q10_support_needed": ["stable_orders"],
    "q11_comments": "Mr Sato in line 3 was injured.",
}


def submit_response(campaign, answers=None, language="en", **start):
    """Submit one response through the services (the web flow is tested separately).

    `start`: more arguments of response_start, e.g. the supplier country, industry and size
    a personal link brings from the buyer's supplier list."""
    response, _code = response_start(campaign=campaign, language=language, **start)
    response = response_save_draft(response=response, answers=dict(answers or VALID_ANSWERS))
    response, _created = response_submit(response=response)
    return response


@pytest.fixture
def disclosed(org_a, make_campaign):
    """A disclosed campaign of organisation A, which is on the paid plan."""
    org_a.plan = Organisation.Plan.PAID
    org_a.save()
    campaign = make_campaign(org_a, name="Disclosed 2026")
    campaign.mode = Campaign.Mode.DISCLOSED
    campaign.save()
    return campaign


def submit_disclosed(campaign, name, answers=None):
    """Submit one response to a disclosed campaign, the supplier named and consenting."""
    response, _code = response_start(
        campaign=campaign, language="en", supplier_name=name, supplier_country="VN", consent=True
    )
    response = response_save_draft(response=response, answers=dict(answers or VALID_ANSWERS))
    return response_submit(response=response)[0]


def answer_as_supplier(path: str, answers: dict, language: str = "en") -> None:
    """A respondent answers through a public response URL (its path), page by page as a
    browser would: Next until the last page, then Submit, landing on the receipt."""
    from django.test import Client

    supplier = Client()
    supplier.post("/i18n/setlang/", {"language": language, "next": "/"})
    started = supplier.post(path, {"action": "start"})
    assert started.status_code == 302, started.content.decode()[:500]
    answer_pages(supplier, started["Location"].split("?")[0], answers)


def answer_pages(client, page_url: str, answers: dict):
    """From the answer page `page_url` on, as a browser would: each page posted with its
    revision and `answers`, Next until the last page, then Submit. Returns Submit's redirect
    to the receipt."""
    import re

    while True:
        text = client.get(page_url).content.decode()
        revision = re.search(r'name="revision" value="(\d+)"', text).group(1)
        action = "submit" if 'value="submit"' in text else "next"
        done = client.post(page_url, {"revision": revision, "action": action, **answers})
        assert done.status_code == 302, done.content.decode()[:2000]
        if action == "submit":
            assert done["Location"].endswith("/receipt/"), done
            return done
        page_url = done["Location"]


def run_tasks() -> None:
    """Run every queued background task with the real database worker, then return.

    The worker records a failing task instead of raising; a test must not pass over one.
    Like Django's test client does for requests, the worker is kept from closing the
    database connection, which would end the test's transaction on PostgreSQL.
    """
    from django_tasks_db.models import DBTaskResult

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command(
            "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
        )
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert not failed.exists(), [(t.task_path, t.traceback) for t in failed]


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
