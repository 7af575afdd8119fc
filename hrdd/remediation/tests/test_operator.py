"""The operator's overview of findings across buyers: figures only where enough buyers and
suppliers stand behind them (hrdd.policy), small values merged, no name anywhere."""

import pytest
from django.urls import reverse

from hrdd.remediation import selectors
from hrdd.testing.world import buyers_with_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def pooled(settings):
    """Three buyers with findings in Viet Nam and Thailand; Cambodia only at two buyers, one
    of them with many findings there (a small cell a hostile reader would like to see)."""
    settings.INSIGHTS_MIN_BUYERS = 3
    settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES = 5
    return buyers_with_findings(
        {
            "Buyer One": {"VN": 3, "TH": 2, "KH": 6},
            "Buyer Two": {"VN": 2, "TH": 2, "KH": 1},
            "Buyer Three": {"VN": 2, "TH": 2},
        }
    )


def test_only_figures_of_enough_buyers_are_shown_and_small_ones_merged(client, olivia, pooled):
    overview = selectors.operator_overview()
    assert overview.shown and overview.total.findings == 20
    countries = {c.value: c.findings for c in overview.by["country"]}
    assert countries["VN"] == 7 and "KH" not in countries
    # Cambodia alone is too small, so Thailand joins it: "other" is never one hidden value.
    assert countries == {"VN": 7, "_other": 13}
    client.force_login(olivia)
    page = client.get(reverse("remediation:operator")).content.decode()
    assert "Vietnam" in page and "Cambodia" not in page and "Thailand" not in page
    for name in ("Buyer One", "Buyer Two", "Buyer Three", "Works"):
        assert name not in page
    csv = client.get(reverse("remediation:operator_export")).content.decode()
    assert "Vietnam" in csv and "Cambodia" not in csv and "Buyer One" not in csv


def test_a_hostile_request_for_fewer_buyers_changes_nothing(client, olivia, pooled):
    client.force_login(olivia)
    for asked in ("1", "0", "-3", "x"):
        page = client.get(reverse("remediation:operator"), {"min_buyers": asked})
        assert "Cambodia" not in page.content.decode()
        csv = client.get(reverse("remediation:operator_export"), {"min_buyers": asked})
        assert "Cambodia" not in csv.content.decode()
    # Asking for more is allowed: then even Viet Nam (three buyers) is not enough.
    stricter = selectors.operator_overview(min_buyers=4)
    assert not stricter.shown
    page = client.get(reverse("remediation:operator"), {"min_buyers": "4"}).content.decode()
    assert "Vietnam" not in page and "Too few buyers" in page


def test_two_buyers_alone_show_nothing_and_days_to_close_need_enough_closers(
    client, olivia, settings
):
    settings.INSIGHTS_MIN_BUYERS = 3
    buyers_with_findings({"Buyer One": {"VN": 9}, "Buyer Two": {"VN": 9}})
    assert not selectors.operator_overview().shown
    client.force_login(olivia)
    csv = client.get(reverse("remediation:operator_export")).content.decode()
    assert len(csv.strip().splitlines()) == 1  # the header only
    buyers_with_findings({"Buyer Three": {"VN": 2}})
    overview = selectors.operator_overview()
    assert overview.shown and overview.total.mean_days_to_close is None  # nothing closed


def test_the_overview_is_for_the_operator_only(client, pooled, alice, bob, carol):
    urls = [reverse("remediation:operator"), reverse("remediation:operator_export")]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for user in (alice, bob, carol):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
