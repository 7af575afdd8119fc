"""Summary Report releases and the report page: the only way a buyer sees answers."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from hrdd import policy
from hrdd.reports.models import ReportRelease
from hrdd.reports.selectors import campaign_raw_counts
from hrdd.reports.services import report_release_if_due
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, run_tasks, submit_response

pytestmark = pytest.mark.django_db


def report_page(client, user, campaign) -> str:
    assert client.login(email=user.email, password=PASSWORD)
    page = client.get(reverse("reports:summary", args=[campaign.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_counts_are_computed_by_the_database(campaign_a, django_assert_num_queries):
    for _ in range(3):
        submit_response(campaign_a)
    # A count and one GROUP BY, the same query as the bare baseline in bench/report.py.
    with django_assert_num_queries(2):
        total, counts, answered = campaign_raw_counts(campaign=campaign_a)
    assert total == 3
    assert counts["q03_health_safety_measures"] == {"risk_assessment": 3, "free_masks_hygiene": 3}
    assert answered["q11_comments"] == 3
    assert answered["q03_health_safety_measures"] == 3  # respondents, not ticked boxes
    assert "q11_comments" not in counts  # free text is never counted as an option


def test_nothing_is_released_below_the_minimum(client, alice, campaign_a):
    for _ in range(4):
        submit_response(campaign_a)
    assert report_release_if_due(campaign_id=campaign_a.pk) is None
    text = report_page(client, alice, campaign_a)
    assert "No results yet" in text and "at least 5 responses" in text
    assert "Based on" not in text


def test_releases_come_in_batches_so_one_response_is_never_isolated(campaign_a):
    for _ in range(5):
        submit_response(campaign_a)
    first = report_release_if_due(campaign_id=campaign_a.pk)
    assert first.number == 1 and first.response_count == 5
    # One more response, then three more: still fewer than 5 new, so no new release that
    # the buyer could compare with the first one to learn what the newcomers answered.
    for _ in range(4):
        submit_response(campaign_a)
        assert report_release_if_due(campaign_id=campaign_a.pk) is None
    submit_response(campaign_a)
    second = report_release_if_due(campaign_id=campaign_a.pk)
    assert second.number == 2 and second.response_count == 10
    assert report_release_if_due(campaign_id=campaign_a.pk) is None  # idempotent


def test_each_release_waits_until_the_responses_have_doubled(campaign_a):
    """Every batch is measured once and its noise stays in every later figure: few, large
    batches keep the report precise (docs/privacy.md, release schedule)."""
    for _ in range(23):
        submit_response(campaign_a)
        report_release_if_due(campaign_id=campaign_a.pk)
    counts = list(
        ReportRelease.objects.filter(campaign=campaign_a)
        .order_by("number")
        .values_list("response_count", flat=True)
    )
    assert counts == [5, 10, 20]
    assert all(b - a >= campaign_a.min_responses for a, b in zip(counts, counts[1:], strict=False))


def test_a_release_measures_only_the_responses_since_the_previous_one(campaign_a):
    """Parallel composition: the second release adds a new batch's noisy counts to the first
    release's, it does not measure the first batch again."""
    for _ in range(5):
        submit_response(campaign_a)
    first = report_release_if_due(campaign_id=campaign_a.pk)
    for _ in range(5):
        submit_response(campaign_a)
    second = report_release_if_due(campaign_id=campaign_a.pk)
    key = "q01_business_impact"
    before, after = first.content["noisy"], second.content["noisy"]
    assert after["variance"][key] == pytest.approx(2 * before["variance"][key])
    assert second.content["privacy"] == {
        "epsilon": 1.0,
        "spent_per_batch": pytest.approx(1.0),
        "batches": 2,
    }


def test_the_worker_releases_after_submissions(campaign_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            submit_response(campaign_a)
    run_tasks()
    assert ReportRelease.objects.get(campaign=campaign_a).response_count == 5


def test_a_closed_campaign_keeps_the_batch_rule(campaign_a):
    for _ in range(7):
        submit_response(campaign_a)
    report_release_if_due(campaign_id=campaign_a.pk)
    with time_machine.travel(campaign_a.closes_at + timedelta(days=1)):
        assert report_release_if_due(campaign_id=campaign_a.pk) is None


def submit_many(campaign, count, answers=None):
    for i in range(count):
        submit_response(campaign, answers(i) if answers else None)


def test_the_report_page_shows_released_figures_only(client, alice, campaign_a):
    submit_many(
        campaign_a,
        80,
        lambda i: dict(
            VALID_ANSWERS, q01_business_impact="down_10_to_29" if i < 40 else "about_same"
        ),
    )
    report_release_if_due(campaign_id=campaign_a.pk)
    for _ in range(3):  # not yet released: must not show up anywhere
        submit_response(campaign_a, dict(VALID_ANSWERS, q01_business_impact="up_10_or_more"))
    text = report_page(client, alice, campaign_a)
    assert "Based on <strong>80</strong> responses" in text
    q01 = text[text.index('id="q-q01_business_impact"') : text.index('id="q-q02')]
    # A share with its margin, near the truth (50 %), never a count.
    shares = re.findall(r"about (\d+) % \(±(\d+)\)", q01)
    assert len(shares) >= 2
    row = next(r for r in q01.split("<tr") if "Down by 10-29%" in r and "<td" in r)
    down = re.search(r"about (\d+) % \(±(\d+)\)", row)
    share, margin = int(down[1]), int(down[2])
    assert margin <= 20 and abs(share - 50) <= 2 * margin
    assert "<svg" in q01  # with a chart
    assert "Mr Sato" not in text


def test_unanimous_answers_are_not_attributed_to_every_supplier(client, alice, campaign_a):
    """Six suppliers who all say the same: the page shows no figure that says "all 6" (the
    margin at six responses is too wide to show any), and says why."""
    for _ in range(6):
        submit_response(campaign_a)  # all "Paid in full and on time"
    report_release_if_due(campaign_id=campaign_a.pk)
    text = report_page(client, alice, campaign_a)
    q04 = text[text.index('id="q-q04_wages_paid"') : text.index('id="q-q05')]
    assert "Not shown yet: with 6 responses" in q04
    assert "100 %" not in q04 and '<td class="num">6</td>' not in q04


def test_viewer_reads_the_report_and_outsider_cannot(client, bob, carol, campaign_a):
    for _ in range(5):
        submit_response(campaign_a)
    report_release_if_due(campaign_id=campaign_a.pk)
    assert "Based on" in report_page(client, bob, campaign_a)
    client.logout()
    assert client.login(email=carol.email, password=PASSWORD)
    assert client.get(reverse("reports:summary", args=[campaign_a.pk])).status_code == 404


def test_the_report_is_rendered_in_the_readers_language(client, alice, campaign_a):
    submit_many(campaign_a, 60)
    report_release_if_due(campaign_id=campaign_a.pk)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    text = report_page(client, alice, campaign_a)
    assert "操業時間または生産量を縮小して操業している" in text


@pytest.mark.parametrize(
    ("count", "k", "band"),
    [
        (0, 5, (0, 4)),  # the first response does not show: 0 and 1 look the same
        (1, 5, (0, 4)),
        (4, 5, (0, 4)),
        (5, 5, (5, 9)),
        (99, 5, (50, 99)),
        (700, 5, (500, None)),
        (1000, 5, (1000, None)),
        (11, 12, (0, 11)),
        (12, 12, (12, 24)),
    ],
)
def test_response_bands(count, k, band):
    assert policy.response_band(count, k) == band


def test_measures_follow_the_released_figures_only(client, alice, campaign_a):
    from hrdd.reports.measures import _measures

    if "wages_hours" not in _measures():
        pytest.fail("hrdd/reports/measures.yaml has no measures for wages_hours")
    submit_many(
        campaign_a,
        80,
        lambda i: dict(VALID_ANSWERS, q04_wages_paid="some_unpaid" if i < 40 else "full_on_time"),
    )
    report_release_if_due(campaign_id=campaign_a.pk)
    text = report_page(client, alice, campaign_a)
    measures = text[text.index('id="measures"') :]
    # Half unpaid, far above the margin: high risk, so wages come first, naming the question.
    first = measures[: measures.index("</article>")]
    assert "Wages and working hours" in first and "High risk" in first
    assert "Sources:" in first


def test_no_measures_when_nothing_risky_is_released(client, alice, campaign_a):
    calm = dict(VALID_ANSWERS, q01_business_impact="about_same", q02_operational_status="normal")
    for _ in range(5):
        submit_response(campaign_a, calm)  # no medium or high risk answer anywhere
    report_release_if_due(campaign_id=campaign_a.pk)
    text = report_page(client, alice, campaign_a)
    measures = text[text.index('id="measures"') :]
    assert "do not show medium or high risk" in measures


def test_the_first_release_waits_for_a_hundred_responses_by_default(settings):
    settings.PRIVACY_FIRST_RELEASE = 100
    batch_size = policy.batch_size
    assert batch_size(5, 0) == 100 and batch_size(120, 0) == 120
    assert batch_size(5, 100) == 100 and batch_size(5, 1000) == 1000 and batch_size(8, 3) == 8


def test_at_close_the_last_batch_needs_only_the_minimum(campaign_a):
    for _ in range(20):
        submit_response(campaign_a)
        report_release_if_due(campaign_id=campaign_a.pk)
    # Released at 5, 10 and 20; 6 more arrive. While open, 20 more are needed (doubling).
    for _ in range(6):
        submit_response(campaign_a)
    assert report_release_if_due(campaign_id=campaign_a.pk) is None
    with time_machine.travel(campaign_a.closes_at + timedelta(minutes=1)):
        release = report_release_if_due(campaign_id=campaign_a.pk)
    assert release.number == 4 and release.reason == "close" and release.response_count == 26
