"""Breakdowns by supplier country, industry or size: only declared dimensions, each group
measured with noise on the dimension's share of the budget, small groups merged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_countries.fields import Country
from hypothesis import given, settings
from hypothesis import strategies as st

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.reports.services import report_release_if_due
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, submit_response

BUSINESS = "q01_business_impact"


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 9), min_size=2, max_size=4), st.integers(3, 5))
def test_no_small_group_is_shown_and_no_hidden_size_is_the_total_minus_the_shown(sizes, k):
    """A group below k is never shown on its own; the others are merged into "other", which
    holds k or more and always two values or more, so that the total minus the shown sizes
    is never one hidden group's size (group sizes are about who answered, which the
    guarantee on answers does not cover)."""
    values = {f"v{i}": n for i, n in enumerate(sizes)}
    shown, other = policy.breakdown_groups(values, k)
    assert all(values[g] >= k for g in shown)
    if other and shown:
        assert sum(values[g] for g in other) >= k and len(other) >= 2


def country_campaign(campaign, breakdowns=("country",)):
    """60 responses from Vietnam (24), Thailand (24) and Bangladesh (12), half of each
    country down 10-29 % and half about the same."""
    Campaign.objects.filter(pk=campaign.pk).update(breakdowns=list(breakdowns))
    for country, count in (("VN", 24), ("TH", 24), ("BD", 12), ("KH", 2), ("LA", 1)):
        for i in range(count):
            impact = "down_10_to_29" if i % 2 else "about_same"
            submit_response(
                campaign,
                dict(VALID_ANSWERS, q01_business_impact=impact),
                supplier_country=country,
                supplier_industry="apparel",
                supplier_size="10-49",
            )
    release = report_release_if_due(campaign_id=campaign.pk)
    assert release is not None and release.response_count == 63
    return release


@pytest.mark.django_db
def test_only_declared_dimensions_are_released_and_small_groups_merged(campaign_a):
    release = country_campaign(campaign_a)
    (country,) = release.content["breakdowns"]
    assert country["dimension"] == "country"
    # Cambodia (2) and Laos (1) are too small: "other" takes Bangladesh too to reach k.
    assert country["groups"] == [
        {"code": "TH", "response_count": 24},
        {"code": "VN", "response_count": 24},
        {"code": policy.OTHER, "response_count": 15},
    ]
    # Every group is measured, with the dimension's half of the budget.
    noisy = release.content["noisy"]["groups"]["country"]
    assert set(noisy["vectors"]) == {"VN", "TH", "BD", "KH", "LA"}
    q01 = next(q for q in country["questions"] if q["code"] == BUSINESS)
    assert set(q01["groups"]) == {g["code"] for g in country["groups"]}
    assert "count" not in str(q01)
    assert not any(q["code"] == "q11_comments" for q in country["questions"])
    assert release.content["privacy"]["spent_per_batch"] == pytest.approx(1.0)


@pytest.mark.django_db
def test_a_campaign_without_breakdowns_releases_none(campaign_a):
    release = country_campaign(campaign_a, breakdowns=())
    assert "breakdowns" not in release.content
    assert release.content["noisy"]["groups"] == {}


@pytest.mark.django_db
def test_the_page_shows_the_declared_breakdown_from_the_release_only(client, alice, campaign_a):
    country_campaign(campaign_a)
    assert client.login(email=alice.email, password=PASSWORD)
    with CaptureQueriesContext(connection) as queries:
        text = client.get(reverse("reports:summary", args=[campaign_a.pk])).content.decode()
    # Served from the stored release: no answer or response is read to show it.
    assert not any("responses_answer" in q["sql"] for q in queries.captured_queries)
    section = text[text.index('id="breakdown-country"') :]
    assert "By supplier country" in section and "By supplier industry" not in text
    for code in ("VN", "TH"):
        assert Country(code).name in section
    for code in ("BD", "KH", "LA"):  # merged into "other"
        assert Country(code).name not in section
    q01 = section[section.index(f'id="breakdown-country-{BUSINESS}"') :]
    q01 = q01[: q01.index("</article>")]
    # Groups of 15-24 on half of the budget: too uncertain to show, and the page says so
    # rather than showing a count.
    assert "Not shown by group yet" in q01 and '<td class="num">1' not in q01
    assert "Mr Sato" not in text
