"""The responses as the report tally (reports.tally) counts them: which submitted responses
a run has counted (`Response.tally_run`, marked here) and what it reads of them.

The SQL on the responses' tables that counting needs lives here, with the tables: the marking
UPDATEs must read a range of a partial index, not every response of the campaign, and return
the ids they mark in the same statement; the highest id is read under a SHARE lock.

Its own module, importing nothing of responses but the models: reports.tally imports it,
and responses' services import reports (the report refresh queued after a submission), so
in services.py or selectors.py it would close an import cycle.
"""

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet

from hrdd.responses.models import TALLY_PENDING, Answer, Response

# Reads. Only submitted responses have Answer rows.


def submitted_answers(*, campaign_id: int) -> QuerySet[Answer]:
    """The Answer rows of the campaign's submitted responses (read in index order over
    answer_count_idx or answer_breakdown_idx when grouped by their columns)."""
    return Answer.objects.filter(campaign_id=campaign_id)


def answers_of_responses(*, response_ids: list[int]) -> QuerySet[Answer]:
    """The Answer rows of these responses (none for a draft)."""
    return Answer.objects.filter(response_id__in=response_ids)


def submitted_responses(*, campaign_id: int) -> QuerySet[Response]:
    """The campaign's submitted responses."""
    return Response.objects.filter(campaign_id=campaign_id, status=Response.Status.SUBMITTED)


def responses_by_id(*, ids: list[int]) -> QuerySet[Response]:
    """These responses (the tally reads the supplier fields of those it marked)."""
    return Response.objects.filter(pk__in=ids)


def submitted_at_least(*, campaign_id: int, count: int) -> bool:
    """Whether the campaign has `count` submitted responses or more (reads `count` at most)."""
    found = submitted_responses(campaign_id=campaign_id)
    return found.order_by()[count - 1 : count].exists()


def highest_response_id(*, campaign_id: int) -> int:
    """The id of the campaign's latest response, draft or submitted (0: none)."""
    found = Response.objects.filter(campaign_id=campaign_id).order_by("-pk").first()
    return found.pk if found else 0


def settled_highest_response_id(*, campaign_id: int, timeout: str) -> int | None:
    """PostgreSQL: the campaign's highest response id, read once no transaction that writes
    responses is still running, or None if that took longer than `timeout` (a PostgreSQL
    interval: "2s"). Every response up to that id then exists: none is still being written
    by a transaction that could commit later (reports.tally._count_all says why that
    matters). The SHARE lock waits for those transactions and holds new writers back while
    it is held: a few milliseconds, outside a transaction; inside one (tests), until that
    transaction ends. A response's id is taken by the statement that inserts it, under the
    table's ROW EXCLUSIVE lock, so every later id is higher."""
    table = connection.ops.quote_name(Response._meta.db_table)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [timeout],
            )
            before = cursor.fetchone()[0]
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])
            return highest_response_id(campaign_id=campaign_id)
    except OperationalError:
        return None


# The marks (Response.tally_run; reports.tally says when each is written).


def _tally_statement(sql: str, index: str | None = None) -> str:
    """`sql` with {table}, {pk}, {submitted} and {pending} filled in. The status is written into the
    statement, not passed as a parameter: SQLite uses a partial index only for a WHERE
    clause that implies the index's own, and is told which (INDEXED BY) since without
    ANALYZE statistics it prefers response_dimensions_idx."""
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    if index and connection.vendor == "sqlite":
        table += f" INDEXED BY {index}"
    status = Response.Status.SUBMITTED.value
    if not status.isidentifier():  # a code of ours, never user input: checked, not escaped
        raise ValueError(status)
    return sql.format(
        table=table,
        pk=quote(Response._meta.pk.column),
        submitted=f"'{status}'",
        pending=int(TALLY_PENDING),
    )


def tally_mark_new_statement() -> str:
    """The UPDATE that marks the campaign's submitted responses above counted_to_id not
    marked yet with the run's number (parameters: run, campaign, counted_to_id), returning
    their ids. It must read a range of the partial index response_untallied_idx, not every
    response of the campaign (230 ms at 100,000 on SQLite)."""
    return _tally_statement(
        "UPDATE {table} SET tally_run = %s WHERE campaign_id = %s "
        "AND status = {submitted} AND tally_run IS NULL AND {pk} > %s RETURNING {pk}",
        "response_untallied_idx",
    )


def tally_mark_pending_statement() -> str:
    """The UPDATE that marks the campaign's PENDING responses submitted since with the
    run's number (parameters: run, campaign), returning their ids, through the partial
    index response_pending_idx."""
    return _tally_statement(
        "UPDATE {table} SET tally_run = %s WHERE campaign_id = %s "
        "AND status = {submitted} AND tally_run = {pending} RETURNING {pk}",
        "response_pending_idx",
    )


def responses_mark_tallied(*, run: int, campaign_id: int, counted_to_id: int) -> list[int]:
    """Mark with the tally run's number the campaign's submitted responses it has not
    counted yet: those above `counted_to_id` without a mark, and the PENDING ones (drafts
    when the campaign was counted from scratch, submitted since). Returns their ids."""
    with connection.cursor() as cursor:
        cursor.execute(tally_mark_new_statement(), [run, campaign_id, counted_to_id])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(tally_mark_pending_statement(), [run, campaign_id])
        return ids + [row[0] for row in cursor.fetchall()]


def responses_mark_all_tallied(*, run: int, campaign_id: int) -> None:
    """Mark every submitted response of the campaign not marked yet (counted_to_id 0)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _tally_statement(
                "UPDATE {table} SET tally_run = %s WHERE campaign_id = %s "
                "AND status = {submitted} AND (tally_run IS NULL OR tally_run = {pending})"
            ),
            [run, campaign_id],
        )


def responses_mark_drafts_pending(*, campaign_id: int, upto: int) -> None:
    """Mark the campaign's drafts up to `upto` PENDING (and only them: any other mark a
    draft might carry, after a repair by hand, is replaced too)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _tally_statement(
                "UPDATE {table} SET tally_run = {pending} WHERE campaign_id = %s "
                "AND status = %s AND {pk} <= %s "
                "AND (tally_run IS NULL OR tally_run <> {pending})",
                "response_campaign_idx",  # the drafts: not a range of ids over every response
            ),
            [campaign_id, Response.Status.DRAFT.value, upto],
        )
