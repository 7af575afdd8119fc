"""Operator insights across buyers: sums of what the buyers' releases already published
(post-processing: no answer read, no noise drawn, no budget spent), shown only where at least
3 distinct buyers stand behind the report, a question or a group. Only the operator sees
them; published snapshots are public and fixed."""

import copy
import io
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hrdd import policy
from hrdd.campaigns.services import campaign_set_breakdowns
from hrdd.insights.models import InsightPublication
from hrdd.insights.selectors import insights
from hrdd.organisations.models import Organisation
from hrdd.questionnaires.definition import load_file
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports.models import PrivacyReservation, ReportRelease
from hrdd.reports.services import report_release_if_due
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, campaign_on, submit_response

pytestmark = pytest.mark.django_db

CRISIS_FILE = Path(__file__).resolve().parents[2] / "questionnaires/definitions/crisis-impact.yaml"


@pytest.fixture
def crisis():
    return Questionnaire.objects.get(code="crisis-impact")


@pytest.fixture
def precise(settings):
    """Show every measured figure whatever its margin: a handful of test responses can then
    be compared figure by figure (the margin rule itself is the policy's, tested there)."""
    settings.PRIVACY_MAX_MARGIN = 10_000


def released(campaign, answers=None, count=5, **start):
    for _ in range(count):
        submit_response(campaign, answers, **start)
    return report_release_if_due(campaign_id=campaign.pk)


def buyers(make_campaign, count, responses_each, answers=None, industry="apparel", first=0):
    campaigns = []
    for i in range(first, first + count):
        org = Organisation.objects.create(name=f"Buyer {i}", industry=industry)
        campaign = make_campaign(org, name=f"Crisis {i}")
        released(campaign, answers, responses_each)
        campaigns.append(campaign)
    return campaigns


def latest_noisy(campaign) -> dict:
    return ReportRelease.objects.filter(campaign=campaign).order_by("-number")[0].content["noisy"]


def by_code(content: dict) -> dict:
    return {q["code"]: q for q in content["questions"]}


def test_insights_are_the_sums_of_the_released_noisy_figures(crisis, make_campaign, precise):
    campaigns = buyers(make_campaign, 3, 6)
    # A second release of the first campaign: its cumulative figures are what counts.
    released(campaigns[0], count=6)
    reserved = PrivacyReservation.objects.count()
    # Outside the policy package noise can only be drawn through these public names.
    drawing = ("add_noise", "measure_batch", "measure_release")
    noise_drawn = mock.Mock(side_effect=AssertionError("noise drawn"))
    with mock.patch.multiple(policy, **dict.fromkeys(drawing, noise_drawn)):
        out = insights(questionnaire=crisis)
        again = insights(questionnaire=crisis)
    # Nothing new is measured: no noise, no budget, and the very same figures every time.
    assert again == out
    assert PrivacyReservation.objects.count() == reserved
    assert out["status"] == policy.OK
    assert out["response_count"] == 24 and out["buyer_count"] == 3 and out["epsilon"] is None
    # Each figure is what policy.summarise makes of the sums of the releases' noisy vectors.
    releases = [latest_noisy(c) for c in campaigns]
    vectors, variance = {}, {}
    for noisy in releases:
        for key, values in noisy["vectors"].items():
            old = vectors.get(key, [0] * len(values))
            vectors[key] = [a + b for a, b in zip(old, values, strict=True)]
            variance[key] = variance.get(key, 0.0) + noisy["variance"][key]
    expected = policy.summarise(
        design=policy.design_of(crisis.latest_version().parsed),
        total=24,
        k=5,
        cumulative={"vectors": vectors, "variance": variance, "groups": {}},
        epsilon=None,
    )
    shown = by_code(out)
    for item in expected["questions"]:
        got = {k: v for k, v in shown[item["code"]].items() if k != "response_count"}
        assert got == item
    assert out["indicators"] == expected["indicators"]
    q01 = shown["q01_business_impact"]
    assert q01["status"] == policy.SHOWN and sum(q01["cells"].values()) in range(97, 104)
    assert shown["q11_comments"]["status"] == policy.FREE_TEXT
    # The noisy vectors themselves are not published, and no count is.
    assert "noisy" not in out


def test_fewer_than_three_buyers_show_nothing(crisis, make_campaign, precise):
    buyers(make_campaign, 2, 10)
    assert insights(questionnaire=crisis)["status"] == policy.TOO_FEW
    # A third buyer whose campaign has no release yet (4 responses) adds nothing.
    org = Organisation.objects.create(name="Buyer late", industry="apparel")
    late = make_campaign(org, name="Late")
    assert released(late, count=4) is None
    assert insights(questionnaire=crisis)["status"] == policy.TOO_FEW
    submit_response(late)
    report_release_if_due(campaign_id=late.pk)
    out = insights(questionnaire=crisis)
    assert out["status"] == policy.OK and out["buyer_count"] == 3


def test_a_campaign_without_budget_adds_nothing(crisis, make_campaign, precise):
    campaigns = buyers(make_campaign, 3, 5)
    # The first buyer's second campaign on the questionnaire this year gets no budget: its
    # release measures nothing, and the insight neither counts its responses nor its buyer.
    second = make_campaign(campaigns[0].organisation, name="Again")
    release = released(second, count=7)
    assert release.content["privacy"]["epsilon"] == 0
    out = insights(questionnaire=crisis)
    assert out["response_count"] == 15 and out["buyer_count"] == 3


def test_a_question_backed_by_two_buyers_is_not_shown(
    client, olivia, crisis, make_campaign, precise
):
    buyers(make_campaign, 2, 5)
    # A new version asks one more question: only the buyers on it stand behind its figures.
    data = load_file(CRISIS_FILE)
    data["version"] += 1
    extra = copy.deepcopy(data["sections"][0]["questions"][0])
    extra["code"] = "q01b_new_orders"
    data["sections"][0]["questions"].append(extra)
    answers = dict(VALID_ANSWERS, q01b_new_orders="about_same")
    newer = []
    for i in range(2):
        org = Organisation.objects.create(name=f"Newer {i}", industry="apparel")
        newer.append(campaign_on(data, org, name=f"V3 {i}", languages=["en"]))
        released(newer[-1], answers)
    out = insights(questionnaire=crisis)
    assert out["status"] == policy.OK and out["buyer_count"] == 4
    questions = by_code(out)
    assert questions["q01b_new_orders"]["status"] == policy.TOO_FEW_BUYERS
    assert "cells" not in questions["q01b_new_orders"]
    # The questions every version asks come from all four buyers, against all 20 responses.
    assert questions["q01_business_impact"]["status"] == policy.SHOWN
    assert questions["q01_business_impact"]["response_count"] == 20
    assert client.login(email=olivia.email, password=PASSWORD)
    page = client.get(reverse("insights:detail", args=["crisis-impact"])).content.decode()
    assert "would come from the suppliers of fewer than 3 buyers" in page
    # A third buyer on the new version: the question is shown, against its 15 responses.
    org = Organisation.objects.create(name="Newer 2", industry="apparel")
    released(campaign_on(data, org, name="V3 2", languages=["en"]), answers)
    item = by_code(insights(questionnaire=crisis))["q01b_new_orders"]
    assert item["status"] == policy.SHOWN and item["response_count"] == 15


def test_buyer_industry_insights_follow_the_same_rules(crisis, make_campaign):
    buyers(make_campaign, 3, 5, industry="apparel")
    buyers(make_campaign, 1, 20, industry="food", first=3)
    assert insights(questionnaire=crisis, industry="apparel")["status"] == policy.OK
    assert insights(questionnaire=crisis, industry="food")["status"] == policy.TOO_FEW


def country_buyers(make_campaign) -> list:
    """Three buyers declaring a breakdown by supplier country, each with 4 Vietnamese and 4
    Thai suppliers; 6 Bangladeshi suppliers of the first buyer only, 2 Cambodian suppliers of
    each of the two others. One release each."""
    campaigns = []
    for i in range(3):
        org = Organisation.objects.create(name=f"Buyer {i}", industry="apparel")
        campaign = make_campaign(org, name=f"Crisis {i}")
        campaign_set_breakdowns(campaign=campaign, breakdowns=["country"], by=None)
        countries = [("VN", 4), ("TH", 4)] + ([("BD", 6)] if i == 0 else [("KH", 2)])
        for country, count in countries:
            for _ in range(count):
                submit_response(campaign, supplier_country=country, supplier_industry="food")
        report_release_if_due(campaign_id=campaign.pk)
        campaigns.append(campaign)
    return campaigns


def test_breakdown_sums_the_released_groups_and_needs_three_buyers_per_group(
    crisis, make_campaign, precise
):
    campaigns = country_buyers(make_campaign)
    out = insights(questionnaire=crisis, breakdown="country")
    (table,) = out["breakdowns"]
    assert table["status"] == policy.OK
    groups = {g["code"]: g["response_count"] for g in table["groups"]}
    # Each buyer's report showed VN and TH groups of 4 merged into "other"; across buyers
    # they have 12 each. BD has enough responses but one buyer, KH two buyers: they are
    # shown only together, as "other".
    assert groups == {"VN": 12, "TH": 12, policy.OTHER: 10}
    # A group's figures are the sums of the campaigns' released group vectors.
    vn = [latest_noisy(c)["groups"]["country"]["vectors"]["VN"] for c in campaigns]
    key = "q01_business_impact"
    summed = [sum(values) for values in zip(*(v[key] for v in vn), strict=True)]
    item = next(q for q in table["questions"] if q["code"] == key)["groups"]["VN"]
    expected = policy.summarise(
        design=policy.design_of(crisis.latest_version().parsed),
        total=12,
        k=5,
        cumulative={
            "vectors": {key: summed},
            "variance": {
                key: sum(
                    latest_noisy(c)["groups"]["country"]["group_variance"]["VN"][key]
                    for c in campaigns
                )
            },
            "groups": {},
        },
        epsilon=None,
    )
    assert item == by_code(expected)[key]
    # Campaigns that did not declare the breakdown add nothing to it.
    buyers(make_campaign, 3, 5, first=3)
    again = insights(questionnaire=crisis, breakdown="country")
    assert {g["code"]: g["response_count"] for g in again["breakdowns"][0]["groups"]} == groups


def test_operator_page_publish_and_public_snapshot(
    client, olivia, alice, crisis, make_campaign, precise
):
    buyers(make_campaign, 3, 5)
    assert client.login(email=alice.email, password=PASSWORD)
    assert client.get(reverse("insights:detail", args=["crisis-impact"])).status_code == 404
    client.logout()
    assert client.login(email=olivia.email, password=PASSWORD)
    page = client.get(reverse("insights:detail", args=["crisis-impact"])).content.decode()
    assert "Based on <strong>15</strong> responses to the campaigns of 3 buyers." in page
    assert "about " in page and "(±" in page  # shares with their margins
    published = client.post(
        reverse("insights:publish", args=["crisis-impact"]), {"title": "Crisis 2026"}
    )
    publication = InsightPublication.objects.get()
    assert published["Location"] == reverse("insights:public", args=[publication.slug])
    # New releases do not change a published page.
    buyers(make_campaign, 1, 5, first=3)
    client.logout()
    public = client.get(published["Location"]).content.decode()
    assert "Crisis 2026" in public and "<strong>15</strong>" in public and "(±" in public
    assert "Mr Sato" not in public
    assert client.login(email=olivia.email, password=PASSWORD)
    client.post(reverse("insights:withdraw", args=[publication.slug]))
    client.logout()
    assert client.get(published["Location"]).status_code == 404


def test_a_snapshot_published_before_noise_is_not_shown_but_does_not_fail(client, olivia, crisis):
    old = InsightPublication.objects.create(
        slug="old-format",
        questionnaire=crisis,
        title="Crisis 2025",
        published_by=olivia,
        content={
            "status": "ok",
            "response_count": 15,
            "buyer_count": 3,
            "min_responses": 5,
            "min_buyers": 3,
            "questions": [{"code": "q01_business_impact", "status": "withheld", "cells": {}}],
        },
    )
    page = client.get(reverse("insights:public", args=[old.slug]))
    assert page.status_code == 200
    assert "published in an earlier format" in page.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
def test_buyers_cannot_read_publish_or_withdraw(
    client, request, who, olivia, crisis, make_campaign
):
    user = request.getfixturevalue(who)
    buyers(make_campaign, 3, 5)
    publication = InsightPublication.objects.create(
        slug="crisis-x",
        questionnaire=crisis,
        title="Crisis",
        published_by=olivia,
        content=insights(questionnaire=crisis),
    )
    assert client.login(email=user.email, password=PASSWORD)
    assert client.get(reverse("insights:index")).status_code == 404
    assert client.get(reverse("insights:detail", args=["crisis-impact"])).status_code == 404
    response = client.post(reverse("insights:publish", args=["crisis-impact"]), {"title": "x"})
    assert response.status_code == 404
    assert InsightPublication.objects.count() == 1
    response = client.post(reverse("insights:withdraw", args=[publication.slug]))
    assert response.status_code == 404
    publication.refresh_from_db()
    assert publication.withdrawn_at is None
    # The published page itself is public.
    assert client.get(reverse("insights:public", args=[publication.slug])).status_code == 200


def test_export_command(crisis, make_campaign, precise):
    with pytest.raises(CommandError, match="Not enough data"):
        call_command("export_insights", "crisis-impact", stdout=io.StringIO())
    buyers(make_campaign, 3, 5)
    out = io.StringIO()
    call_command("export_insights", "crisis-impact", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        "question,question_text,answer,answer_text,percent,margin,status,status_text"
    )
    assert any(
        line.startswith("q11_comments,")
        and line.endswith(",free_text,Free text: never shown in a summary")
        for line in lines
    )
    shares = [line.split(",") for line in lines if line.startswith("q01_business_impact,")]
    assert shares and all(row[-2] == "shown" and row[4] and row[5] for row in shares)
    assert any(line.startswith("_topic_risk,") for line in lines)


def test_operator_page_and_export_by_supplier_country(
    client, olivia, alice, crisis, make_campaign, precise
):
    country_buyers(make_campaign)
    url = reverse("insights:detail", args=["crisis-impact"])
    assert client.login(email=olivia.email, password=PASSWORD)
    assert 'id="breakdown-country"' not in client.get(url).content.decode()
    page = client.get(url, {"by": "country"}).content.decode()
    assert 'id="breakdown-country"' in page and "Vietnam" in page and "Bangladesh" not in page
    client.post(reverse("insights:publish", args=["crisis-impact"]), {"by": "country"})
    client.logout()
    public = client.get(reverse("insights:public", args=[InsightPublication.objects.get().slug]))
    assert 'id="breakdown-country"' in public.content.decode()
    assert client.login(email=alice.email, password=PASSWORD)
    assert client.get(url, {"by": "country"}).status_code == 404
    out = io.StringIO()
    call_command("export_insights", "crisis-impact", by="country", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0].endswith(",status,status_text,breakdown,breakdown_text,group,group_text")
    assert (
        "_responses,Responses in this group,_count,12,,,shown,Shown,"
        "country,Supplier country,VN,Vietnam"
    ) in lines
    assert not any(",country,Supplier country,BD," in line for line in lines)
    # By supplier industry every supplier is in food: one group, nothing to compare.
    by_industry = insights(questionnaire=crisis, breakdown="industry")["breakdowns"][0]
    assert by_industry["status"] == policy.TOO_FEW
