"""insert_instances: many rows in one executemany (SQLite) or COPY (PostgreSQL), each
instance given the primary key of its own row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hrdd.core.bulk import insert_instances
from hrdd.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def message(i: int, **extra) -> OutboundEmail:
    return OutboundEmail(
        to=f"factory{i}@suppliers.example",
        template="invitation",
        language="ja" if i % 3 == 0 else "en",
        context={"supplier_name": f"Factory {i}", "link": f"https://example.org/l/{i}/"},
        contains_secret=True,
        **extra,
    )


def test_each_instance_gets_the_key_of_its_own_row(campaign_a):
    OutboundEmail.objects.create(to="earlier@example.org", template="resume_link", language="en")
    later = timezone.now() + timedelta(days=2)
    # Rows deleted at the end of the table: their keys are not those of the new rows.
    OutboundEmail.objects.filter(
        pk__in=[m.pk for m in insert_instances([message(i) for i in range(3)])]
    ).delete()
    messages = [message(i, campaign=campaign_a, next_attempt_at=later) for i in range(250)]
    assert insert_instances(messages) is messages
    stored = {m.pk: m for m in OutboundEmail.objects.filter(template="invitation")}
    assert len(stored) == 250
    for sent in messages:
        row = stored[sent.pk]
        assert (row.to, row.language, row.context) == (sent.to, sent.language, sent.context)
        assert row.campaign_id == campaign_a.pk
        assert row.next_attempt_at == later
        assert row.status == OutboundEmail.Status.QUEUED  # the field's default
        assert row.created_at is not None  # auto_now_add, as save() would set it
        assert not sent._state.adding


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_instances([]) == []


def test_rows_inserted_without_reading_their_keys_are_all_stored():
    messages = [message(i) for i in range(40)]
    insert_instances(messages, keys=False)
    assert all(m.pk is None for m in messages)
    stored = OutboundEmail.objects.order_by("pk").values_list("to", "context")
    assert list(stored) == [(m.to, m.context) for m in messages]
