"""The small world every test starts from: the one place tests build data.

Like the base test case of healthchecks, one module says what the world is made of, and tests
ask for it by name (the fixtures in conftest.py call these builders):

- the operator organisation, Alliance: olivia (owner);
- organisation A, Northwind (a buyer in apparel): alice (owner), bob (viewer);
- organisation B, Kansai (a buyer in food): carol (owner);
- campaigns pinned to the built-in crisis questionnaire (`crisis_campaign`), or to a
  definition a test publishes (`campaign_on`);
- Northwind's three suppliers, the personal links sent to them and what their mailboxes get;
- requests that a supplier name its own suppliers, and what it names;
- findings at a supplier and the corrective action plans asked for them;
- impact-assessment projects, their interviews (with consent) and findings;
- responses started, answered and submitted through the services or the supplier's pages;
- background tasks run with the real database worker.

Everything goes through the application's services, so what a test builds is what the
application could have made. Test modules import from here (or use conftest's fixtures),
never from another test module.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.accounts.models import User
from hrdd.api.models import Scope
from hrdd.api.services import token_create
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_create
from hrdd.impact import consent as impact_consent
from hrdd.impact import services as impact
from hrdd.impact.models import Finding as ImpactFinding
from hrdd.impact.models import Interview, Project
from hrdd.invitations import sending
from hrdd.invitations.services import campaign_invite
from hrdd.namings import services as namings
from hrdd.namings.models import SupplierNamingRequest
from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.services import email_build, email_queue_many
from hrdd.organisations.models import Membership, Organisation
from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.remediation import sending as remediation_sending
from hrdd.remediation import services as remediation
from hrdd.remediation.models import CorrectiveActionPlan, Finding
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


def invite_with_known_tokens(campaign: Campaign, prefix: str = "T", **kwargs) -> list[str]:
    """Send the campaign's personal links (campaign_invite) with the tokens T0, T1, ... (or
    another `prefix`, for a second campaign) in the order the invitations are made, so a
    test can open a link without reading mail."""
    tokens: list[str] = []
    with mock.patch.object(
        sending,
        "new_token",
        side_effect=lambda: tokens.append(f"{prefix}{len(tokens)}") or tokens[-1],
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


# --- Suppliers named by a supplier ----------------------------------------------------------

NAMING_LINK = re.compile(r"/n/([0-9A-Z-]+)/")


def ask_to_name(supplier: Supplier, by: User | None = None, token: str = "N0") -> tuple:  # noqa: S107
    """Ask `supplier` to name its own suppliers, with a known link token: (request, token)."""
    with mock.patch.object(namings, "new_token", return_value=token):
        naming = namings.naming_request_send(supplier=supplier, by=by)
    return naming, token


def named(naming: SupplierNamingRequest, *rows: dict) -> SupplierNamingRequest:
    """The supplier sends `rows` ({"name", "country"} and optionally "email", "goods",
    "region") as its suppliers."""
    full = [{"email": "", "goods": "", "region": "", **row} for row in rows]
    assert namings.naming_request_submit(naming=naming, rows=full)
    return naming


# --- Findings and corrective action plans ---------------------------------------------------

CAP_LINK = re.compile(r"/c/([0-9A-Z-]+)/")


def finding_at(supplier: Supplier, by: User | None = None, **fields) -> Finding:
    """A major health-and-safety finding the buyer observed at `supplier` yesterday."""
    values = {
        "source": Finding.Source.OBSERVATION,
        "topic": "health_safety",
        "severity": Finding.Severity.MAJOR,
        "title": "Blocked fire exit",
        "evidence": "The fire exit of line 2 was locked during the visit.",
        "observed_on": timezone.localdate() - timedelta(days=1),
        **fields,
    }
    return remediation.finding_create(
        organisation=supplier.organisation, supplier=supplier, by=by, **values
    )


def cap_opened(finding: Finding, by: User | None = None, token: str = "C0") -> tuple:  # noqa: S107
    """Ask the supplier for a plan, with a known link token: (plan, token)."""
    with mock.patch.object(remediation_sending, "new_token", return_value=token):
        cap = remediation.cap_open(finding=finding, by=by)
    return cap, token


def cap_proposed(cap: CorrectiveActionPlan, days: int = 10) -> CorrectiveActionPlan:
    """The supplier proposes a root cause and two actions due in `days` days."""
    due = timezone.localdate() + timedelta(days=days)
    remediation.cap_propose(
        cap=cap,
        root_cause="The key was kept by the night guard.",
        actions=[
            {"kind": "corrective", "description": "Unlock the exit", "owner": "Ms Lan",
             "due_on": due},
            {"kind": "preventive", "description": "Daily exit check", "owner": "Mr Minh",
             "due_on": due},
        ],
    )  # fmt: skip
    return cap


# --- Impact-assessment projects -------------------------------------------------------------


def impact_project(org: Organisation, by: User, **fields) -> Project:
    """An assessment of `org` scoped to Viet Nam's manufacturing (apparel), in draft."""
    return impact.project_create(
        organisation=org,
        by=by,
        title=fields.pop("title", "Viet Nam apparel 2026"),
        countries=fields.pop("countries", ["VN"]),
        sector=fields.pop("sector", "Manufacturing"),
        goods=fields.pop("goods", "Garments"),
        method=fields.pop("method", "Desk research, then site visits and interviews."),
        **fields,
    )


def impact_interview(project: Project, by: User, language: str = "en", **fields) -> Interview:
    """An interview recorded with the consent text of `language` as shown to the interviewer
    (consent to be interviewed; nothing else unless given)."""
    text = impact_consent.consent_text(language=language, buyer=project.organisation.name)
    return impact.interview_record(
        project=project,
        by=by,
        group=fields.pop("group", "worker"),
        language=language,
        taken_on=fields.pop("taken_on", timezone.localdate()),
        consent_sha256=impact_consent.consent_hash(text),
        consent_to_interview=fields.pop("consent_to_interview", True),
        **fields,
    )


def impact_finding(
    project: Project, by: User, title: str, *ratings: int, **fields
) -> ImpactFinding:
    """A finding rated (scale, scope, irremediability, likelihood), forced labour by default."""
    scale, scope, irremediability, likelihood = ratings or (2, 2, 2, 2)
    return impact.finding_add(
        project=project,
        by=by,
        topic=fields.pop("topic", "forced_labour"),
        title=title,
        scale=scale,
        scope=scope,
        irremediability=irremediability,
        likelihood=likelihood,
        **fields,
    )


def impact_note(project: Project, by: User, text: str = "ILO report on the sector"):
    """A desk-research note citing nothing."""
    return impact.desk_note_add(project=project, by=by, text=text)


def impact_recommendation(project: Project, by: User, text: str = "Return the passports", **fields):
    """A recommendation due in 60 days, owned by the site's manager, meant to become a CAP."""
    return impact.recommendation_add(
        project=project,
        by=by,
        text=text,
        owner=fields.pop("owner", "Site manager"),
        target_date=fields.pop("target_date", timezone.localdate() + timedelta(days=60)),
        to_become_cap=fields.pop("to_become_cap", True),
        **fields,
    )


# --- The buyer's own documents (cycle) --------------------------------------------------------


def policy_document(org: Organisation, by: User | None = None, **fields):
    """A one-page human-rights policy of `org`, adopted on 1 April 2026."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hrdd.cycle.services import document_add

    values = {
        "kind": "policy",
        "title": "Human rights policy 2026",
        "adopted_on": date(2026, 4, 1),
        "upload": SimpleUploadedFile("policy.pdf", b"%PDF-1.7\n%%EOF\n"),
        **fields,
    }
    return document_add(organisation=org, by=by, **values)


def buyers_with_findings(counts: dict[str, dict[str, int]]) -> list[Organisation]:
    """One buyer per key of `counts` ("Buyer 1": {"VN": 3, "KH": 1}), each with one supplier
    per country and that many minor findings there (topic "wages_hours")."""
    made = []
    for name, by_country in counts.items():
        org = Organisation.objects.create(name=name, country="JP", industry="apparel")
        for country, n in by_country.items():
            at = supplier(org, f"{name} {country} Works", country=country)
            for number in range(n):
                finding_at(at, severity="minor", topic="wages_hours", title=f"Overtime {number}")
        made.append(org)
    return made


# --- API keys ---------------------------------------------------------------------------------


def api_key(organisation: Organisation, scopes: list[str] | None = None, **options) -> str:
    """A new API key of `organisation` (every scope unless told), returned as its secret."""
    _token, secret = token_create(
        organisation=organisation,
        name=options.get("name", "ERP"),
        scopes=Scope.values if scopes is None else scopes,
        days=options.get("days", 30),
        by=options.get("by"),
    )
    return secret
