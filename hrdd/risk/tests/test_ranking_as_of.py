"""risk.selectors.ranking_as_of and ranking_countries: the ranking a statement reports."""

from datetime import datetime

import pytest
from django.utils import timezone

from hrdd.risk.selectors import ranking_as_of, ranking_countries
from hrdd.testing.statements import ranking

pytestmark = pytest.mark.django_db


def test_the_last_ranking_of_the_year_and_its_high_countries(org_a, suppliers):
    zone = timezone.get_current_timezone()
    hanoi, kansai, bangkok = suppliers  # VN, JP, TH
    old = ranking(
        org_a,
        [(hanoi, "high"), (bangkok, "high"), (kansai, "low")],
        finished_at=datetime(2025, 6, 1, tzinfo=zone),
    )
    ranking(org_a, [(kansai, "high"), (hanoi, "low"), (bangkok, "low")])
    assert ranking_as_of(organisation=org_a, end=datetime(2026, 1, 1, tzinfo=zone)) == old
    assert ranking_as_of(organisation=org_a, end=datetime(2025, 1, 1, tzinfo=zone)) is None
    assert ranking_countries(run=old, level="high") == [
        (bangkok.country, 1),
        (hanoi.country, 1),
    ]
