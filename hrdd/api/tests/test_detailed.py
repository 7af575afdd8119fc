"""The Detailed Report through the API gives what its pages give, under the same gate
(hrdd.policy.detailed_report_access): disclosed campaigns on the paid plan only, consenting
suppliers only, every read in the audit log under the key's maker."""

import pytest
from django.urls import reverse

from hrdd.api.models import ApiToken, Scope
from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Organisation
from hrdd.responses.services import response_start
from hrdd.testing import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(disclosed):
    """Two suppliers submitted with consent; a third one's answers are only a draft."""
    response_start(campaign=disclosed, language="en", supplier_name="Draft Co", consent=True)
    return [
        world.submit_disclosed(disclosed, "Hanoi Garments"),
        world.submit_disclosed(
            disclosed,
            "Saigon Shoes",
            answers=world.VALID_ANSWERS | {"q06_freedom_to_leave": "movement_restricted"},
        ),
    ]


def test_the_table_lists_the_consenting_suppliers_and_is_audited(
    api, key_a, client, alice, disclosed, answered
):
    got = api(key_a).get(reverse("api:v1_campaign_detailed", args=[disclosed.pk]))

    assert got.status_code == 200, got.json()
    rows = got.json()["results"]
    assert [r["supplier_name"] for r in rows] == ["Hanoi Garments", "Saigon Shoes"]
    assert rows[0]["id"] == answered[0].pk and rows[0]["supplier_country"] == "VN"
    assert any(r["level"] == "high" for r in rows[1]["risks"])  # restricted movement
    # The same risk flags as the page's table.
    client.force_login(alice)
    page = client.get(reverse("detailed:suppliers", args=[disclosed.pk])).content.decode()
    for row in rows:
        high = [r["label"] for r in row["risks"] if r["level"] == "high"]
        page_row = page[page.index(row["supplier_name"]) :].split("</tr>")[0]
        assert page_row.count("High risk") == len(high)
    entry = AuditEntry.objects.filter(action="supplier_list").order_by("pk").first()
    assert entry.user == alice and entry.campaign == disclosed


def test_one_suppliers_answers_as_its_page_shows_them(api, key_a, disclosed, answered):
    url = reverse("api:v1_campaign_detailed_response", args=[disclosed.pk, answered[0].pk])
    got = api(key_a).get(url, HTTP_ACCEPT_LANGUAGE="en").json()

    assert got["supplier_name"] == "Hanoi Garments"
    comments = [a for a in got["answers"] if a["answer"] == "Mr Sato in line 3 was injured."]
    assert len(comments) == 1  # the page shows free text too: the supplier agreed
    entry = AuditEntry.objects.get(action="supplier_answers")
    assert entry.response == answered[0] and entry.supplier_name == "Hanoi Garments"


def test_a_draft_is_not_there(api, key_a, disclosed, answered):
    draft = disclosed.responses.get(supplier_name="Draft Co")
    url = reverse("api:v1_campaign_detailed_response", args=[disclosed.pk, draft.pk])
    assert api(key_a).get(url).status_code == 404


def test_a_confidential_campaign_has_no_detailed_report(api, key_a, campaign_a):
    world.submit_response(campaign_a)
    response = campaign_a.responses.get()
    for url in (
        reverse("api:v1_campaign_detailed", args=[campaign_a.pk]),
        reverse("api:v1_campaign_detailed_response", args=[campaign_a.pk, response.pk]),
    ):
        got = api(key_a).get(url)
        assert got.status_code == 404 and got.json()["code"] == "not_found"
    assert not AuditEntry.objects.exists()


def test_off_the_paid_plan_it_is_refused(api, key_a, org_a, disclosed, answered):
    Organisation.objects.filter(pk=org_a.pk).update(plan=Organisation.Plan.FREE)
    got = api(key_a).get(reverse("api:v1_campaign_detailed", args=[disclosed.pk]))
    assert got.status_code == 403
    assert got.json()["code"] == "needs_paid_plan"
    assert not AuditEntry.objects.exists()


def test_a_key_whose_maker_is_gone_cannot_read_it(api, key_a, disclosed, answered):
    ApiToken.objects.update(created_by=None)
    got = api(key_a).get(reverse("api:v1_campaign_detailed", args=[disclosed.pk]))
    assert got.status_code == 403 and got.json()["code"] == "no_auditable_user"


def test_it_needs_its_own_scope_and_the_campaigns_buyer(
    api, org_a, alice, key_b, disclosed, answered
):
    url = reverse("api:v1_campaign_detailed", args=[disclosed.pk])
    reports_only = api(world.api_key(org_a, [Scope.REPORTS_READ, Scope.CAMPAIGNS_READ], by=alice))
    assert reports_only.get(url).status_code == 403
    assert api(key_b).get(url).status_code == 404
    assert not AuditEntry.objects.exists()


def test_the_table_costs_the_same_queries_for_many_suppliers(
    api, key_a, disclosed, django_assert_max_num_queries
):
    for n in range(12):
        world.submit_disclosed(disclosed, f"Supplier {n:02}")
    client = api(key_a)
    url = reverse("api:v1_campaign_detailed", args=[disclosed.pk])
    # Eight today (key, campaign, plan, page, flags, audit...), never one per supplier.
    with django_assert_max_num_queries(10):
        assert len(client.get(url).json()["results"]) == 12
