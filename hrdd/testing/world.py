"""The small world every test starts from: the one place tests build data.

Like the base test case of healthchecks, one module says what the world is made of, and tests
ask for it by name (the fixtures in conftest.py call these builders):

- the operator organisation, Alliance: olivia (owner);
- organisation A, Northwind (a buyer in apparel): alice (owner), bob (viewer);
- organisation B, Kansai (a buyer in food): carol (owner);
- campaigns pinned to the built-in crisis questionnaire (`crisis_campaign`), or to a
  definition a test publishes (`campaign_on`);
- Northwind's three suppliers, the personal links sent to them and what their mailboxes get;
- responses started, answered and submitted through the services or the supplier's pages;
- background tasks run with the real database worker.

Everything goes through the application's services, so what a test builds is what the
application could have made. Test modules import from here (or use conftest's fixtures),
never from another test module.
"""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.invitations import sending
from hrdd.invitations.services import campaign_invite
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import email_build, email_queue_many
from hrdd.organisations.models import Membership, Organisation
from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.reports.services import report_release_if_due
from hrdd.responses.models import Response
from hrdd.responses.services import response_save_draft, response_start, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.suppliers.services import supplier_create

PASSWORD = "a-long-test-password-1"  # noqa: S105 - test accounts only

# --- Users and organisations ----------------------------------------------------------------


def make_user(email: str, **extra) -> User:
    """A user who can log in with PASSWORD."""
    return User.objects.create_user(email=email, password=PASSWORD, **extra)


def make_superuser(email: str = "root@alliance.example") -> User:
    """A Django superuser (staff), who may open the admin site."""
    return make_user(email, is_staff=True, is_superuser=True)


def member(organisation: Organisation, email: str, role: str, **extra) -> User:
    """A new user with `role` in `organisation`."""
    user = make_user(email, **extra)
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def operator_organisation() -> Organisation:
    """The operator that runs the platform (Alliance)."""
    return Organisation.objects.create(kind=Organisation.Kind.OPERATOR, name="Alliance")


def organisation_a() -> Organisation:
    """Organisation A, a buyer in apparel (Northwind)."""
    return Organisation.objects.create(name="Northwind", country="JP", industry="apparel")


def organisation_b() -> Organisation:
    """Organisation B, a buyer in food (Kansai): the other tenant."""
    return Organisation.objects.create(name="Kansai", country="JP", industry="food")


def login(client: Client, user: User) -> Client:
    """The test client logged in as `user` with its password (as a person would)."""
    assert client.login(email=user.email, password=PASSWORD)
    return client


# --- Questionnaires and campaigns -----------------------------------------------------------


def crisis_version() -> QuestionnaireVersion:
    """The built-in crisis questionnaire's latest version (published by a migration)."""
    return Questionnaire.objects.get(code="crisis-impact").latest_version()


def crisis_campaign(
    organisation: Organisation,
    *,
    version: QuestionnaireVersion | None = None,
    name: str = "Crisis 2026",
    opens_in_days: int = -1,
    days: int = 30,
    languages: list[str] | None = None,
) -> Campaign:
    """A confidential campaign of `organisation` on the crisis questionnaire, open since
    yesterday for 30 days unless told otherwise."""
    opens_at = timezone.now() + timedelta(days=opens_in_days)
    return campaign_create(
        organisation=organisation,
        questionnaire_version=version or crisis_version(),
        name=name,
        languages=languages or ["en", "ja"],
        by=None,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
    )


def disclosed_campaign(organisation: Organisation, version: QuestionnaireVersion | None = None):
    """A disclosed campaign (suppliers named, with consent); its organisation goes on the
    paid plan, which disclosed campaigns need."""
    organisation.plan = Organisation.Plan.PAID
    organisation.save()
    campaign = crisis_campaign(organisation, version=version, name="Disclosed 2026")
    campaign.mode = Campaign.Mode.DISCLOSED
    campaign.save()
    return campaign


def campaign_on(
    data: dict,
    organisation: Organisation,
    *,
    name: str,
    languages: list[str],
    min_responses: int | None = None,
) -> Campaign:
    """Publish a questionnaire definition and open a campaign of `organisation` on it
    (since yesterday, for the default 30 days)."""
    campaign = campaign_create(
        organisation=organisation,
        questionnaire_version=questionnaire_publish(data=data),
        name=name,
        languages=languages,
        by=None,
        opens_at=timezone.now() - timedelta(days=1),
    )
    if min_responses is not None:
        campaign.min_responses = min_responses
        campaign.save(update_fields=["min_responses"])
    return campaign


# --- Suppliers and personal links -----------------------------------------------------------


def three_suppliers(organisation: Organisation) -> list[Supplier]:
    """Lan of Hanoi Garments (writes Vietnamese), Sato of Kansai Parts (Japanese) and
    Bangkok Seafood (Thai, no contact name, no industry or size)."""
    return [
        Supplier.objects.create(
            organisation=organisation,
            name="Hanoi Garments",
            country="VN",
            industry="apparel",
            size_band="250-999",
            contact_name="Ms Lan",
            email="lan@hanoi-garments.example",
            language="vi",
        ),
        Supplier.objects.create(
            organisation=organisation,
            name="Kansai Parts",
            country="JP",
            industry="automotive",
            size_band="50-249",
            contact_name="Sato",
            email="sato@kansai-parts.example",
            language="ja",
        ),
        Supplier.objects.create(
            organisation=organisation,
            name="Bangkok Seafood",
            country="TH",
            email="office@bkk-seafood.example",
            language="th",
        ),
    ]


def invite_with_known_tokens(campaign: Campaign, **kwargs) -> list[str]:
    """Send the campaign's personal links (campaign_invite) with the tokens T0, T1, ... in
    the order the invitations are made, so a test can open a link without reading mail."""
    tokens: list[str] = []
    with mock.patch.object(
        sending, "new_token", side_effect=lambda: tokens.append(f"T{len(tokens)}") or tokens[-1]
    ):
        campaign_invite(campaign=campaign, **kwargs)
    return tokens


LINK = re.compile(r"/i/([0-9A-Z-]+)/")
OPT_OUT = re.compile(r"/o/([^/\s\"]+)/")


def deliver(django_capture_on_commit_callbacks, action):
    """Do `action` (which queues e-mails on commit), then deliver them with the worker."""
    with django_capture_on_commit_callbacks(execute=True):
        result = action()
    run_tasks()
    return result


def received_by(smtp, address: str) -> list:
    """What the test SMTP server received for `address`, in order."""
    return [r for r in smtp.received if address in r.rcpt_tos]


def body(received) -> str:
    """The plain-text body of a received e-mail."""
    return received.message.get_body(preferencelist=("plain",)).get_content()


def token_of(received) -> str:
    """The personal-link token in a received invitation or reminder."""
    return LINK.search(body(received)).group(1)


# --- Responses ------------------------------------------------------------------------------

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


def submit_response(campaign: Campaign, answers=None, language="en", **start) -> Response:
    """Submit one response through the services (the web flow is tested separately).

    `start`: more arguments of response_start, e.g. the supplier country, industry and size
    a personal link brings from the buyer's supplier list."""
    response, _code = response_start(campaign=campaign, language=language, **start)
    response = response_save_draft(response=response, answers=dict(answers or VALID_ANSWERS))
    response, _created = response_submit(response=response)
    return response


def submit_disclosed(campaign: Campaign, name: str, answers=None) -> Response:
    """Submit one response to a disclosed campaign, the supplier named and consenting."""
    response, _code = response_start(
        campaign=campaign, language="en", supplier_name=name, supplier_country="VN", consent=True
    )
    response = response_save_draft(response=response, answers=dict(answers or VALID_ANSWERS))
    return response_submit(response=response)[0]


def release_sixty(campaign: Campaign) -> Campaign:
    """Sixty responses, released: single-choice questions shown with their margins, the
    multiple-choice ones still too uncertain."""
    for i in range(60):
        answers = dict(VALID_ANSWERS)
        answers["q01_business_impact"] = "down_10_to_29" if i < 30 else "about_same"
        answers["q03_health_safety_measures"] = ["risk_assessment"] + (
            ["free_masks_hygiene"] if i < 12 else []
        )
        submit_response(campaign, answers)
    assert report_release_if_due(campaign_id=campaign.pk) is not None
    return campaign


def start_answering(client: Client, campaign: Campaign, language: str | None = None) -> str:
    """Press Start on the campaign's landing page (in `language`, if given, chosen with the
    language buttons first); return the URL of the answer pages."""
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    started = client.post(campaign.response_path(), {"action": "start"})
    assert started.status_code == 302, started.content.decode()[:500]
    code = re.search(r"/a/([0-9A-Z-]+)/", started["Location"]).group(1)
    url = f"{campaign.response_path()}a/{code}/"
    assert started["Location"].startswith(url)
    return url


def post_page(client: Client, page_url: str, answers: dict, action: str = "save"):
    """Post a page as the browser does: with the revision read from the page's hidden input
    (the bare answer URL is page 1 here; on the site it continues where the supplier
    stopped)."""
    page = page_url if "/p/" in page_url else f"{page_url}p/1/"
    html = client.get(page).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    return client.post(page_url, {"revision": revision, "action": action, **answers})


def field_html(html: str, name: str) -> str:
    """The HTML of one field of an answer page: its label, input and errors."""
    start_at = html.index(f'id="field-{name}"')
    end = html.find('<div class="field', start_at)
    return html[start_at : end if end > 0 else None]


def answer_everything(client: Client, campaign: Campaign) -> None:
    """Landing page, Start, every page with Next (VALID_ANSWERS), then Submit, and the
    receipt, with `client`."""
    landing = campaign.response_path()
    assert client.get(landing).status_code == 200
    started = client.post(landing, {"action": "start"})
    url = started["Location"].split("?")[0]
    page = url
    while True:
        text = client.get(page).content.decode()
        last = 'value="submit"' in text
        data = {**VALID_ANSWERS, "action": "submit" if last else "next"}
        for name, value in re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', text):
            data.setdefault(name, value)
        result = client.post(page, data)
        assert result.status_code == 302, result.content.decode()[:500]
        page = result["Location"]
        if last:
            break
    assert client.get(page).status_code == 200  # the receipt


def answer_as_supplier(path: str, answers: dict, language: str = "en") -> None:
    """A respondent answers through a public response URL (its path), page by page as a
    browser would: Next until the last page, then Submit, landing on the receipt."""
    supplier = Client()
    supplier.post("/i18n/setlang/", {"language": language, "next": "/"})
    started = supplier.post(path, {"action": "start"})
    assert started.status_code == 302, started.content.decode()[:500]
    answer_pages(supplier, started["Location"].split("?")[0], answers)


def answer_pages(client, page_url: str, answers: dict):
    """From the answer page `page_url` on, as a browser would: each page posted with its
    revision and `answers`, Next until the last page, then Submit. Returns Submit's redirect
    to the receipt."""
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


# --- Background work and the outbox ---------------------------------------------------------


def run_tasks() -> None:
    """Run every queued background task with the real database worker, then return.

    The worker records a failing task instead of raising; a test must not pass over one.
    Like Django's test client does for requests, the worker is kept from closing the
    database connection, which would end the test's transaction on PostgreSQL.
    """
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command(
            "db_worker", batch=True, queue_name="*", startup_delay=False, reload=False, verbosity=0
        )
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert not failed.exists(), [(t.task_path, t.traceback) for t in failed]


def queue_many(campaign: Campaign, n: int) -> list[OutboundEmail]:
    """`n` resume-link e-mails of `campaign` queued in bulk, as invitations are
    (supplier0@factory.example, ...); the outbox starts once the transaction commits."""
    return email_queue_many(
        [
            email_build(
                to=f"supplier{i}@factory.example",
                template="resume_link",
                context={
                    "campaign": {
                        "organisation": {"name": "Northwind"},
                        "public_slug": campaign.public_slug,
                    },
                    "code": f"C{i}",
                },
                language="en",
                campaign=campaign,
            )
            for i in range(n)
        ]
    )


class Killed(BaseException):
    """The worker's process ends (a BaseException: no handler of the worker catches it)."""


def deliver_killed_at_the_commit_point() -> None:
    """A run of the outbox killed when it would record its first message as sent, which is
    just before the final "." of DATA (its watchdog is already scheduled)."""
    from hrdd.notifications import outbox
    from hrdd.notifications.tasks import deliver_outbox

    with mock.patch.object(outbox, "_record_sent", side_effect=Killed), pytest.raises(Killed):
        deliver_outbox.call()


def supplier(org, name, **fields):
    """One supplier of `org`'s list (in Viet Nam unless `country` is given), its address made
    from its name."""
    return supplier_create(
        organisation=org,
        name=name,
        country=fields.pop("country", "VN"),
        email=f"{name.lower().replace(' ', '.')}@example.com",
        **fields,
    )
