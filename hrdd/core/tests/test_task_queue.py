"""task_waiting: a run counts as waiting only if it is the same task with the same arguments,
queued, due and not started, in the database backend."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from hrdd.core.task_queue import task_waiting

pytestmark = pytest.mark.django_db


@task()
def refresh(*, campaign_id: int) -> None:
    """A task of this test only: enqueued, never run."""


@task()
def other(*, campaign_id: int) -> None:
    """Another task with the same arguments."""


def test_a_queued_run_with_the_same_arguments_is_waiting():
    refresh.enqueue(campaign_id=1)

    assert task_waiting(refresh, campaign_id=1)
    assert not task_waiting(refresh, campaign_id=2)
    assert not task_waiting(other, campaign_id=1)


def test_a_run_scheduled_for_later_is_not_waiting():
    refresh.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(campaign_id=1)

    assert not task_waiting(refresh, campaign_id=1)


def test_a_started_run_is_not_waiting():
    refresh.enqueue(campaign_id=1)
    DBTaskResult.objects.get().claim("worker-1")

    assert not task_waiting(refresh, campaign_id=1)


def test_another_backend_cannot_be_asked_and_says_no(settings):
    refresh.enqueue(campaign_id=1)  # a row in the table, which that backend does not read

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    assert not task_waiting(refresh, campaign_id=1)
