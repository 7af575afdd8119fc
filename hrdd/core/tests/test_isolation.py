"""Tenant isolation over every buyer URL: another buyer's owner gets 404 on all of them.

The URLs are read from the URL configuration, not listed by hand, so a page added later is
covered too: a URL argument this test cannot fill with one of organisation A's objects
makes it fail until the test learns it.
"""

import pytest
from django.urls import reverse

from hrdd.api.services import token_create
from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation
from hrdd.remediation import services as remediation
from hrdd.reports.services import report_release_if_due
from hrdd.suppliers.models import SupplierImport
from hrdd.suppliers.services import site_create, supplier_create, supplier_link_add
from hrdd.testing.grievances import grievance_case
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

# URL arguments that name one buyer's objects, and so are tenant-scoped.
TENANT_ARGUMENTS = {
    "campaign_id",
    "organisation_id",
    "invitation_id",
    "supplier_id",
    "import_id",
    "response_id",
    "site_id",
    "link_id",
    "naming_id",
    "finding_id",
    "file_id",
    "project_id",
    "interview_id",
    "impact_finding_id",
    "recommendation_id",
    "note_id",
    "document_id",
    "case_id",
    "attachment_id",
    "engagement_id",
    "commitment_id",
    "dialogue_file_id",
    "statement_id",
    "channel_id",
    "token_id",
    "endpoint_id",
}


def buyer_urls():
    """(name, argument names) of every URL that takes an object of a buyer."""
    return sorted(
        (name, arguments)
        for name, arguments in url_patterns()
        if arguments & TENANT_ARGUMENTS
        and not name.startswith("admin:")
        # The REST API takes keys, not sessions: hrdd/api/tests/test_access.py covers it.
        and not name.startswith("api:v1_")
    )


@pytest.fixture
def world(org_a, alice, carol, disclosed):
    """One of each of organisation A's objects, on a disclosed campaign of the paid plan, so
    that tenancy is the only reason to refuse carol anything."""
    supplier = supplier_create(
        organisation=org_a, name="Saigon Textiles", country="VN", email="lan@saigon.example"
    )
    response = submit_disclosed(disclosed, "Saigon Textiles")
    for number in range(4):  # enough for a released Summary Report and its exports
        submit_disclosed(disclosed, f"Supplier {number}")
    # Last: once personal links are sent, the response URL takes no new responses.
    invitations.campaign_invite(campaign=disclosed, suppliers=[supplier])
    assert report_release_if_due(campaign_id=disclosed.pk) is not None
    supplier_import = SupplierImport.objects.create(organisation=org_a, filename="list.csv")
    site = site_create(supplier=supplier, name="Mill", country="VN")
    link = supplier_link_add(
        supplier=supplier_create(
            organisation=org_a, name="Spinner", country="VN", email="spin@example.com"
        ),
        customer=supplier,
    )
    project = impact_project(org_a, alice, sites=[site])
    case, attachment = grievance_case(org_a, alice)
    return {
        "case_id": case.pk,
        "attachment_id": attachment.pk,
        "channel_id": case.channel_id,
        "campaign_id": disclosed.pk,
        "organisation_id": org_a.pk,
        "token_id": token_create(
            organisation=org_a, name="ERP", scopes=["suppliers:read"], days=1, by=alice
        )[0].pk,
        "endpoint_id": endpoint_create(
            organisation=org_a,
            url="https://93.184.215.14/hook",
            description="",
            events=["report.released"],
            by=alice,
        )[0].pk,
        "invitation_id": Invitation.objects.get(campaign=disclosed).pk,
        "supplier_id": supplier.pk,
        "import_id": supplier_import.pk,
        "response_id": response.pk,
        "site_id": site.pk,
        "link_id": link.pk,
        "naming_id": named(ask_to_name(supplier)[0], {"name": "Dye House", "country": "KH"}).pk,
        **_remediation(supplier),
        "project_id": project.pk,
        "document_id": policy_document(org_a).pk,
        "interview_id": impact_interview(project, alice, sensitive_notes="Secret").pk,
        "impact_finding_id": impact_finding(project, alice, "Passports held").pk,
        "recommendation_id": impact_recommendation(project, alice).pk,
        "note_id": impact_note(project, alice).pk,
        "fmt": "csv",
        **tenant_objects(org_a, alice),
    }


def test_the_buyer_urls_are_found():
    names = {name for name, _arguments in buyer_urls()}
    # A sample of what must be there; the test below covers whatever else is.
    assert {
        "campaigns:detail",
        "campaigns:create",
        "reports:summary_export",
        "detailed:export_xlsx",
        "invitations:revoke",
        "suppliers:import_confirm",
        "suppliers:map",
        "suppliers:link_delete",
        "suppliers:site_delete",
        "namings:review",
        "namings:ask",
        "impact:detail",
        "impact:interview",
        "impact:finding_salient",
        "impact:report_pdf",
    } <= names


def test_another_buyer_gets_404_on_every_buyer_url(client, world, alice, carol):
    """One world for all URLs (it takes a few seconds to build); every failure is listed."""
    failures = []
    for name, arguments in buyer_urls():
        unknown = arguments - set(world)
        if unknown:
            failures.append(f"{name}: teach this test the URL argument(s) {sorted(unknown)}")
            continue
        url = reverse(name, kwargs={a: world[a] for a in arguments})
        # The URL is real for its owner (not a 404 because of a wrong id)...
        client.force_login(alice)
        owner = client.get(url).status_code
        if owner == 404:
            failures.append(f"{name} {url}: 404 for its owner too, so the test proves nothing")
        # ...and does not exist for another buyer, whatever the method (a POST-only URL
        # refuses a GET from anyone alike, before looking anything up).
        client.force_login(carol)
        got = (client.get(url).status_code, client.post(url, {}).status_code)
        if got != (405 if owner == 405 else 404, 404):
            failures.append(f"{name} {url}: another buyer got {got}")
    assert not failures, "\n".join(failures)


def _remediation(supplier):
    """A finding with its plan asked for and one evidence file."""
    finding = finding_at(supplier)
    cap_opened(finding, token="FUZZ-CAP")
    evidence = remediation.evidence_add(finding=finding, upload=small_png())
    return {"finding_id": finding.pk, "file_id": evidence.pk, "cap_token": "FUZZ-CAP"}
