"""Campaigns through the API show what the campaign page shows, through hrdd.policy: a
band of submitted responses, never the live count; per-supplier status only if disclosed."""

import pytest
from django.urls import reverse

from hrdd import policy
from hrdd.testing import world

pytestmark = pytest.mark.django_db


def test_progress_is_the_policys_band_not_the_count(api, key_a, campaign_a):
    url = reverse("api:v1_campaign", args=[campaign_a.pk])
    client = api(key_a)
    before = client.get(url).json()
    world.submit_response(campaign_a)
    after = client.get(url).json()
    # One more answer below k moves nothing the buyer can see: it cannot tell who answered.
    assert before == after
    low, high = policy.response_band(1, campaign_a.min_responses)
    assert after["submitted_responses"] == {"low": low, "high": high}
    assert after["supplier_status_visible"] is False
    assert after["mode"] == "confidential" and after["state"] == "open"


def test_a_disclosed_campaign_says_per_supplier_status_may_be_seen(api, key_a, disclosed):
    listed = api(key_a).get(reverse("api:v1_campaigns")).json()["results"]
    assert [(c["id"], c["supplier_status_visible"]) for c in listed] == [(disclosed.pk, True)]
