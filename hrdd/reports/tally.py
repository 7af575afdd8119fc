"""Counts of submitted answers kept up to date by the worker, so that a release reads them
instead of grouping every answer of the campaign again.

Each run of `tally_update` (the report refresh runs it first) marks the responses submitted
since the previous run with the run's number (`Response.tally_run`), and adds their answers
to the campaign's cells: answers per question, option and supplier country, industry and
size (`TallyCell`), and responses per country, industry and size (`TallyGroup`); the first
run of a campaign, and a rebuild, count every submitted response without marking each
(`_count_all`). A release then reads the counts added since the previous release, summed by
the database, whatever the number of answers (bench/README.md).

The responses are read, marked and locked through responses.counting (which holds the SQL
on their tables); the tally writes only its own.

These are raw counts, like those of reports.selectors: only hrdd.policy may turn them
into output, and nothing shows them as they are.

Consistency: submitted responses never change, and their answers are written in the same
transaction as the status. A submitted response is counted when it has a run number, or has
no mark and an id up to `Tally.counted_to_id`; it is not when it has no mark above that id,
or is PENDING (`TALLY_PENDING`, a draft when the campaign was counted from scratch). A run
reads one snapshot (REPEATABLE READ on PostgreSQL; SQLite transactions read one snapshot)
taken after it holds the campaign's tally lock, so the responses it marks are exactly those
whose answers it counts, and two runs never count the same response. Every release measures
the counts added since the previous one (`tally_batch`), so each response is in one
release's batch. `tally_counts_agree` compares the cells with a full count (tests, and the
`check_tallies` command).
"""

from __future__ import annotations

import contextlib
import zlib
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Sum

from hrdd import policy
from hrdd.reports.models import Tally, TallyCell, TallyGroup
from hrdd.reports.selectors import DIMENSION_FIELDS, breakdown_query_settings, split_answered
from hrdd.responses.counting import (
    answers_of_responses,
    highest_response_id,
    responses_by_id,
    responses_mark_all_tallied,
    responses_mark_drafts_pending,
    responses_mark_tallied,
    settled_highest_response_id,
    submitted_answers,
    submitted_at_least,
    submitted_responses,
)

DIMENSION_COLUMNS = ["supplier_country", "supplier_industry", "supplier_size"]
# Responses per query when adding a run's answers by response (SQLite allows 32,766
# parameters in a statement).
CHUNK = 5000


def tally_update(*, campaign_id: int) -> int:
    """Count the responses submitted since the campaign's previous run; return how many.

    Safe to run at any time, twice at once or inside a transaction (tests, the release):
    the runs of one campaign take turns. A campaign with nothing counted yet is counted from
    scratch (`_count_all`).
    """
    with tally_lock(campaign_id):
        tally = Tally.objects.filter(campaign_id=campaign_id).first()
        if tally is None or tally.responses == 0:
            return _count_all(campaign_id)
        return _count_new(campaign_id)


def tally_rebuild(*, campaign_id: int) -> int:
    """Count the campaign again from its answers (after a repair by hand, for example).

    The counts start again from zero but each cell keeps what was already released
    (`released_n`): a rebuild never makes a release measure the same responses twice."""
    with tally_lock(campaign_id):
        return _count_all(campaign_id)


# From this many submitted responses on, a count from scratch marks none of them
# (_count_all); below, it marks each, and takes no lock on the responses table.
SCRATCH_UNMARKED_FROM = 1000
# How long a count from scratch waits for the responses being written (PostgreSQL) before
# it marks each response instead.
SETTLE_TIMEOUT = "2s"


def _count_new(campaign_id: int) -> int:
    """Count the submitted responses not counted yet, by response, and mark them."""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            snapshot_isolation()
        tally = Tally.objects.get(campaign_id=campaign_id)
        run = tally.runs + 1
        ids = responses_mark_tallied(
            run=run, campaign_id=campaign_id, counted_to_id=tally.counted_to_id
        )
        if not ids:
            return 0
        cells, groups = defaultdict(int), defaultdict(int)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            _add(cells, answers_of_responses(response_ids=chunk), _CELL_FIELDS)
            _add(groups, responses_by_id(ids=chunk), DIMENSION_COLUMNS)
        _upsert(TallyCell, campaign_id, _CELL_FIELDS, cells)
        _upsert(TallyGroup, campaign_id, DIMENSION_COLUMNS, groups)
        Tally.objects.filter(pk=tally.pk).update(runs=run, responses=tally.responses + len(ids))
        return len(ids)


def _count_all(campaign_id: int) -> int:
    """Count every submitted response of the campaign (nothing counted yet, or a rebuild),
    from zero (`released_n` is kept): its answers grouped in index order over
    answer_breakdown_idx, with no list of responses.

    Marking each response as counted would cost more than the count itself (an UPDATE of
    the row and its indexes, about 50 µs a row on PostgreSQL). So from
    SCRATCH_UNMARKED_FROM responses on, the run records the campaign's highest response id
    (`Tally.counted_to_id`) instead: a submitted response up to it without a mark was
    counted. What that needs, and how it is made to hold:

    - every response up to that id exists when it is read (none is still being written by
      a transaction that could commit later, unseen by this run): SQLite runs one writing
      transaction at a time, and this one writes; on PostgreSQL the id is read holding a
      SHARE lock on the responses table (`settled_highest_response_id`), granted once
      every transaction writing responses has ended, released at once. A response's id is
      taken by the statement that inserts it, under that table's ROW EXCLUSIVE lock, so
      every later id is higher;
    - the drafts up to that id are marked PENDING first (their few rows, not the submitted
      ones): submitted later, they are counted by a later run like any new response;
    - this run reads one snapshot taken after both: the responses it counts (all those
      submitted in it) are exactly those the marks and the id say are counted. Those of
      them that are above the id, or PENDING (submitted between the two steps), get this
      run's number.
    """
    outer = connection.in_atomic_block
    upto = None
    if connection.vendor == "postgresql" and _many_submitted(campaign_id):
        upto = settled_highest_response_id(campaign_id=campaign_id, timeout=SETTLE_TIMEOUT)
        if upto is not None:
            # READ COMMITTED, before the snapshot
            responses_mark_drafts_pending(campaign_id=campaign_id, upto=upto)
    with transaction.atomic():
        if not outer:
            snapshot_isolation()
        breakdown_query_settings()  # PostgreSQL: two workers read answer_breakdown_idx
        if connection.vendor == "postgresql":
            # The commit does not wait for the disk (30,000 cells). A crash may lose
            # this transaction, never part of it: the counts and marks stay as before, and
            # the next run counts again. A later commit that waits, a release's, writes
            # this one to disk first (the log is written in order).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if connection.vendor == "sqlite" and _many_submitted(campaign_id):
            upto = highest_response_id(campaign_id=campaign_id)
            responses_mark_drafts_pending(campaign_id=campaign_id, upto=upto)
        tally, _created = Tally.objects.get_or_create(campaign_id=campaign_id)
        run = tally.runs + 1
        if upto is None:
            # Few responses, or the responses table was busy: mark each of them.
            responses_mark_all_tallied(run=run, campaign_id=campaign_id)
        else:
            responses_mark_tallied(run=run, campaign_id=campaign_id, counted_to_id=upto)
        answers = submitted_answers(campaign_id=campaign_id)
        if not TallyCell.objects.filter(campaign_id=campaign_id).exists():
            _insert_grouped(TallyCell, campaign_id, _CELL_FIELDS, answers)
        elif connection.vendor == "postgresql":
            _correct(TallyCell, campaign_id, _CELL_FIELDS, answers)
        else:  # SQLite joins the grouped answers to the cells in nested loops: compared here
            _replace(TallyCell, campaign_id, _CELL_FIELDS, _group(answers, _CELL_FIELDS))
        groups = _group(submitted_responses(campaign_id=campaign_id), DIMENSION_COLUMNS)
        _replace(TallyGroup, campaign_id, DIMENSION_COLUMNS, groups)
        counted = sum(groups.values())
        Tally.objects.filter(pk=tally.pk).update(
            runs=run, responses=counted, counted_to_id=upto or 0
        )
        return counted


def _many_submitted(campaign_id: int) -> bool:
    return submitted_at_least(campaign_id=campaign_id, count=SCRATCH_UNMARKED_FROM)


def tally_total(*, campaign_id: int) -> int:
    """The number of responses counted."""
    found = TallyGroup.objects.filter(campaign_id=campaign_id).aggregate(n=Sum("n"))["n"]
    return found or 0


def tally_counts(
    *, campaign_id: int, dimensions: list[str]
) -> tuple[dict, dict, dict[str, dict[str, tuple[int, dict, dict]]]]:
    """(counts, answered, groups) as reports.selectors counts them from answers
    (campaign_raw_counts, campaign_breakdown_counts; the number of responses is
    tally_total), from the tally: groups[dimension]
    [group code] = (responses, counts[question][option], answered[question]) for each
    declared dimension. The database sums the cells: a few hundred rows per dimension
    come back, whatever the number of cells. Read inside the release's transaction."""
    cells = TallyCell.objects.filter(campaign_id=campaign_id)
    groups = TallyGroup.objects.filter(campaign_id=campaign_id)
    counts, answered = split_answered(_sums(cells, ["question_code", "option_code"]))
    out = {}
    for dimension in dimensions:
        field = DIMENSION_FIELDS[dimension]
        sizes: dict[str, int] = defaultdict(int)
        for value, n in _sums(groups, [field]):
            sizes[policy.group_code(value)] += n
        rows: dict[str, list] = defaultdict(list)
        for value, question, option, n in _sums(cells, [field, "question_code", "option_code"]):
            rows[policy.group_code(value)].append((question, option, n))
        out[dimension] = {
            code: (sizes.get(code, 0), *split_answered(rows.get(code, ())))
            for code in [*sizes, *(code for code in rows if code not in sizes)]
        }
    return counts, answered, out


def tally_released_total(*, campaign_id: int) -> int:
    """The number of responses measured by the campaign's releases so far."""
    found = TallyGroup.objects.filter(campaign_id=campaign_id).aggregate(n=Sum("released_n"))
    return found["n"] or 0


def tally_batch(
    *, campaign_id: int, dimensions: list[str]
) -> tuple[tuple[int, dict, dict], dict[str, dict[str, tuple[int, dict, dict]]], dict]:
    """What the next release measures: the counts of the responses counted since the
    latest release (n - released_n), as ((responses, counts, answered), groups, sizes):
    groups[dimension][group code] = (responses, counts, answered) of the batch for every
    group the campaign has ever had (a group without newcomers is measured too: which groups
    got newcomers must not show), and sizes[dimension][group code] its responses in all.
    Read inside the release's transaction, holding tally_lock."""
    cells = TallyCell.objects.filter(campaign_id=campaign_id)
    groups = TallyGroup.objects.filter(campaign_id=campaign_id)
    new = Sum(F("n") - F("released_n"))
    counts, answered = split_answered(_grouped(cells, ["question_code", "option_code"], new))
    responses = groups.aggregate(n=new)["n"] or 0
    by_dimension, sizes = {}, {}
    for dimension in dimensions:
        field = DIMENSION_FIELDS[dimension]
        size: dict[str, int] = defaultdict(int)
        for value, n in _sums(groups, [field]):
            size[policy.group_code(value)] += n
        batch_sizes: dict[str, int] = defaultdict(int)
        for value, n in _grouped(groups, [field], new):
            batch_sizes[policy.group_code(value)] += n
        rows: dict[str, list] = defaultdict(list)
        for value, question, option, n in _grouped(
            cells, [field, "question_code", "option_code"], new
        ):
            rows[policy.group_code(value)].append((question, option, n))
        by_dimension[dimension] = {
            code: (batch_sizes.get(code, 0), *split_answered(rows.get(code, ()))) for code in size
        }
        sizes[dimension] = dict(size)
    return (responses, counts, answered), by_dimension, sizes


def tally_mark_released(*, campaign_id: int) -> None:
    """Record that everything counted so far is in a release (inside the release's
    transaction, holding tally_lock)."""
    # Only the rows a batch changed are written (on PostgreSQL each write is a new row
    # version: at 100,000 responses a release changes most of the 32,000 cells, not all).
    for model in (TallyCell, TallyGroup):
        model.objects.filter(campaign_id=campaign_id).exclude(released_n=F("n")).update(
            released_n=F("n")
        )


def tally_counts_agree(*, campaign_id: int) -> bool:
    """Whether the tally equals a full count of the submitted responses' answers."""
    cells = _sums(TallyCell.objects.filter(campaign_id=campaign_id), _CELL_FIELDS)
    groups = _sums(TallyGroup.objects.filter(campaign_id=campaign_id), DIMENSION_COLUMNS)
    counted = _group(submitted_answers(campaign_id=campaign_id), _CELL_FIELDS)
    sizes = _group(submitted_responses(campaign_id=campaign_id), DIMENSION_COLUMNS)
    return {tuple(row[:-1]): row[-1] for row in cells} == dict(counted) and {
        tuple(row[:-1]): row[-1] for row in groups
    } == dict(sizes)


_CELL_FIELDS = ["question_code", "option_code", *DIMENSION_COLUMNS]


def _grouped(queryset, fields: list[str], aggregate=None) -> list[tuple]:
    """(*fields, aggregate) rows, COUNT(*) by default, as plain values from the cursor,
    without the ORM's per-row conversions."""
    query = queryset.values_list(*fields).annotate(n=aggregate or Count("*")).order_by().query
    with connection.cursor() as cursor:
        cursor.execute(*query.sql_with_params())
        return [(*key, int(n)) for *key, n in cursor.fetchall() if n]


def _sums(queryset, fields: list[str]) -> list[tuple]:
    """(*fields, sum of n) rows of tally cells or groups."""
    return _grouped(queryset, fields, Sum("n"))


def _group(queryset, fields: list[str]) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    _add(out, queryset, fields)
    return out


def _add(into: dict[tuple, int], queryset, fields: list[str]) -> None:
    for *key, n in _grouped(queryset, fields):
        into[tuple(key)] += n


def _replace(model, campaign_id: int, fields: list[str], counts: dict[tuple, int]) -> None:
    """Make the campaign's rows of the model hold `counts` (a count from scratch), writing
    only the rows whose count changes (none, when a rebuild finds the counts right: at
    100,000 responses there are about 32,000 cells, and rewriting each took longer than
    counting them). `released_n` is kept."""
    query = model.objects.filter(campaign_id=campaign_id).values_list(*fields, "n").query
    with connection.cursor() as cursor:
        cursor.execute(*query.sql_with_params())
        existing = {tuple(key): n for *key, n in cursor.fetchall() if n}
    changed = {key: n for key, n in counts.items() if existing.get(key) != n}
    changed.update({key: 0 for key in existing if key not in counts})
    _upsert(model, campaign_id, fields, changed, replace=True)


def _insert_grouped(model, campaign_id: int, fields: list[str], queryset) -> None:
    """The campaign's first rows of the model, grouped and written by the database in one
    INSERT ... SELECT (the 32,000 cells of 100,000 responses never travel to Python; on
    PostgreSQL this was faster than grouping with two workers and a COPY)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in ["campaign_id", *fields, "n"])
    sql, params = (
        queryset.values_list(*fields).annotate(n=Count("*")).order_by().query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
            f"SELECT %s, counted.* FROM ({sql}) AS counted",
            [campaign_id, *params],
        )


def _correct(model, campaign_id: int, fields: list[str], queryset) -> None:
    """PostgreSQL: make the campaign's rows of the model hold the counts of `queryset`
    grouped by `fields`, writing only the rows whose count differs: the database compares
    the counts with the rows in a hash join (none differ, when a rebuild finds the tally
    right), and only those travel to Python."""
    quote = connection.ops.quote_name
    sql, params = (
        queryset.values_list(*fields).annotate(n=Count("*")).order_by().query.sql_with_params()
    )
    columns = ", ".join(quote(c) for c in [*fields, "n"])
    key = ", ".join(f"COALESCE(g.{quote(c)}, r.{quote(c)})" for c in fields)
    same = " AND ".join(f"g.{quote(c)} = r.{quote(c)}" for c in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, COALESCE(g.n, 0) FROM ({sql}) AS g "  # noqa: S608
            f"FULL OUTER JOIN (SELECT {columns} FROM {table} WHERE campaign_id = %s) AS r "
            f"ON {same} WHERE COALESCE(g.n, 0) <> COALESCE(r.n, 0)",
            [*params, campaign_id],
        )
        changed = {tuple(key): n for *key, n in cursor.fetchall()}
    _upsert(model, campaign_id, fields, changed, replace=True)


def _upsert(
    model, campaign_id: int, fields: list[str], counts: dict[tuple, int], replace: bool = False
) -> None:
    """Add `counts` to the model's rows (with `replace`, set them): INSERT ... ON CONFLICT
    DO UPDATE, which SQLite and PostgreSQL both understand; on PostgreSQL the rows go as
    one array per column (a few parameters instead of seven per row, which psycopg would
    splice into the statement one by one), on SQLite through executemany."""
    if not counts:
        return
    quote = connection.ops.quote_name
    columns = ["campaign_id", *fields, "n"]
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    conflict = (
        f"ON CONFLICT ({', '.join(quote(c) for c in columns[:-1])}) "
        f"DO UPDATE SET {quote('n')} = "
        + ("" if replace else f"{table}.{quote('n')} + ")
        + f"excluded.{quote('n')}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            keys = list(counts)
            arrays = [[key[i] for key in keys] for i in range(len(fields))]
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT %s, * FROM unnest("  # noqa: S608
                + ", ".join(["%s::text[]"] * len(fields))
                + f", %s::integer[]) {conflict}",
                [campaign_id, *arrays, list(counts.values())],
            )
        else:
            row = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({row}) {conflict}",  # noqa: S608
                [(campaign_id, *key, n) for key, n in counts.items()],
            )


def snapshot_isolation() -> None:
    """Read everything of a transaction from one snapshot, so that its counts agree.

    SQLite reads from one snapshot inside a transaction (and IMMEDIATE mode serialises
    writers); PostgreSQL needs REPEATABLE READ, set as the transaction's first statement.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


@contextlib.contextmanager
def tally_lock(campaign_id: int):
    """The campaign's runs take turns. PostgreSQL: a session advisory lock, taken before
    the run's transaction begins, so that its snapshot sees the previous run's commit.
    SQLite: transactions that write begin IMMEDIATE (config/settings.py), one at a time."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_SPACE, campaign_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, campaign_id])


# The first key of the tally's advisory locks (the second is the campaign), a signed 32-bit
# number of its own so as not to meet other advisory locks of the database.
_LOCK_SPACE = zlib.crc32(b"hrdd.reports.tally") - (1 << 31)
