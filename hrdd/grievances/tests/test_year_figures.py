"""grievances.selectors.year_figures: counts for the yearly statement, per year."""

from datetime import datetime

import pytest
from django.utils import timezone

from hrdd.grievances.selectors import year_figures
from hrdd.testing.grievances import grievance_case

pytestmark = pytest.mark.django_db


def test_cases_count_in_the_year_they_were_received(org_a, alice, org_b, carol):
    grievance_case(org_a, alice)
    grievance_case(org_b, carol)  # another buyer's case counts for nobody else
    zone = timezone.get_current_timezone()
    year = timezone.localdate().year
    this = year_figures(
        organisation=org_a,
        start=datetime(year, 1, 1, tzinfo=zone),
        end=datetime(year + 1, 1, 1, tzinfo=zone),
    )
    assert this == {"channels": 1, "received": 1, "acknowledged": 0, "closed": 0}
    before = year_figures(
        organisation=org_a,
        start=datetime(year - 1, 1, 1, tzinfo=zone),
        end=datetime(year, 1, 1, tzinfo=zone),
    )
    assert before == {"channels": 0, "received": 0, "acknowledged": 0, "closed": 0}
