"""The final Summary Report release at close, made by the worker on its own.

What a buyer relies on: once the campaign closes, the report shows every response that can be
shown safely, without anyone submitting again; a close date that moved never releases early;
and a release lost by the task queue is made by the `release_reports` safety net.
"""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from hrdd.campaigns.services import campaign_set_dates
from hrdd.reports.models import ReportRelease
from hrdd.reports.tasks import release_at_close, report_schedule_close_release
from hrdd.testing.world import run_tasks, submit_response

pytestmark = pytest.mark.django_db

AT_CLOSE = "hrdd.reports.tasks.release_at_close"


def releases(campaign) -> list[tuple[int, int, str]]:
    return list(
        ReportRelease.objects.filter(campaign=campaign)
        .order_by("number")
        .values_list("number", "response_count", "reason")
    )


def pending_close_runs() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=AT_CLOSE, status="READY"))


@pytest.fixture
def scheduled(org_a, make_campaign, django_capture_on_commit_callbacks):
    """A campaign created as the application does: its close-date run is enqueued on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_campaign(org_a)


def test_creating_a_campaign_schedules_its_final_release_at_the_close_date(scheduled):
    [run] = pending_close_runs()
    assert run.run_after == scheduled.closes_at
    assert run.args_kwargs["kwargs"]["campaign_id"] == scheduled.pk


def test_the_worker_releases_the_report_at_close_and_only_once(scheduled):
    for _ in range(6):
        submit_response(scheduled)  # no batch run happened: nothing released yet
    run_tasks()
    assert releases(scheduled) == []  # the close run waits for its date

    with time_machine.travel(scheduled.closes_at + timedelta(minutes=1)):
        run_tasks()
        assert releases(scheduled) == [(1, 6, ReportRelease.Reason.CLOSE)]
        # A second run for the same date (a retried job, a second worker) changes nothing.
        release_at_close.enqueue(
            campaign_id=scheduled.pk, closes_at=scheduled.closes_at.isoformat()
        )
        run_tasks()
    assert releases(scheduled) == [(1, 6, ReportRelease.Reason.CLOSE)]


def test_a_run_for_an_old_close_date_does_nothing(
    scheduled, alice, django_capture_on_commit_callbacks
):
    for _ in range(6):
        submit_response(scheduled)
    old_close = scheduled.closes_at
    with django_capture_on_commit_callbacks(execute=True):
        campaign_set_dates(
            campaign=scheduled,
            opens_at=scheduled.opens_at,
            closes_at=old_close + timedelta(days=7),
            by=alice,
        )
    assert sorted(r.run_after for r in pending_close_runs()) == [
        old_close,
        old_close + timedelta(days=7),
    ]

    with time_machine.travel(old_close + timedelta(minutes=1)):
        run_tasks()
    # Still open: no release at the old date, and the stale run scheduled nothing more.
    assert releases(scheduled) == []
    assert [r.run_after for r in pending_close_runs()] == [old_close + timedelta(days=7)]

    with time_machine.travel(old_close + timedelta(days=7, minutes=1)):
        run_tasks()
    assert releases(scheduled) == [(1, 6, ReportRelease.Reason.CLOSE)]
    assert pending_close_runs() == []


def test_a_run_that_starts_before_its_date_waits_for_it(scheduled):
    for _ in range(6):
        submit_response(scheduled)
    DBTaskResult.objects.filter(task_path=AT_CLOSE).delete()

    result = release_at_close.call(
        campaign_id=scheduled.pk, closes_at=scheduled.closes_at.isoformat()
    )

    assert result is None and releases(scheduled) == []
    assert [r.run_after for r in pending_close_runs()] == [scheduled.closes_at]


def test_scheduling_twice_makes_one_release(scheduled, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_schedule_close_release(campaign=scheduled)
    assert len(pending_close_runs()) == 2
    for _ in range(5):
        submit_response(scheduled)
    with time_machine.travel(scheduled.closes_at + timedelta(minutes=1)):
        run_tasks()
    assert releases(scheduled) == [(1, 5, ReportRelease.Reason.CLOSE)]


def test_release_reports_makes_the_final_releases_the_queue_lost(org_a, make_campaign):
    lost = make_campaign(org_a, name="Lost run", days=10)  # created without its close run
    released = make_campaign(org_a, name="Already released", days=10)
    too_few = make_campaign(org_a, name="Too few late ones", days=10)
    still_open = make_campaign(org_a, name="Still open", days=60)
    for campaign, count in ((lost, 7), (released, 5), (too_few, 8), (still_open, 6)):
        for _ in range(count):
            submit_response(campaign)
    ReportRelease.objects.create(
        campaign=released, number=1, response_count=5, reason="batch", content={}
    )
    ReportRelease.objects.create(
        campaign=too_few, number=1, response_count=5, reason="batch", content={}
    )
    assert not DBTaskResult.objects.filter(task_path=AT_CLOSE).exists()

    out = StringIO()
    with time_machine.travel(lost.closes_at + timedelta(hours=1)):
        call_command("release_reports", stdout=out)
        again = StringIO()
        call_command("release_reports", stdout=again)

    assert releases(lost) == [(1, 7, ReportRelease.Reason.CLOSE)]
    assert f"campaign {lost.pk}: release 1 (7 responses)" in out.getvalue()
    assert "1 final release(s) made." in out.getvalue()
    # Nothing missing elsewhere: released already, only k - 1 late ones, or not closed yet.
    assert releases(released) == [(1, 5, "batch")]
    assert releases(too_few) == [(1, 5, "batch")]
    assert releases(still_open) == []
    assert "0 final release(s) made." in again.getvalue()
