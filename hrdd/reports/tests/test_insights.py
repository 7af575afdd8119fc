"""Operator insights across buyers: same rules as a buyer's report, plus a minimum number of
distinct buyers behind every figure. Only the operator sees them; published snapshots are
public and fixed."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import PASSWORD, VALID_ANSWERS, submit_response
from hrdd.organisations.models import Organisation
from hrdd.questionnaires.models import Questionnaire
from hrdd.reports import policy
from hrdd.reports.insights import insights
from hrdd.reports.models import InsightPublication

pytestmark = pytest.mark.django_db


@pytest.fixture
def crisis():
    return Questionnaire.objects.get(code="crisis-impact")


def buyers(make_campaign, count, responses_each, answers=None, industry="apparel"):
    campaigns = []
    for i in range(count):
        org = Organisation.objects.create(name=f"Buyer {i}", industry=industry)
        campaign = make_campaign(org, name=f"Crisis {i}")
        for _ in range(responses_each):
            submit_response(campaign, answers)
        campaigns.append(campaign)
    return campaigns


def test_too_few_buyers_show_nothing(crisis, make_campaign):
    buyers(make_campaign, 2, 10)
    assert insights(questionnaire=crisis)["status"] == policy.TOO_FEW


def test_answers_of_all_buyers_count_together(crisis, make_campaign):
    buyers(make_campaign, 3, 4)
    out = insights(questionnaire=crisis)
    assert out["status"] == policy.OK
    assert out["response_count"] == 12 and out["buyer_count"] == 3


def test_a_figure_from_one_buyer_is_hidden_even_when_large(crisis, make_campaign):
    # Buyers 0-2 each have 6 "about the same"; only buyer 3's 10 suppliers say "down 30%".
    buyers(make_campaign, 3, 6, dict(VALID_ANSWERS, q01_business_impact="about_same"))
    buyers(make_campaign, 1, 10, dict(VALID_ANSWERS, q01_business_impact="down_30_or_more"))
    out = insights(questionnaire=crisis)
    q01 = next(q for q in out["questions"] if q["code"] == "q01_business_impact")
    # 10 answers but from a single buyer: the figure would describe that buyer's suppliers,
    # and hiding it alone would let it be recomputed from the total: the question goes.
    assert q01["status"] == policy.WITHHELD
    # The same answers spread over three buyers are shown.
    buyers(make_campaign, 2, 5, dict(VALID_ANSWERS, q01_business_impact="down_30_or_more"))
    out = insights(questionnaire=crisis)
    q01 = next(q for q in out["questions"] if q["code"] == "q01_business_impact")
    assert q01["cells"]["down_30_or_more"]["count"] == 20


def test_buyer_industry_breakdown_follows_the_same_rules(crisis, make_campaign):
    buyers(make_campaign, 3, 5, industry="apparel")
    buyers(make_campaign, 1, 20, industry="food")
    assert insights(questionnaire=crisis, industry="apparel")["status"] == policy.OK
    assert insights(questionnaire=crisis, industry="food")["status"] == policy.TOO_FEW


def test_operator_page_publish_and_public_snapshot(client, olivia, alice, crisis, make_campaign):
    buyers(make_campaign, 3, 5)
    assert client.login(email=alice.email, password=PASSWORD)
    assert client.get(reverse("insights:detail", args=["crisis-impact"])).status_code == 404
    client.logout()
    assert client.login(email=olivia.email, password=PASSWORD)
    page = client.get(reverse("insights:detail", args=["crisis-impact"]))
    assert "Based on <strong>15</strong> responses to the campaigns of 3 buyers." in (
        page.content.decode()
    )
    published = client.post(
        reverse("insights:publish", args=["crisis-impact"]), {"title": "Crisis 2026"}
    )
    publication = InsightPublication.objects.get()
    assert published["Location"] == reverse("insights:public", args=[publication.slug])
    # New responses do not change a published page.
    buyers(make_campaign, 1, 5)
    client.logout()
    public = client.get(published["Location"]).content.decode()
    assert "Crisis 2026" in public and "<strong>15</strong>" in public
    assert "Mr Sato" not in public
    assert client.login(email=olivia.email, password=PASSWORD)
    client.post(reverse("insights:withdraw", args=[publication.slug]))
    client.logout()
    assert client.get(published["Location"]).status_code == 404


def test_export_command(crisis, make_campaign):
    with pytest.raises(CommandError, match="Not enough data"):
        call_command("export_insights", "crisis-impact", stdout=io.StringIO())
    buyers(make_campaign, 3, 5)
    out = io.StringIO()
    call_command("export_insights", "crisis-impact", stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == "question,answer,count,percent,status"
    assert any(line.startswith("q11_comments,,,,free_text") for line in lines)
