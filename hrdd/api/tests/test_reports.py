"""The Summary Report through the API, tried as a buyer who wants more than the page gives:
nothing before the first release, and after it exactly the page's released shares and
margins (hrdd.policy's), never a live count, a free-text answer or anything per supplier."""

import json

import pytest
from django.urls import reverse

from hrdd.testing import world

pytestmark = pytest.mark.django_db


def test_nothing_before_the_first_release_and_nothing_to_watch(api, key_a, key_b, campaign_a):
    url = reverse("api:v1_campaign_report", args=[campaign_a.pk])
    client = api(key_a)
    for _n in range(4):
        world.submit_response(campaign_a)
    before = client.get(url)
    body = before.json()
    assert body["released"] is False and body["release"] is None
    assert body["questions"] == body["indicators"] == body["measures"] == []
    assert body["detail"].startswith("No results yet.")
    # Another answer arrives: the answer is the same to the byte (304 on its ETag), so
    # polling the API does not tell the buyer when a supplier answered.
    world.submit_response(campaign_a)
    again = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 304
    assert api(key_b).get(url).status_code == 404


def test_a_release_gives_the_pages_figures_and_nothing_more(client, api, key_a, alice, campaign_a):
    world.release_sixty(campaign_a)
    world.submit_response(campaign_a)  # after the release: in no figure until the next one
    body = api(key_a).get(reverse("api:v1_campaign_report", args=[campaign_a.pk])).json()
    client.force_login(alice)
    page = client.get(reverse("reports:summary", args=[campaign_a.pk])).context["report"]

    assert body["released"] is True and body["detail"] == ""
    assert body["release"]["number"] == 1 and body["release"]["response_count"] == 60
    shown = {
        q["code"]: [(r["code"], r["share"], r["margin"]) for r in q["rows"]]
        for s in page["sections"]
        for q in s["questions"]
    }
    given = {
        q["code"]: [(a["code"], a["share"], a["margin"]) for a in q["answers"]]
        for q in body["questions"]
    }
    assert given == shown
    by_code = {q["code"]: q for q in body["questions"]}
    # Half the suppliers said business was down: shown as the policy's estimate.
    impact = {a["code"]: a for a in by_code["q01_business_impact"]["answers"]}
    down = impact["down_10_to_29"]
    assert abs(down["share"] - 50) <= down["margin"]
    # Too uncertain on the page: no figure here either, and the page's reason.
    masks = by_code["q03_health_safety_measures"]
    assert masks["answers"] == [] and masks["note"]
    # Free text is never summarised: the comment naming a worker is nowhere.
    assert by_code["q11_comments"]["status"] == "free_text"
    assert by_code["q11_comments"]["answers"] == []
    assert "Sato" not in json.dumps(body)
    assert [(i["topic"], i["share"]) for i in body["indicators"]] == [
        (i["topic"], i["share"] if i["status"] == "shown" else None) for i in page["indicators"]
    ]
    assert [m["topic"] for m in body["measures"]] == [m["topic"] for m in page["measures"]]
