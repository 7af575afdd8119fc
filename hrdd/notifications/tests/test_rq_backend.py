"""The optional Redis/RQ task backend (django-tasks-rq): the outbox task enqueued in Redis and
run by a real RQ worker, which delivers to a real SMTP server.

Production selects it with TASKS_BACKEND=django_tasks_rq.RQBackend and REDIS_URL (the `redis`
dependency group, part of the dev group). These tests start a redis-server of their own on a
free port (never a Redis another program uses) and are skipped, saying why, when Redis is not
installed.

The worker is RQ's SimpleWorker (RQ's work loop, scheduler included, running the job in its
own process rather than in a forked child): it sees the test's database, which a forked child
of an in-memory SQLite database would not. bench/delivery.py --tasks rq runs `manage.py
rqworker` processes.
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from hrdd.notifications.models import OutboundEmail
from hrdd.notifications.tasks import deliver_outbox
from hrdd.testing.world import deliver_killed_at_the_commit_point, queue_many, submit_response

rq = pytest.importorskip("rq")
django_tasks_rq = pytest.importorskip("django_tasks_rq")

pytestmark = pytest.mark.django_db

QUEUES = ["default", "email"]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server on 127.0.0.1, without persistence, for this module."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def rq_tasks(settings, redis_url):
    """The platform's tasks go to Redis, as with TASKS_BACKEND=django_tasks_rq.RQBackend."""
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    settings.RQ_QUEUES = {name: {"URL": redis_url, "DEFAULT_TIMEOUT": 3600} for name in QUEUES}
    django_rq.get_connection("email").flushdb()
    return django_rq


def run_rq_worker(django_rq) -> None:
    """A real RQ worker in burst mode with its scheduler: moves the scheduled jobs that are due
    to their queue, runs every queued job, then returns."""
    queues = [django_rq.get_queue(name, job_class=django_tasks_rq.Job) for name in QUEUES]
    worker = rq.SimpleWorker(queues, connection=queues[0].connection, job_class=django_tasks_rq.Job)
    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")


def test_settings_select_the_rq_backend_from_the_environment():
    """TASKS_BACKEND and REDIS_URL, as an operator sets them, give a working configuration."""
    import os
    import sys

    env = dict(
        os.environ,
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        REDIS_URL="redis://127.0.0.1:6399/3",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",  # a process of its own: development settings, no SECRET_KEY needed
    )
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.management import call_command; call_command('check'); "
        "print(settings.RQ_QUEUES['email']['URL'], 'django_rq' in settings.INSTALLED_APPS)"
    )
    out = subprocess.run(  # noqa: S603 - our own arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[-2:] == ["redis://127.0.0.1:6399/3", "True"]


def test_outbox_task_goes_through_redis_and_an_rq_worker_delivers_it_once(
    rq_tasks, smtp_running, campaign_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        messages = queue_many(campaign_a, 3)
    queue = rq_tasks.get_queue("email")
    [job_id] = queue.job_ids  # the outbox run, in Redis, nothing sent yet
    assert smtp_running.received == []

    run_rq_worker(rq_tasks)

    ids = sorted(r.message["Message-ID"] for r in smtp_running.received)
    assert ids == sorted(f"<outbox-{m.pk}@localhost>" for m in messages)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    result = deliver_outbox.get_backend().get_result(job_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"sent": 3}
    # Every batch scheduled its watchdog run in Redis, for after the claim timeout.
    assert len(rq.registry.ScheduledJobRegistry(queue=queue)) == 1

    run_rq_worker(rq_tasks)  # running again sends nothing more
    assert len(smtp_running.received) == 3


def test_a_retry_is_scheduled_in_redis_and_delivers_once_the_server_is_back(
    rq_tasks, smtp, campaign_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_RETRY_BASE_SECONDS = 1
    with django_capture_on_commit_callbacks(execute=True):
        [message] = queue_many(campaign_a, 1)

    run_rq_worker(rq_tasks)  # the SMTP server is down

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.RETRYING
    scheduled = rq.registry.ScheduledJobRegistry(queue=rq_tasks.get_queue("email"))
    assert len(scheduled) == 2  # the retry (in 1 s) and the batch's watchdog (in 5 min)

    smtp.start()
    time.sleep(max(0.0, (message.next_attempt_at - timezone.now()).total_seconds()) + 0.2)
    run_rq_worker(rq_tasks)

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert message.attempts == 2
    assert len(smtp.received) == 1


def test_the_watchdog_run_in_redis_puts_back_what_a_dead_worker_held(
    rq_tasks, smtp_running, campaign_a, settings
):
    settings.EMAIL_CLAIM_TIMEOUT = 0
    [message] = queue_many(campaign_a, 1)

    deliver_killed_at_the_commit_point()
    assert smtp_running.received == []

    time.sleep(1.2)  # the watchdog is due EMAIL_CLAIM_TIMEOUT + 1 s after the claim
    run_rq_worker(rq_tasks)

    message.refresh_from_db()
    assert message.status == OutboundEmail.Status.SENT
    assert len(smtp_running.received) == 1


def test_the_final_report_release_is_scheduled_in_redis_for_the_close_date(
    rq_tasks, org_a, crisis_version, django_capture_on_commit_callbacks
):
    """Not only e-mail: the Summary Report's close-date run waits in RQ's scheduled registry
    and a worker with its scheduler runs it once the date has passed, making one release."""
    from datetime import timedelta

    from hrdd.campaigns.services import campaign_create
    from hrdd.reports.models import ReportRelease

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_create(
            organisation=org_a,
            questionnaire_version=crisis_version,
            name="Closing now",
            languages=["en"],
            by=None,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(seconds=2),
        )
    for _ in range(5):
        submit_response(campaign)
    scheduled = rq.registry.ScheduledJobRegistry(queue=rq_tasks.get_queue("default"))
    assert len(scheduled) == 1
    run_rq_worker(rq_tasks)
    assert not ReportRelease.objects.exists()  # not due yet

    time.sleep(max(0.0, (campaign.closes_at - timezone.now()).total_seconds()) + 0.2)
    run_rq_worker(rq_tasks)
    run_rq_worker(rq_tasks)

    release = ReportRelease.objects.get(campaign=campaign)
    assert (release.response_count, release.reason) == (5, ReportRelease.Reason.CLOSE)
