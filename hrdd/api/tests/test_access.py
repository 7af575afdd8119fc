"""Every endpoint and scope: no key, a revoked or expired key, a key without the scope,
and another organisation's objects (404, as if they did not exist)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.api.models import ApiToken, Scope
from hrdd.campaigns.models import Campaign
from hrdd.detailed.models import AuditEntry
from hrdd.invitations.models import Invitation
from hrdd.suppliers.models import Supplier
from hrdd.testing import world
from hrdd.testing.urls import url_patterns

pytestmark = pytest.mark.django_db

NEW_SUPPLIER = {"name": "Dhaka Knits", "country": "BD", "email": "info@dhaka.example"}
NEW_CAMPAIGN = {
    "name": "Crisis 2027",
    "questionnaire": "crisis-impact",
    "languages": ["en"],
    "opens_at": "2027-03-01T09:00:00Z",
    "closes_at": "2027-03-31T09:00:00Z",
}


@pytest.fixture
def objects(org_a, suppliers, campaign_a, disclosed):
    finding = world.finding_at(suppliers[0])
    response = world.submit_disclosed(disclosed, "Hanoi Garments")
    return {
        "supplier_id": suppliers[0].pk,
        "campaign_id": campaign_a.pk,
        "finding_id": finding.pk,
        "disclosed_id": disclosed.pk,
        "response_id": response.pk,
    }


def endpoints(objects):
    """(method, url, body, the scope it needs) for every operation of the API."""
    supplier = reverse("api:v1_supplier", args=[objects["supplier_id"]])
    campaign = reverse("api:v1_campaign", args=[objects["campaign_id"]])
    report = reverse("api:v1_campaign_report", args=[objects["campaign_id"]])
    launch = reverse("api:v1_campaign_launch", args=[objects["campaign_id"]])
    invitations = reverse("api:v1_campaign_invitations", args=[objects["campaign_id"]])
    finding = reverse("api:v1_finding", args=[objects["finding_id"]])
    detailed = reverse("api:v1_campaign_detailed", args=[objects["disclosed_id"]])
    detailed_response = reverse(
        "api:v1_campaign_detailed_response",
        args=[objects["disclosed_id"], objects["response_id"]],
    )
    bulk = {"suppliers": [{"reference": "S-1", **NEW_SUPPLIER}]}
    return [
        ("get", reverse("api:v1_suppliers"), None, Scope.SUPPLIERS_READ),
        ("post", reverse("api:v1_suppliers"), NEW_SUPPLIER, Scope.SUPPLIERS_WRITE),
        ("get", supplier, None, Scope.SUPPLIERS_READ),
        ("patch", supplier, {"contact_name": "Rana"}, Scope.SUPPLIERS_WRITE),
        ("post", reverse("api:v1_suppliers_bulk"), bulk, Scope.SUPPLIERS_WRITE),
        ("get", reverse("api:v1_campaigns"), None, Scope.CAMPAIGNS_READ),
        ("post", reverse("api:v1_campaigns"), NEW_CAMPAIGN, Scope.CAMPAIGNS_WRITE),
        ("get", campaign, None, Scope.CAMPAIGNS_READ),
        ("post", launch, {}, Scope.CAMPAIGNS_WRITE),
        ("get", invitations, None, Scope.CAMPAIGNS_READ),
        ("get", reverse("api:v1_priorities"), None, Scope.RISK_READ),
        ("get", report, None, Scope.REPORTS_READ),
        ("get", detailed, None, Scope.DETAILED_READ),
        ("get", detailed_response, None, Scope.DETAILED_READ),
        ("get", reverse("api:v1_findings"), None, Scope.FINDINGS_READ),
        ("get", finding, None, Scope.FINDINGS_READ),
        ("get", reverse("api:v1_grievance_statistics"), None, Scope.GRIEVANCES_READ),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body, format="json")


def test_every_api_url_is_in_this_table(objects):
    """A new endpoint fails here until its permissions are tested below."""
    listed = {url.split("?")[0] for _m, url, _b, _s in endpoints(objects)}
    names = {name for name, _args in url_patterns() if name.startswith("api:v1_")}
    documentation = {"api:v1_schema", "api:v1_docs"}
    assert len(names - documentation) == len(listed)


def test_the_right_scope_is_enough_for_each_endpoint(api, org_a, alice, objects):
    for method, url, body, scope in endpoints(objects):
        got = call(api(world.api_key(org_a, [scope], by=alice)), method, url, body)
        assert got.status_code in (200, 201), (method, url, got.json())


def test_without_the_scope_every_endpoint_answers_403(api, org_a, objects):
    for method, url, body, scope in endpoints(objects):
        others = [s for s in Scope.values if s != scope]
        got = call(api(world.api_key(org_a, others)), method, url, body)
        assert got.status_code == 403, (method, url)
        assert got["Content-Type"] == "application/problem+json"
        assert scope in got.json()["detail"]
    assert Supplier.objects.filter(organisation=org_a).count() == 3
    assert Campaign.objects.count() == 2
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("case", ["none", "garbage", "revoked", "expired"])
def test_without_a_valid_key_every_endpoint_answers_401(api, org_a, objects, case):
    secret = world.api_key(org_a)
    if case == "revoked":
        ApiToken.objects.update(revoked_at=timezone.now())
    elif case == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = api({"none": None, "garbage": "hrdd_not-a-key"}.get(case, secret))
    for method, url, body, _scope in endpoints(objects):
        got = call(client, method, url, body)
        assert got.status_code == 401, (case, method, url)
        assert got.json()["status"] == 401
        assert got["WWW-Authenticate"] == "Bearer"
    assert Supplier.objects.filter(organisation=org_a).count() == 3
    assert not Invitation.objects.exists()


def test_another_organisations_objects_are_not_found(api, org_a, key_b, objects):
    tried = 0
    for method, url, body, _scope in endpoints(objects):
        if not any(f"/{pk}/" in url for pk in objects.values()):
            continue
        got = call(api(key_b), method, url, body)
        assert got.status_code == 404, (method, url)
        assert got.json()["code"] == "not_found"
        tried += 1
    assert tried == 9
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_lists_show_only_the_keys_organisation(api, key_b, suppliers, campaign_a):
    client = api(key_b)
    assert client.get(reverse("api:v1_suppliers")).json()["results"] == []
    assert client.get(reverse("api:v1_campaigns")).json()["results"] == []
    world.finding_at(suppliers[0])
    assert client.get(reverse("api:v1_findings")).json()["results"] == []


def test_a_bulk_upsert_never_touches_another_organisations_supplier(api, org_a, key_b):
    """Rows match on the caller's own references only: B's row with A's reference adds a
    supplier to B's list and leaves A's alone."""
    world.supplier(org_a, "Hanoi Garments", reference="HN-1")
    row = {"reference": "HN-1", "name": "Taken", "country": "VN", "email": "b@b.example"}
    got = api(key_b).post(reverse("api:v1_suppliers_bulk"), {"suppliers": [row]}, format="json")
    assert got.json()["results"][0]["status"] == "created"
    assert Supplier.objects.get(organisation=org_a, reference="HN-1").name == "Hanoi Garments"


def test_the_last_use_is_recorded(api, org_a):
    secret = world.api_key(org_a)
    assert ApiToken.objects.get().last_used_at is None
    api(secret).get(reverse("api:v1_suppliers"))
    assert ApiToken.objects.get().last_used_at is not None
