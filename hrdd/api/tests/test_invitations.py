"""A campaign's personal links through the API show what their page shows: delivery of the
invitations; who answered (and how many) only in a disclosed campaign. Played by a hostile
buyer: in a confidential campaign nothing it can read tells which supplier answered."""

import re

import pytest
from django.urls import reverse

from hrdd.invitations.models import Invitation
from hrdd.links.services import invitation_start_response
from hrdd.notifications.models import OutboundEmail
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.testing import world

pytestmark = pytest.mark.django_db


def answer(invitation: Invitation, *, consent: bool = False):
    """The supplier follows its link and submits its answers (the links app's service)."""
    response = invitation_start_response(invitation=invitation, language="en", consent=consent)
    response = response_save_draft(response=response, answers=dict(world.VALID_ANSWERS))
    return response_submit(response=response)[0]


def facts(page: str) -> dict[str, str]:
    """The links page's figures, label -> value."""
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", page))


def test_the_figures_are_those_of_the_links_page(api, key_a, client, alice, campaign_a, suppliers):
    client.force_login(alice)
    client.post(reverse("api:v1_campaign_launch", args=[campaign_a.pk]))  # no key: refused
    assert not Invitation.objects.exists()
    api(key_a).post(reverse("api:v1_campaign_launch", args=[campaign_a.pk]))

    got = api(key_a).get(reverse("api:v1_campaign_invitations", args=[campaign_a.pk])).json()
    page = facts(client.get(reverse("invitations:links", args=[campaign_a.pk])).content.decode())

    assert got["launched_at"] is not None
    assert (got["suppliers"], got["invited"], got["withdrawn"], got["not_invited"]) == (3, 3, 0, 0)
    assert page["Suppliers on your list"] == "3" and page["Invited"] == "3"
    assert page["Not invited yet"] == "0"
    assert got["delivery"] == {"queued": 3, "sent": 0, "retrying": 0, "failed": 0}
    assert page["Queued"] == "3" and page["Sent"] == "0"
    assert got["statuses"] is None and got["supplier_status_visible"] is False


def test_before_launch_everyone_is_still_to_invite(api, key_a, campaign_a, suppliers):
    got = api(key_a).get(reverse("api:v1_campaign_invitations", args=[campaign_a.pk])).json()
    assert got["launched_at"] is None
    assert (got["invited"], got["not_invited"]) == (0, 3)


def test_a_hostile_buyer_cannot_tell_which_supplier_answered(
    api, key_a, client, alice, campaign_a, suppliers
):
    """The buyer launches a confidential campaign to three suppliers it knows by name,
    reads everything the API and the links page give, then one supplier answers and the
    buyer reminds "everyone who has not answered" (the reminders go to the other two
    only). Nothing it can read afterwards differs from before: not the figures, not the
    ETag, not a name. Whoever of the three answered, it would read the same."""
    buyer = api(key_a)
    url = reverse("api:v1_campaign_invitations", args=[campaign_a.pk])
    buyer.post(reverse("api:v1_campaign_launch", args=[campaign_a.pk]))
    client.force_login(alice)
    links_page = reverse("invitations:links", args=[campaign_a.pk])
    before = buyer.get(url)
    page_before = facts(client.get(links_page).content.decode())

    hanoi = Invitation.objects.get(campaign=campaign_a, supplier=suppliers[0])
    answer(hanoi)
    client.post(reverse("invitations:remind", args=[campaign_a.pk]))
    assert OutboundEmail.objects.filter(template="reminder").count() == 2  # the others

    after = buyer.get(url)
    assert after.json() == before.json()
    assert after["ETag"] == before["ETag"]
    assert buyer.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    text = after.content.decode()
    assert not any(s.name in text or s.email in text for s in suppliers)
    assert after.json()["statuses"] is None  # no per-supplier list, and no count of answers
    # The page itself says no more: the API gives the page's figures and nothing beside.
    page_after = facts(client.get(links_page).content.decode())
    assert page_after == page_before
    assert "Submitted" not in page_after and "Started answering" not in page_after
    # The campaign's progress is the policy's band, unmoved by one response.
    campaign = buyer.get(reverse("api:v1_campaign", args=[campaign_a.pk])).json()
    assert campaign["submitted_responses"]["low"] == 0


def test_a_disclosed_campaign_counts_who_started_and_submitted(
    api, key_a, client, alice, disclosed, suppliers
):
    api(key_a).post(reverse("api:v1_campaign_launch", args=[disclosed.pk]))
    answer(Invitation.objects.get(campaign=disclosed, supplier=suppliers[0]), consent=True)
    invitation_start_response(
        invitation=Invitation.objects.get(campaign=disclosed, supplier=suppliers[1]),
        language="en",
        consent=True,
    )

    got = api(key_a).get(reverse("api:v1_campaign_invitations", args=[disclosed.pk])).json()
    client.force_login(alice)
    page = facts(client.get(reverse("invitations:links", args=[disclosed.pk])).content.decode())

    assert got["supplier_status_visible"] is True and got["delivery_includes_reminders"] is True
    assert got["statuses"] == {"started": 1, "submitted": 1}
    assert page["Started answering"] == "1" and page["Submitted"] == "1"


def test_reading_needs_the_scope_and_the_campaigns_buyer(api, org_a, key_b, campaign_a):
    url = reverse("api:v1_campaign_invitations", args=[campaign_a.pk])
    assert api(key_b).get(url).status_code == 404
    no_scope = api(world.api_key(org_a, ["suppliers:read"]))
    assert no_scope.get(url).status_code == 403
