"""remediation.selectors.year_figures: what the yearly statement reports of findings."""

from datetime import datetime

import pytest
from django.utils import timezone

from hrdd.remediation.models import Finding
from hrdd.remediation.selectors import year_figures
from hrdd.testing.world import cap_opened, finding_at

pytestmark = pytest.mark.django_db


def _year(year):
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def test_findings_count_in_the_year_they_were_recorded_and_closed(org_a, suppliers):
    old, new, closed = (finding_at(suppliers[0], title=t) for t in ("Old", "New", "Closed"))
    cap_opened(new)
    zone = timezone.get_current_timezone()
    Finding.objects.filter(pk=old.pk).update(created_at=datetime(2025, 3, 1, tzinfo=zone))
    Finding.objects.filter(pk=closed.pk).update(
        created_at=datetime(2025, 12, 1, tzinfo=zone),
        closed_at=datetime(2026, 1, 5, tzinfo=zone),
        days_to_close=35,
        status=Finding.Status.CLOSED,
    )
    last = year_figures(organisation=org_a, start=_year(2025)[0], end=_year(2025)[1])
    assert (last["opened"], last["closed"], last["still_open"]) == (2, 0, 2)
    this = year_figures(organisation=org_a, start=_year(2026)[0], end=_year(2026)[1])
    assert (this["opened"], this["closed"], this["still_open"]) == (1, 1, 2)
    assert this["caps_requested"] == 1 and this["median_days_to_close"] == 35
    assert this["opened_by_severity"] == {"major": 1}
