"""The hostile buyer, end to end: it controls the public URL, its campaigns and the supplier
attributes, reads every page and export, and tries to recover one real supplier's answer.

Each test plays one of the routes that broke the first version (docs/privacy.md, threat
model) over HTTP as the buyer, then measures what it recovers. Where the released page gives
it nothing to decode, the test also repeats the measurement the release made many times (the
same OpenDP mechanism on the same counts) and checks that even the noisy counts behind the
page (a surface stronger than any the buyer has) let it guess no better than e^eps allows.
"""

import csv
import io
import math
import random
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.policy.summary import project
from hrdd.reports.models import ReportRelease
from hrdd.reports.services import report_release_if_due
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, answer_as_supplier, submit_response

pytestmark = pytest.mark.django_db

WAGES = "q04_wages_paid"
BOUND = math.e / (1 + math.e)  # the best guess rate at eps = 1, from even odds


def answer_over_the_public_url(campaign: Campaign, answers: dict) -> None:
    """A respondent (the buyer itself, or a real supplier) answers through the public URL."""
    answer_as_supplier(campaign.response_path(), answers)


def close_and_release(campaign: Campaign) -> ReportRelease:
    with time_machine.travel(campaign.closes_at + timedelta(minutes=1)):
        release = report_release_if_due(campaign_id=campaign.pk)
    assert release is not None
    return release


def buyer_reads(client, campaign) -> tuple[str, list[list[str]]]:
    page = client.get(reverse("reports:summary", args=[campaign.pk])).content.decode()
    export = client.get(reverse("reports:summary_export", args=[campaign.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    return page, rows


def repeated_guesses(release: ReportRelease, campaign, question_code, target, other, trials):
    """The buyer's best decision, from the noisy counts a release of these very responses
    draws, over `trials` worlds where the one real supplier's answer is `target` or `other`
    at even odds (the counts of the buyer's own responses known to it)."""
    definition = campaign.questionnaire_version.parsed
    design = policy.design_of(definition)
    question = definition.question(question_code)
    cells = policy.vectors_of(question)[question_code]
    epsilon = release.content["privacy"]["epsilon"]
    total = release.response_count
    plan = policy.plan_batch(epsilon=epsilon, batch=total, dimensions=0, design=design)
    scales = policy.scales_of(design, plan, plan.questions)
    rng = random.Random(11)
    right = 0
    for _ in range(trials):
        secret = rng.random() < 0.5
        counts = {target: 1 if secret else 0, other: (total - 1) + (0 if secret else 1)}
        # The release's own measurement of this question, drawn again.
        raw = policy.raw_vectors(design, total, {question_code: counts}, {})
        vectors = policy.add_noise({question_code: raw[question_code]}, scales)
        noisy = dict(zip(cells, vectors[question_code], strict=True))
        guess = (noisy[target] - 0.5) - (noisy[other] - (total - 0.5)) > 0
        right += guess == secret
    return right / trials


def both_worlds_covered(release, campaign, question_code, target, other, margin, trials=1000):
    """The share of redraws of the release's measurement (the real answer being `target`)
    whose interval, share +/- margin as the report rounds it, holds both 0 % and 1 %."""
    definition = campaign.questionnaire_version.parsed
    design = policy.design_of(definition)
    total = release.response_count
    plan = policy.plan_batch(
        epsilon=release.content["privacy"]["epsilon"], batch=total, dimensions=0, design=design
    )
    scales = policy.scales_of(design, plan, plan.questions)
    cells = policy.vectors_of(definition.question(question_code))[question_code]
    counts = {target: 1, other: total - 1}
    raw = policy.raw_vectors(design, total, {question_code: counts}, {})
    covered = 0
    for _ in range(trials):
        noisy = policy.add_noise({question_code: raw[question_code]}, scales)[question_code]
        estimates = dict(zip(cells, project([float(v) for v in noisy], total), strict=True))
        share = max(0, min(100, round(100 * estimates[target] / total)))
        covered += share - margin <= 0 and share + margin >= 1
    return covered / trials


def test_route_3_fake_respondents_decode_nothing(client, alice, campaign_a):
    """The buyer answers k - 1 times through the public URL with answers it knows, then one
    real supplier answers. The campaign closes and the buyer reads every surface: no figure
    of the real supplier's answer, only margins too wide to show; and the noisy counts the
    release drew would let it guess only within the bound."""
    fake = dict(VALID_ANSWERS, q04_wages_paid="full_on_time")
    for _ in range(campaign_a.min_responses - 1):
        answer_over_the_public_url(campaign_a, fake)
    answer_over_the_public_url(campaign_a, dict(VALID_ANSWERS, q04_wages_paid="some_unpaid"))
    release = close_and_release(campaign_a)
    assert release.response_count == 5
    assert client.login(email=alice.email, password=PASSWORD)
    page, rows = buyer_reads(client, campaign_a)
    q04 = page[page.index(f'id="q-{WAGES}"') : page.index('id="q-q05')]
    assert "Not shown yet: with 5 responses" in q04
    assert "Some wages" not in q04 and "%" not in q04.replace("±", "")
    wages_rows = [r for r in rows if r[0] == WAGES]
    assert [r[6] for r in wages_rows] == ["uncertain"] and wages_rows[0][4] == ""
    rate = repeated_guesses(release, campaign_a, WAGES, "some_unpaid", "full_on_time", 2000)
    assert rate <= BOUND + 0.03, rate


def test_route_3_many_fakes_still_bounded(client, alice, campaign_a):
    """With 99 fakes the figures show, "about x % (±m)": the one real answer moves the share
    by one point inside a margin of several. What the buyer reads is consistent with both
    answers, and repeated draws keep its guess rate within the bound."""
    fake = dict(VALID_ANSWERS, q04_wages_paid="full_on_time")
    for _ in range(99):
        submit_response(campaign_a, fake)
    answer_over_the_public_url(campaign_a, dict(VALID_ANSWERS, q04_wages_paid="some_unpaid"))
    release = close_and_release(campaign_a)
    assert client.login(email=alice.email, password=PASSWORD)
    _page, rows = buyer_reads(client, campaign_a)
    unpaid = next(r for r in rows if r[0] == WAGES and r[2] == "some_unpaid")
    share, margin = int(unpaid[4]), int(unpaid[5])
    # The one real answer moves the share by one point; the margin the buyer reads (which
    # depends only on the noise scale and the count, never on the answers) is five times that.
    assert unpaid[6] == "shown" and margin >= 5 and 0 <= share <= 100
    # One page is one draw of the noise, and its 95 % interval misses the truth one time in
    # twenty; over many draws of this release's measurement, the interval the buyer reads
    # holds both worlds (0 % and 1 % unpaid) at least 95 times in 100.
    covered = both_worlds_covered(release, campaign_a, WAGES, "some_unpaid", "full_on_time", margin)
    assert covered >= 0.95, covered
    rate = repeated_guesses(release, campaign_a, WAGES, "some_unpaid", "full_on_time", 2000)
    assert rate <= BOUND + 0.03, rate


def test_route_5_a_second_campaign_cannot_be_subtracted(client, alice, org_a, campaign_a):
    """The buyer runs a second campaign on the same questionnaire over the same suppliers
    minus one, to subtract the two reports. Its budget for the year is spent by the first
    campaign: the second report shows no figure to subtract, and says why."""
    for i in range(30):
        wages = "paid_late" if i else "some_unpaid"  # the one the buyer wants to isolate
        submit_response(campaign_a, dict(VALID_ANSWERS, q04_wages_paid=wages))
    close_and_release(campaign_a)
    assert client.login(email=alice.email, password=PASSWORD)
    created = client.post(
        reverse("campaigns:create", args=[org_a.pk]),
        {
            "name": "Crisis 2026, again",
            "questionnaire_version": campaign_a.questionnaire_version_id,
            "languages": ["en"],
            "opens_at": campaign_a.opens_at.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": campaign_a.closes_at.strftime("%Y-%m-%dT%H:%M"),
            "min_responses": 5,
            "mode": "confidential",
        },
    )
    second = Campaign.objects.exclude(pk=campaign_a.pk).get(organisation=org_a)
    assert created.status_code == 302, created.content.decode()[:1500]
    # The buyer is told before anyone answers, on the campaign's page.
    detail = client.get(reverse("campaigns:detail", args=[second.pk])).content.decode()
    assert "This campaign's report will show no figures" in detail
    assert campaign_a.name in detail
    for _ in range(29):
        answer_over_the_public_url(second, dict(VALID_ANSWERS, q04_wages_paid="paid_late"))
    release = close_and_release(second)
    assert release.content["privacy"]["epsilon"] == 0
    page, rows = buyer_reads(client, second)
    assert "privacy budget for this questionnaire this year was used" in page
    assert {r[6] for r in rows[1:] if r[0].startswith("q")} <= {"no_budget", "free_text"}
    assert not any(r[4] for r in rows[1:])


def test_route_6_two_dimensions_differenced_stay_within_the_bound(campaign_a):
    """The buyer gives one real supplier a country and an industry no other supplier has,
    declares breakdowns by both, and differences each group against the overall figures.
    Every figure it can combine (overall, indicators, both tables) was measured on a share of
    one budget: the target's answer is spent at most eps, and the best combined guess over
    the noisy counts stays within the bound."""
    Campaign.objects.filter(pk=campaign_a.pk).update(breakdowns=["country", "industry"])
    for i in range(40):
        submit_response(
            campaign_a,
            dict(VALID_ANSWERS, q04_wages_paid="full_on_time"),
            supplier_country="VN" if i % 2 else "TH",
            supplier_industry="apparel" if i % 2 else "food",
        )
    submit_response(
        campaign_a,
        dict(VALID_ANSWERS, q04_wages_paid="some_unpaid"),
        supplier_country="KH",
        supplier_industry="toys",
    )
    release = close_and_release(campaign_a)
    assert release.content["privacy"]["spent_per_batch"] <= 1.0 + 1e-9
    # The target's groups are measured (noisy) but never shown alone: merged into "other".
    for breakdown in release.content["breakdowns"]:
        assert {"KH", "toys"}.isdisjoint(g["code"] for g in breakdown["groups"])

    definition = campaign_a.questionnaire_version.parsed
    design = policy.design_of(definition)
    question = definition.question(WAGES)
    cells = policy.vectors_of(question)[WAGES]
    plan = policy.plan_batch(epsilon=1.0, batch=41, dimensions=2, design=design)
    overall_scale = policy.scales_of(design, plan, plan.questions)[WAGES]
    group_scale = policy.scales_of(design, plan, plan.breakdown)[WAGES]
    rng = random.Random(5)
    right, trials = 0, 2000
    for _ in range(trials):
        secret = rng.random() < 0.5
        target = {"some_unpaid": 1} if secret else {"full_on_time": 1}
        overall = {"full_on_time": 40 + target.get("full_on_time", 0)}
        overall["some_unpaid"] = target.get("some_unpaid", 0)
        # The three measurements of the target's answer a release draws: overall, its
        # country group and its industry group (each at its own share of the budget).
        whole = policy.raw_vectors(design, 41, {WAGES: overall}, {})[WAGES]
        alone = policy.raw_vectors(design, 1, {WAGES: target}, {})[WAGES]
        noisy_whole = policy.add_noise({WAGES: whole}, {WAGES: overall_scale})[WAGES]
        noisy_country = policy.add_noise({WAGES: alone}, {WAGES: group_scale})[WAGES]
        noisy_industry = policy.add_noise({WAGES: alone}, {WAGES: group_scale})[WAGES]
        evidence = 0.0
        for vector, known_full, weight in (
            (noisy_whole, 40, plan.questions),
            (noisy_country, 0, plan.breakdown),
            (noisy_industry, 0, plan.breakdown),
        ):
            noisy = dict(zip(cells, vector, strict=True))
            # +1 if the target is unpaid, -1 if not, plus noise; each observation weighed by
            # its precision (its share of the budget), as an optimal attacker would.
            evidence += weight * (noisy["some_unpaid"] - (noisy["full_on_time"] - known_full))
        right += (evidence > 0) == secret
    assert right / trials <= BOUND + 0.03, right / trials
