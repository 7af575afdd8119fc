"""Creating a campaign and sending its personal links through the API: the options and
rules of the page's form, the same invitation service as the page's button, errors that
name the field (400) or say why in a stable code (409), and another buyer's campaign 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.api.models import Scope
from hrdd.campaigns.models import Campaign
from hrdd.invitations.models import Invitation
from hrdd.notifications.models import OutboundEmail
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.testing import world
from hrdd.testing.definitions import small_definition

pytestmark = pytest.mark.django_db

OPENS = "2027-03-01T09:00:00+09:00"
CLOSES = "2027-03-31T18:00:00+09:00"


def new_campaign(**fields) -> dict:
    return {
        "name": "Crisis 2027",
        "questionnaire": "crisis-impact",
        "languages": ["ja", "en"],
        "opens_at": OPENS,
        "closes_at": CLOSES,
        **fields,
    }


def errors(answer) -> dict[str, str]:
    assert answer.status_code == 400, answer.json()
    assert answer["Content-Type"] == "application/problem+json"
    return {e["field"]: e["detail"] for e in answer.json()["errors"]}


# --- Creating --------------------------------------------------------------------------------


def test_a_campaign_is_created_with_the_forms_options(api, key_a, org_a, alice, crisis_version):
    body = new_campaign(mode="disclosed", breakdowns=["size", "country"])
    got = api(key_a).post(reverse("api:v1_campaigns"), body, format="json")

    assert got.status_code == 201, got.json()
    created = got.json()
    campaign = Campaign.objects.get(pk=created["id"])
    assert got["Location"] == reverse("api:v1_campaign", args=[campaign.pk])
    assert campaign.organisation == org_a and campaign.created_by == alice
    assert campaign.questionnaire_version == crisis_version  # the latest, as on the page
    assert campaign.languages == ["en", "ja"]  # in the questionnaire's order
    assert campaign.breakdowns == ["country", "size"]
    assert campaign.launched_at is None  # created, not launched
    assert created["mode"] == "disclosed" and created["state"] == "scheduled"
    assert created["opens_at"] == "2027-03-01T00:00:00Z"  # the same moment, in UTC
    # Read back as every other campaign is.
    assert api(key_a).get(got["Location"]).json() == created


def test_confidential_is_the_default(api, key_a):
    got = api(key_a).post(reverse("api:v1_campaigns"), new_campaign(), format="json")
    assert got.json()["mode"] == "confidential"
    assert got.json()["supplier_status_visible"] is False


def test_every_wrong_field_is_named(api, key_a):
    body = new_campaign(
        name="",
        questionnaire="no-such-thing",
        languages=["en", "xx"],
        mode="public",
        breakdowns=["religion"],
        opens_at="next week",
        suppliers=[1, 2],
    )
    got = errors(api(key_a).post(reverse("api:v1_campaigns"), body, format="json"))
    assert set(got) == {
        "name",
        "questionnaire",
        "languages",
        "mode",
        "breakdowns",
        "opens_at",
        "suppliers",
    }
    assert got["suppliers"] == "Unknown field."
    assert '"xx" is not a valid choice.' in got["languages"]
    assert not Campaign.objects.exists()


def test_the_forms_rules_on_dates_and_languages(api, key_a):
    client = api(key_a)
    url = reverse("api:v1_campaigns")

    backwards = errors(client.post(url, new_campaign(closes_at=OPENS), format="json"))
    assert backwards == {"closes_at": "The close date must be after the open date."}

    assert errors(client.post(url, new_campaign(languages=[]), format="json")) == {
        "languages": "Choose at least one language."
    }
    missing = errors(client.post(url, {"name": "No dates"}, format="json"))
    assert {"questionnaire", "languages", "opens_at", "closes_at"} <= set(missing)

    questionnaire_publish(data=small_definition())  # offered in en, ja and vi only
    other = errors(
        client.post(
            url,
            new_campaign(questionnaire="supplier-basics", languages=["en", "th"]),
            format="json",
        )
    )
    assert other == {"languages": "This questionnaire is not available in: th"}
    assert not Campaign.objects.exists()


def test_a_draft_translation_needs_to_be_accepted_as_on_the_page(api, key_a):
    client = api(key_a)
    url = reverse("api:v1_campaigns")
    refused = errors(client.post(url, new_campaign(languages=["en", "vi"]), format="json"))
    assert refused["languages"].startswith("Vietnamese is a draft translation")

    body = new_campaign(languages=["en", "vi"], accept_draft_translations=True)
    assert client.post(url, body, format="json").status_code == 201
    assert Campaign.objects.get().languages == ["en", "vi"]


def test_creating_needs_the_write_scope(api, org_a):
    read_only = api(world.api_key(org_a, [Scope.CAMPAIGNS_READ]))
    got = read_only.post(reverse("api:v1_campaigns"), new_campaign(), format="json")
    assert got.status_code == 403
    assert "campaigns:write" in got.json()["detail"]
    assert not Campaign.objects.exists()


# --- Launching -------------------------------------------------------------------------------


def launch(client, campaign):
    return client.post(reverse("api:v1_campaign_launch", args=[campaign.pk]))


def test_launching_sends_every_supplier_its_link(api, key_a, campaign_a, suppliers):
    got = launch(api(key_a), campaign_a)

    assert got.status_code == 200, got.json()
    assert got.json() | {"launched_at": None} == {
        "campaign_id": campaign_a.pk,
        "invited": 3,
        "invited_total": 3,
        "not_invited": 0,
        "launched_at": None,
        "detail": "3 personal links are on their way.",
    }
    campaign_a.refresh_from_db()
    assert campaign_a.launched_at is not None
    assert Invitation.objects.filter(campaign=campaign_a, send_count=1).count() == 3
    assert OutboundEmail.objects.filter(campaign=campaign_a, template="invitation").count() == 3


def test_launching_again_invites_only_suppliers_added_since(
    api, key_a, org_a, campaign_a, suppliers
):
    client = api(key_a)
    first = launch(client, campaign_a).json()

    again = launch(client, campaign_a).json()
    assert again["invited"] == 0 and again["invited_total"] == 3
    assert again["detail"] == "Every supplier on your list has already been invited."

    world.supplier(org_a, "Manila Foods", country="PH")
    later = launch(client, campaign_a).json()
    assert (later["invited"], later["invited_total"], later["not_invited"]) == (1, 4, 0)
    assert later["launched_at"] == first["launched_at"]  # launched once, at first
    assert OutboundEmail.objects.filter(template="invitation").count() == 4  # none twice


def test_a_closed_campaign_is_a_conflict_and_sends_nothing(
    api, key_a, org_a, make_campaign, suppliers
):
    closed = make_campaign(org_a, opens_in_days=-40, days=30)
    got = launch(api(key_a), closed)
    assert got.status_code == 409
    assert got["Content-Type"] == "application/problem+json"
    assert got.json()["code"] == "closed"
    assert got.json()["detail"] == "This campaign is closed: no more links can be sent."
    assert not Invitation.objects.exists()


def test_an_empty_list_is_a_conflict_and_keeps_the_response_url_open(api, key_a, campaign_a):
    got = launch(api(key_a), campaign_a)
    assert got.status_code == 409
    assert got.json()["code"] == "no_suppliers"
    campaign_a.refresh_from_db()
    assert campaign_a.launched_at is None
    assert campaign_a.uses_personal_links is False


def test_a_scheduled_campaign_can_be_launched_and_its_mail_waits(
    api, key_a, org_a, make_campaign, suppliers
):
    later = make_campaign(org_a, opens_in_days=3)
    assert launch(api(key_a), later).json()["invited"] == 3
    waiting = OutboundEmail.objects.filter(campaign=later)
    assert all(m.next_attempt_at > timezone.now() + timedelta(days=2) for m in waiting)


def test_launching_needs_the_write_scope_and_the_campaigns_buyer(
    api, org_a, key_b, campaign_a, suppliers
):
    read_only = api(world.api_key(org_a, [Scope.CAMPAIGNS_READ]))
    assert launch(read_only, campaign_a).status_code == 403
    assert launch(api(key_b), campaign_a).status_code == 404
    assert not Invitation.objects.exists()
