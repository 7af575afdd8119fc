"""No server error for any malformed query parameter or form, on any URL, for anyone.

Every URL pattern is read from the URL configuration (as in test_isolation.py), its
arguments filled with real objects, and Hypothesis sends it query strings and form posts
made of the parameter names the views read plus random ones, with values from plain text
to huge numbers, as an anonymous visitor, a buyer and the operator. A 5xx fails the test
with the request that caused it. Examples are few per URL to keep the suite fast; a failure
Hypothesis finds is printed and reproduces with the same seed.
"""

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hrdd.api.services import token_create
from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation
from hrdd.laws.services import library_load
from hrdd.organisations.models import Application
from hrdd.organisations.services import application_submit, password_setup_path
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import questionnaire_draft_from_version
from hrdd.remediation import services as remediation
from hrdd.reports.services import report_release_if_due
from hrdd.responses.services import response_start
from hrdd.suppliers.models import SupplierImport
from hrdd.suppliers.services import site_create, supplier_create, supplier_link_add
from hrdd.testing.grievances import grievance_case, help_directory
from hrdd.testing.statements import tenant_objects
from hrdd.testing.testfiles import small_png
from hrdd.testing.urls import url_patterns
from hrdd.testing.world import (
    ask_to_name,
    cap_opened,
    finding_at,
    impact_finding,
    impact_interview,
    impact_note,
    impact_project,
    impact_recommendation,
    named,
    policy_document,
    submit_disclosed,
)
from hrdd.webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

# Names the views read (grep request.GET / request.POST), and a few they never do.
PARAMETERS = [
    "action", "page", "language", "lang", "status", "started", "q", "phone", "other",
    "organisation", "industry", "frame", "by", "title", "email", "code", "revision",
    "page_state", "next", "fmt", "reason", "supplier_name", "supplier_country", "consent",
    "file", "csrfmiddlewaretoken", "x", "rows", "row-1-name", "row-1-country", "row-1-email",
    "add_1", "email_1", "step", "severity", "topic", "country", "note", "method", "until",
    "root_cause", "action-1-description", "action-1-due_on", "action_id", "response",
    "add_1", "email_1", "countries", "sites", "sector", "edition", "law_id", "kind", "date",
    "group", "taken_on", "consent_sha256", "consent_to_name", "interviewee_name", "topic",
    "scale", "likelihood", "rationale", "finding", "target_date", "to_become_cap",
    "jurisdiction", "incorporated_in", "sells_in", "imports_into", "listed_in", "turnover",
    "currency", "employees", "year_end_month", "rules", "report", "change_note", "review_by",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1.5",
            "abc",
            "all",
            "submit",
            "next",
            "save",
            "back",
            "approve",
            "reject",
            "ja",
            "xx",
            "[]",
            "{}",
            "../../etc",
            "%00",
            "\x00",
            "9" * 40,
            "１２",
            "²",
        ]
    ),  # fmt: skip
)
FIELDS = st.dictionaries(
    st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=8)),
    st.one_of(VALUES, st.lists(VALUES, max_size=3)),
    max_size=5,
)
ROLES = ["anonymous", "buyer", "operator"]
# Examples per URL (each a GET and a POST as one of the roles). HYPOTHESIS_EXAMPLES=200
# searches much further, outside the everyday suite.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "4"))
# Tried on every URL besides the random examples: every known name at once with one value.
EVERY_NAME = {v: dict.fromkeys(PARAMETERS, v) for v in ["abc", "9" * 40, "-1", "\x00", ""]}


@pytest.fixture
def world(org_a, alice, olivia, disclosed, crisis_version):
    """A real object for every URL argument, the supplier's secrets included."""
    supplier = supplier_create(
        organisation=org_a, name="Saigon Textiles", country="VN", email="lan@saigon.example"
    )
    # Responses through the public URL first: once personal links are sent, it takes none.
    response = submit_disclosed(disclosed, "Saigon Textiles")
    for number in range(4):
        submit_disclosed(disclosed, f"Supplier {number}")
    report_release_if_due(campaign_id=disclosed.pk)
    library_load()
    _draft, code = response_start(
        campaign=disclosed, language="en", consent=True, supplier_name="Draft Co"
    )
    invitations.campaign_invite(campaign=disclosed, suppliers=[supplier])
    application_submit(
        organisation_name="Mekong",
        country="VN",
        industry="apparel",
        contact_name="Lan",
        email="lan@mekong.example",
        supplier_count="50-199",
        questionnaire=Questionnaire.objects.get(code="crisis-impact"),
        languages=["en"],
        language="en",
    )
    draft = questionnaire_draft_from_version(version=crisis_version, by=olivia)
    reset = password_setup_path(alice).rstrip("/").split("/")
    invitation = Invitation.objects.get(campaign=disclosed)
    case, attachment = grievance_case(org_a, alice)
    site = site_create(supplier=supplier, name="Mill", country="VN")
    link = supplier_link_add(
        supplier=supplier_create(
            organisation=org_a, name="Spinner", country="VN", email="spin@example.com"
        ),
        customer=supplier,
    )
    project = impact_project(org_a, alice, sites=[site])
    return {
        "case_id": case.pk,
        "attachment_id": attachment.pk,
        "channel_id": case.channel_id,
        "channel_slug": case.channel.slug,
        "contact_id": help_directory().order_by("pk").first().pk,
        "campaign_id": disclosed.pk,
        "organisation_id": org_a.pk,
        "token_id": token_create(
            organisation=org_a, name="ERP", scopes=["suppliers:read"], days=1, by=alice
        )[0].pk,
        "invitation_id": invitation.pk,
        "endpoint_id": endpoint_create(
            organisation=org_a,
            url="https://93.184.215.14/hook",
            description="",
            events=["report.released"],
            by=alice,
        )[0].pk,
        "supplier_id": supplier.pk,
        "import_id": SupplierImport.objects.create(organisation=org_a, filename="l.csv").pk,
        "response_id": response.pk,
        "site_id": site.pk,
        "link_id": link.pk,
        "naming_id": named(ask_to_name(supplier)[0], {"name": "Dye House", "country": "KH"}).pk,
        "project_id": project.pk,
        "document_id": policy_document(org_a).pk,
        "interview_id": impact_interview(project, alice, sensitive_notes="Secret").pk,
        "impact_finding_id": impact_finding(project, alice, "Passports held").pk,
        "recommendation_id": impact_recommendation(project, alice).pk,
        "note_id": impact_note(project, alice).pk,
        "naming_token": ask_to_name(supplier, token="FUZZ-NAMING")[1],
        "application_id": Application.objects.get().pk,
        "version_id": crisis_version.pk,
        "draft_id": draft.pk,
        "pk": crisis_version.pk,
        "kind": "version",
        **_remediation(supplier),
        "fmt": "csv",
        **tenant_objects(org_a, alice),
        "slug": disclosed.public_slug,
        "code": code,
        "law_code": "uk_msa_s54",
        "page": 2,
        "token": invitations.opt_out_token(supplier.pk),
        "uidb64": reset[-2],
        "uidb64+token": reset[-1],
    }


def _arguments(name, arguments, world):
    if name == "insights:detail":
        return {"code": "crisis-impact"}
    if name in {"insights:public", "insights:withdraw"}:
        return {"slug": "no-such-insight"}
    if name == "remediation:supplier":
        return {"token": world["cap_token"]}
    if name == "namings:answer":
        return {"token": world["naming_token"]}
    if name == "accounts:password_reset_confirm":
        return {"uidb64": world["uidb64"], "token": world["uidb64+token"]}
    return {a: world[a] for a in arguments}


def fuzzed_urls(world):
    urls, unknown = [], []
    for name, arguments in sorted(url_patterns()):
        if name.startswith("admin:"):
            continue  # Django's own administration
        try:
            urls.append((name, reverse(name, kwargs=_arguments(name, arguments, world))))
        except KeyError as missing:
            unknown.append(f"{name}: teach this test the URL argument {missing}")
    assert not unknown, "\n".join(unknown)
    return urls


def fuzzer(client, users, name, url):
    """A Hypothesis test of one URL: a query string and a form post, as one of the roles."""

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(role=st.sampled_from(ROLES), query=FIELDS, form=FIELDS)
    @example(role="operator", query=EVERY_NAME["abc"], form=EVERY_NAME["abc"])
    @example(role="buyer", query=EVERY_NAME["9" * 40], form=EVERY_NAME["-1"])
    @example(role="anonymous", query=EVERY_NAME["\x00"], form=EVERY_NAME[""])
    def fuzz(role, query, form):
        client.logout()
        if users[role]:
            client.force_login(users[role])
        got = client.get(url, query)
        assert got.status_code < 500, f"{role} GET {name} {url} {query!r}"
        posted = client.post(url, form)
        assert posted.status_code < 500, f"{role} POST {name} {url} {form!r}"

    return fuzz


def test_no_url_answers_a_server_error_to_malformed_parameters(
    client, world, alice, olivia, settings
):
    settings.RATELIMIT_ENABLE = False  # every request must reach its view
    users = {"anonymous": None, "buyer": alice, "operator": olivia}
    failures = []
    for name, url in fuzzed_urls(world):
        try:
            fuzzer(client, users, name, url)()
        except AssertionError as failure:
            failures.append(str(failure).splitlines()[0])
        except Exception as error:  # the test client re-raises what made a 500
            failures.append(f"{name} {url}: {type(error).__name__}: {error}"[:300])
    assert not failures, "\n".join(failures)


def test_the_version_diff_with_a_malformed_other_version_is_not_found(client, olivia, world):
    client.force_login(olivia)
    url = reverse("questionnaires:diff", args=[world["version_id"]])
    for other in ["abc", "1.5", "9" * 40, "²"]:
        assert client.get(url, {"other": other}).status_code == 404


def _remediation(supplier):
    """A finding with its plan asked for and one evidence file."""
    finding = finding_at(supplier)
    cap_opened(finding, token="FUZZ-CAP")
    evidence = remediation.evidence_add(finding=finding, upload=small_png())
    return {"finding_id": finding.pk, "file_id": evidence.pk, "cap_token": "FUZZ-CAP"}
