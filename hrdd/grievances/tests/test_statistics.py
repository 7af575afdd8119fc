"""The channel's effectiveness page (UNGP 31) and the aggregate statistics: filled from the
cases, with small cells suppressed; only the organisation's handlers (and the operator,
program-wide) see them."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse

from hrdd.grievances import services, statistics
from hrdd.grievances.models import Case
from hrdd.testing.grievances import channel, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_a(org_a, alice):
    return channel(org_a, alice)


def make_cases(client, channel_a, count, *, category="", acknowledged_after=None):
    for _n in range(count):
        send(client, channel_a)
    cases = Case.objects.filter(channel=channel_a).order_by("-pk")[:count]
    for case in cases:
        case.category = category
        if acknowledged_after is not None:
            case.acknowledged_at = case.received_at + acknowledged_after
            case.state = Case.State.ACKNOWLEDGED
        case.save()


def test_small_cells_are_hidden_and_one_more_when_they_could_be_worked_out():
    rows = statistics.breakdown(Counter({"wages": 9, "hours": 6, "safety": 2}))
    assert [(r["label"], r["count"]) for r in rows] == [
        ("wages", 9),
        ("hours", None),  # hidden too: else 17 - 9 - 6 would give safety's 2
        ("safety", None),
    ]
    rows = statistics.breakdown(Counter({"wages": 9, "hours": 6, "safety": 3, "child": 3}))
    assert [r["count"] for r in rows] == [9, 6, None, None]  # 6 hidden: enough
    assert statistics.median_days([timedelta(days=2)] * 4) is None
    assert statistics.median_days([timedelta(days=2)] * 5) == 2.0


def test_statistics_show_figures_from_enough_cases_only(client, org_a, alice, channel_a):
    make_cases(client, channel_a, 5, category="wages", acknowledged_after=timedelta(days=3))
    make_cases(client, channel_a, 2, category="forced_labour")
    client.force_login(alice)
    page = client.get(reverse("grievances:statistics", args=[org_a.pk]))
    figures = page.context["figures"]
    assert figures["total"] == 7
    assert figures["acknowledge_days"] == 3.0
    topics = {str(r["label"]): r["count"] for r in figures["by_topic"]}
    assert None in topics.values() and 5 not in topics.values()  # 2 hidden, and 5 with it
    assert "no figure is shown for fewer than 5 cases" in page.content.decode()


def test_the_effectiveness_page_names_the_eight_criteria_and_the_data(
    client, org_a, alice, channel_a
):
    make_cases(client, channel_a, 5, acknowledged_after=timedelta(days=2))
    client.force_login(alice)
    page = client.get(reverse("grievances:effectiveness", args=[org_a.pk, channel_a.pk]))
    text = page.content.decode()
    for name in (
        "Legitimate",
        "Accessible",
        "Predictable",
        "Equitable",
        "Transparent",
        "Rights-compatible",
        "A source of continuous learning",
        "Based on engagement and dialogue",
    ):
        assert name in text
    assert "3 languages offered: English, Vietnamese, Burmese." in text
    assert "Median days to acknowledge: 2.0" in text
    assert "Reporters satisfied with the handling (%): no figure yet" in text


def test_the_reporter_answers_the_satisfaction_question_once_closed(client, alice, channel_a):
    _page, code = send(client, channel_a)
    case = Case.objects.get()
    receipt = reverse("grievances:receipt", args=[channel_a.slug])
    page = client.post(receipt, {"code": code})
    assert "are you satisfied" not in page.content.decode()
    services.case_state_set(case=case, state=Case.State.CLOSED, by=alice)
    page = client.post(receipt, {"code": code})
    assert "are you satisfied with how your report was handled?" in page.content.decode()
    client.post(receipt, {"code": code, "satisfaction": "partly"})
    case.refresh_from_db()
    assert case.satisfaction == "partly"


@pytest.mark.parametrize("name", ["statistics", "effectiveness"])
def test_only_the_organisations_handlers_see_the_figures(
    client, org_a, alice, bob, carol, channel_a, name
):
    args = [org_a.pk] if name == "statistics" else [org_a.pk, channel_a.pk]
    url = reverse(f"grievances:{name}", args=args)
    assert client.get(url).status_code == 302
    client.force_login(carol)
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 403
    client.force_login(alice)
    assert client.get(url).status_code == 200


def test_the_program_statistics_are_the_operators_only(client, alice, olivia, channel_a):
    url = reverse("grievances:program_statistics")
    make_cases(client, channel_a, 6)
    assert client.get(url).status_code == 302
    client.force_login(alice)
    assert client.get(url).status_code == 404
    client.force_login(olivia)
    page = client.get(url)
    assert page.status_code == 200 and page.context["figures"]["total"] == 6
