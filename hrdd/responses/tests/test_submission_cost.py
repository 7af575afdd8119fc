"""What a submission costs the server: the work behind the supplier pages and after them.

The questionnaire definition (about 135 KB of JSON) is not read on supplier pages once the
process has parsed it, and many submissions waiting for the worker share one report refresh
without any submission being left out of a later one (bench/README.md, "Supplier
submissions over HTTP").
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.reports.models import ReportRelease
from hrdd.reports.tasks import refresh_report
from hrdd.responses.models import Response
from hrdd.responses.selectors import get_campaign_by_slug
from hrdd.testing.world import VALID_ANSWERS, answer_everything, run_tasks, submit_response

pytestmark = pytest.mark.django_db

REFRESH = refresh_report.module_path
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
DEFINITION_COLUMN = '"questionnaires_questionnaireversion"."definition"'


def refreshes(campaign, status="READY") -> int:
    return DBTaskResult.objects.filter(
        task_path=REFRESH, status=status, args_kwargs__kwargs__campaign_id=campaign.pk
    ).count()


def test_supplier_pages_do_not_read_the_questionnaire_definition(client, campaign_a):
    assert campaign_a.questionnaire_version.parsed.questions  # parsed in this process before
    with CaptureQueriesContext(connection) as queries:
        answer_everything(client, campaign_a)
    assert Response.objects.get().is_submitted
    assert not [q["sql"] for q in queries if DEFINITION_COLUMN in q["sql"]]


def test_a_process_that_never_parsed_the_version_reads_its_definition_once(
    campaign_a, django_assert_num_queries
):
    version = campaign_a.questionnaire_version
    version.forget_parsed()
    campaign = get_campaign_by_slug(campaign_a.public_slug)
    with django_assert_num_queries(1):
        definition = campaign.questionnaire_version.parsed
    assert [q.code for q in definition.questions] == [q.code for q in version.parsed.questions]
    again = get_campaign_by_slug(campaign_a.public_slug)
    with django_assert_num_queries(0):
        assert again.questionnaire_version.parsed is definition


def test_submissions_waiting_for_the_worker_share_one_refresh(
    campaign_a, campaign_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            submit_response(campaign_a)
        submit_response(campaign_b)
    assert refreshes(campaign_a) == 1
    assert refreshes(campaign_b) == 1
    run_tasks()
    assert ReportRelease.objects.get(campaign=campaign_a).response_count == 5
    assert not ReportRelease.objects.filter(campaign=campaign_b).exists()  # one response


def test_a_submission_during_a_running_refresh_is_counted_by_a_later_one(
    campaign_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            submit_response(campaign_a)
    # The worker has started the refresh and counted 4 responses, too few to release...
    running = DBTaskResult.objects.get(task_path=REFRESH, status="READY")
    running.claim("worker-1")
    # ...when the fifth supplier submits: the running refresh may not see it.
    with django_capture_on_commit_callbacks(execute=True):
        submit_response(campaign_a)
    running.set_successful(None)
    assert refreshes(campaign_a) == 1
    run_tasks()
    assert ReportRelease.objects.get(campaign=campaign_a).response_count == 5


def test_a_refresh_scheduled_for_later_does_not_hold_back_submissions(
    campaign_a, django_capture_on_commit_callbacks
):
    refresh_report.using(run_after=timezone.now() + timedelta(days=3)).enqueue(
        campaign_id=campaign_a.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            submit_response(campaign_a)
    run_tasks()
    assert ReportRelease.objects.get(campaign=campaign_a).response_count == 5


def test_saving_and_submitting_read_the_campaign_and_response_once_and_lock_nothing(
    client, campaign_a
):
    """Each saved page: one read (campaign and response joined), then one conditional
    UPDATE, which is the whole of the concurrency control (see the racing-save test)."""
    landing = reverse("responses:landing", args=[campaign_a.public_slug])
    url = client.post(landing, {"action": "start"})["Location"].split("?")[0]
    with CaptureQueriesContext(connection) as saving:
        saved = client.post(
            url, {"q01_business_impact": "about_same", "revision": "0", "action": "save"}
        )
    assert saved.status_code == 302
    earlier = {k: v for k, v in VALID_ANSWERS.items() if k < "q09"}
    Response.objects.update(draft=earlier, revision=5)
    last = {k: v for k, v in VALID_ANSWERS.items() if k >= "q09"}
    with CaptureQueriesContext(connection) as submitting:
        submitted = client.post(f"{url}p/4/", {**last, "revision": "5", "action": "submit"})
    assert submitted.status_code == 302 and "/receipt/" in submitted["Location"]
    assert Response.objects.get().is_submitted

    def statements(captured):
        sql = [q["sql"] for q in captured if not q["sql"].startswith(TRANSACTION_CONTROL)]
        assert not [s for s in sql if "FOR UPDATE" in s]
        # executemany (SQLite) is logged as "14 times: INSERT ..."
        return [re.sub(r"^\d+ times: ", "", s).split()[0] for s in sql]

    assert statements(saving) == ["SELECT", "UPDATE"]
    assert statements(submitting) == ["SELECT", "UPDATE", "INSERT"]
