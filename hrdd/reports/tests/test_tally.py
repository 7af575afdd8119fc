"""The tally: counts kept by the worker must always be exactly what grouping the answers
gives, however the submissions and the runs interleave (reports.tally)."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from hrdd.reports import tally
from hrdd.reports.models import Tally, TallyCell
from hrdd.reports.selectors import campaign_breakdown_counts, campaign_raw_counts
from hrdd.reports.services import report_release_if_due
from hrdd.reports.tally import (
    tally_counts,
    tally_counts_agree,
    tally_rebuild,
    tally_released_total,
    tally_total,
    tally_update,
)
from hrdd.responses import counting
from hrdd.responses.models import TALLY_PENDING, Response
from hrdd.responses.services import response_save_draft, response_start, response_submit
from hrdd.testing.world import VALID_ANSWERS, submit_response

pytestmark = pytest.mark.django_db

SUBSETS = [[], ["country"], ["industry", "size"], ["country", "industry", "size"]]


def generate(campaign, count: int, seed: int) -> None:
    call_command(
        "generate_responses",
        campaign=campaign.pk,
        count=count,
        seed=seed,
        supplier_fields=True,
        stdout=io.StringIO(),
    )


def counted_from_answers(campaign, dimensions):
    if not dimensions:
        return (*campaign_raw_counts(campaign=campaign), {})
    return campaign_breakdown_counts(campaign=campaign, dimensions=dimensions)


@pytest.mark.parametrize("dimensions", SUBSETS, ids=lambda d: "+".join(d) or "none")
def test_the_tally_counts_what_grouping_the_answers_counts(campaign_a, dimensions):
    generate(campaign_a, 300, seed=1)
    assert tally_update(campaign_id=campaign_a.pk) == 300
    # Then responses arrive in batches, with drafts that must not count.
    for seed in (2, 3):
        generate(campaign_a, 40, seed=seed)
        response_start(campaign=campaign_a, language="en")
        assert tally_update(campaign_id=campaign_a.pk) == 40
    submit_response(campaign_a, supplier_country="VN", supplier_industry="apparel")
    assert tally_update(campaign_id=campaign_a.pk) == 1
    found = tally_counts(campaign_id=campaign_a.pk, dimensions=dimensions)
    assert (tally_total(campaign_id=campaign_a.pk), *found) == counted_from_answers(
        campaign_a, dimensions
    )
    assert tally_counts_agree(campaign_id=campaign_a.pk)
    assert Tally.objects.get(campaign=campaign_a).responses == 381


def test_a_run_with_nothing_new_changes_nothing(campaign_a):
    generate(campaign_a, 30, seed=4)
    tally_update(campaign_id=campaign_a.pk)
    cells = set(TallyCell.objects.values_list("question_code", "option_code", "n"))
    assert tally_update(campaign_id=campaign_a.pk) == 0
    assert set(TallyCell.objects.values_list("question_code", "option_code", "n")) == cells


def test_each_response_is_counted_by_one_run_only(campaign_a):
    generate(campaign_a, 25, seed=5)
    assert tally_update(campaign_id=campaign_a.pk) == 25
    generate(campaign_a, 10, seed=6)
    assert tally_update(campaign_id=campaign_a.pk) == 10
    assert tally_update(campaign_id=campaign_a.pk) == 0
    assert Tally.objects.get(campaign=campaign_a).responses == 35
    assert tally_counts_agree(campaign_id=campaign_a.pk)


def counted_by_the_marks(campaign) -> int:
    """How many submitted responses the marks and Tally.counted_to_id say are counted."""
    upto = Tally.objects.get(campaign=campaign).counted_to_id
    submitted = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
    return (
        submitted.filter(tally_run__gt=TALLY_PENDING).count()
        + submitted.filter(tally_run=None, pk__lte=upto).count()
    )


@pytest.fixture
def unmarked_from_20(monkeypatch):
    """Counts from scratch of 20 or more responses mark none (the rule of large campaigns)."""
    monkeypatch.setattr(tally, "SCRATCH_UNMARKED_FROM", 20)


@pytest.mark.parametrize("rebuild", [False, True], ids=["first run", "rebuild"])
def test_a_count_from_scratch_marks_no_submitted_response_and_misses_no_draft(
    campaign_a, unmarked_from_20, rebuild
):
    """A large campaign counted from scratch (its first run, a rebuild) marks none of its
    submitted responses: an UPDATE per response cost more than the count. The drafts of
    that moment are counted once submitted, and so are responses started later; none
    twice."""
    drafts = []
    for _ in range(3):
        response, _code = response_start(campaign=campaign_a, language="en")
        drafts.append(response_save_draft(response=response, answers=dict(VALID_ANSWERS)))
    generate(campaign_a, 30, seed=11)
    if rebuild:
        tally_update(campaign_id=campaign_a.pk)
        submit_response(campaign_a)
        tally_update(campaign_id=campaign_a.pk)
        assert tally_rebuild(campaign_id=campaign_a.pk) == 31
    else:
        assert tally_update(campaign_id=campaign_a.pk) == 30
    submitted = Response.objects.filter(campaign=campaign_a, status=Response.Status.SUBMITTED)
    assert (
        not submitted.filter(tally_run=None)
        .exclude(pk__lte=Tally.objects.get(campaign=campaign_a).counted_to_id)
        .exists()
    )
    if not rebuild:
        assert not submitted.exclude(tally_run=None).exists()  # not one UPDATE of them
    assert set(
        Response.objects.filter(status=Response.Status.DRAFT).values_list("tally_run", flat=True)
    ) == {TALLY_PENDING}
    # A draft of that moment submitted now, and a response started and submitted later.
    response_submit(response=drafts[0])
    submit_response(campaign_a, supplier_country="VN")
    assert tally_update(campaign_id=campaign_a.pk) == 2
    assert tally_update(campaign_id=campaign_a.pk) == 0
    response_submit(response=drafts[1])
    assert tally_update(campaign_id=campaign_a.pk) == 1
    total = submitted.count()
    assert (
        Tally.objects.get(campaign=campaign_a).responses
        == total
        == counted_by_the_marks(campaign_a)
    )
    assert tally_counts_agree(campaign_id=campaign_a.pk)


def test_each_response_is_in_one_release_batch_after_a_count_from_scratch(
    campaign_a, unmarked_from_20, settings
):
    settings.PRIVACY_FIRST_RELEASE = 20
    response, _code = response_start(campaign=campaign_a, language="en")
    draft = response_save_draft(response=response, answers=dict(VALID_ANSWERS))
    generate(campaign_a, 25, seed=12)
    first = report_release_if_due(campaign_id=campaign_a.pk)
    assert first.response_count == 25
    response_submit(response=draft)
    generate(campaign_a, 24, seed=13)
    second = report_release_if_due(campaign_id=campaign_a.pk)
    assert second.response_count == 50
    assert tally_released_total(campaign_id=campaign_a.pk) == 50
    assert counted_by_the_marks(campaign_a) == 50
    assert tally_counts_agree(campaign_id=campaign_a.pk)


def test_a_rebuild_counts_the_same(campaign_a):
    generate(campaign_a, 60, seed=7)
    tally_update(campaign_id=campaign_a.pk)
    generate(campaign_a, 12, seed=8)
    tally_update(campaign_id=campaign_a.pk)
    before = tally_counts(campaign_id=campaign_a.pk, dimensions=["country", "size"])
    # Counts damaged by hand are repaired, also a cell no answer has.
    TallyCell.objects.filter(campaign=campaign_a).update(n=1)
    TallyCell.objects.create(campaign=campaign_a, question_code="q_none", option_code="x", n=4)
    assert not tally_counts_agree(campaign_id=campaign_a.pk)
    assert tally_rebuild(campaign_id=campaign_a.pk) == 72
    assert tally_counts(campaign_id=campaign_a.pk, dimensions=["country", "size"]) == before
    assert tally_counts_agree(campaign_id=campaign_a.pk)
    assert TallyCell.objects.get(campaign=campaign_a, question_code="q_none").n == 0


def test_a_release_counts_responses_submitted_since_the_last_run(campaign_a):
    for _ in range(4):
        submit_response(campaign_a)
    tally_update(campaign_id=campaign_a.pk)
    assert report_release_if_due(campaign_id=campaign_a.pk) is None  # 4 < 5
    submit_response(campaign_a)
    release = report_release_if_due(campaign_id=campaign_a.pk)
    assert release.response_count == 5
    assert Tally.objects.get(campaign=campaign_a).responses == 5


def test_the_check_command_says_whether_the_tallies_agree(campaign_a, campaign_b):
    generate(campaign_a, 20, seed=9)
    tally_update(campaign_id=campaign_a.pk)
    out = io.StringIO()
    call_command("check_tallies", stdout=out)
    assert f"campaign {campaign_a.pk}: 20 responses counted, agrees" in out.getvalue()
    TallyCell.objects.filter(campaign=campaign_a).update(n=1)
    with pytest.raises(SystemExit):
        call_command("check_tallies", stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert f"campaign {campaign_a.pk}: DOES NOT AGREE" in err.getvalue()
    call_command("check_tallies", rebuild=True, stdout=io.StringIO())
    assert tally_counts_agree(campaign_id=campaign_a.pk)


@pytest.mark.django_db(transaction=True)
def test_runs_racing_each_other_and_submissions_never_count_twice_or_miss_one(campaign_a):
    """Workers refreshing the same campaign at once while suppliers submit. On SQLite,
    writing transactions run one at a time (IMMEDIATE mode), so nothing can interleave;
    the race is real on PostgreSQL, where CI runs this test too."""
    if connection.vendor != "postgresql":
        pytest.skip("no concurrent writers on SQLite (transactions begin IMMEDIATE)")
    errors: list[BaseException] = []
    submitted = threading.Event()

    def suppliers():
        try:
            for _ in range(30):
                response, _code = response_start(campaign=campaign_a, language="en")
                response_save_draft(response=response, answers=dict(VALID_ANSWERS), submit=True)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            submitted.set()
            connections.close_all()

    def worker():
        try:
            while not submitted.is_set():
                tally_update(campaign_id=campaign_a.pk)
            tally_update(campaign_id=campaign_a.pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=suppliers)] + [
        threading.Thread(target=worker) for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    tally_update(campaign_id=campaign_a.pk)
    assert Tally.objects.get(campaign=campaign_a).responses == 30
    assert tally_counts_agree(campaign_id=campaign_a.pk)
    assert Tally.objects.get(campaign=campaign_a).runs > 1


@pytest.mark.django_db(transaction=True)
def test_counts_from_scratch_racing_submissions_never_count_twice_or_miss_one(
    campaign_a, unmarked_from_20
):
    """Workers counting a campaign from scratch (rebuilds, which mark no submitted response)
    and counting what is new, at once, while suppliers submit drafts started before and new
    responses. PostgreSQL only, as the test above."""
    if connection.vendor != "postgresql":
        pytest.skip("no concurrent writers on SQLite (transactions begin IMMEDIATE)")
    drafts = []
    for _ in range(20):
        response, _code = response_start(campaign=campaign_a, language="en")
        drafts.append(response_save_draft(response=response, answers=dict(VALID_ANSWERS)))
    generate(campaign_a, 25, seed=14)
    errors: list[BaseException] = []
    submitted = threading.Event()

    def suppliers():
        try:
            for draft in drafts:
                response_submit(response=draft)
                response, _code = response_start(campaign=campaign_a, language="en")
                response_save_draft(response=response, answers=dict(VALID_ANSWERS), submit=True)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            submitted.set()
            connections.close_all()

    def worker(first: int):
        try:
            turn = first
            while not submitted.is_set():
                count = tally_rebuild if turn % 2 else tally_update
                count(campaign_id=campaign_a.pk)
                turn += 1
            tally_update(campaign_id=campaign_a.pk)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=suppliers)] + [
        threading.Thread(target=worker, args=(n,)) for n in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    tally_update(campaign_id=campaign_a.pk)
    total = Response.objects.filter(campaign=campaign_a, status=Response.Status.SUBMITTED).count()
    assert total == 65
    assert Tally.objects.get(campaign=campaign_a).responses == 65
    assert counted_by_the_marks(campaign_a) == 65
    assert tally_counts_agree(campaign_id=campaign_a.pk)
    assert Tally.objects.get(campaign=campaign_a).counted_to_id > 0


@pytest.mark.parametrize(
    ("statement", "params", "index"),
    [
        ("tally_mark_new_statement", [1, None, 0], "response_untallied_idx"),
        ("tally_mark_pending_statement", [1, None], "response_pending_idx"),
    ],
)
def test_a_run_finds_the_responses_to_count_through_the_partial_index(
    campaign_a, statement, params, index
):
    """A refresh runs after nearly every submission: it must not read every response of a
    large campaign to find the few new ones."""
    generate(campaign_a, 20, seed=10)
    sql = getattr(counting, statement)()
    params = [campaign_a.pk if p is None else p for p in params]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: seq scans win
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert index in plan
