"""Inserting many rows at once, faster than the ORM's bulk_create.

bulk_create compiles a multi-row INSERT with one placeholder per value and converts every
value of every row through its field (on SQLite, 999 parameters a statement: 290 statements
for a launch of 10,000 invitations). Here each column's values are converted once when they
are all equal (status, defaults, the campaign...), and the rows are sent with one
`executemany` (SQLite), or one multi-row INSERT or, from COPY_MIN_ROWS rows, one `COPY`
(PostgreSQL), as `generate_responses` writes answers.
"""

from __future__ import annotations

from django.db import connections, router, transaction
from django.db.models import Model
from django.utils import timezone

# Fewer rows go in one INSERT on PostgreSQL: faster for a submission's dozen answers, and
# seen by Django's execute wrappers (query logging, the fault tests), which a COPY bypasses.
COPY_MIN_ROWS = 100


def insert_instances(
    objs: list[Model], *, using: str | None = None, keys: bool = True
) -> list[Model]:
    """Insert unsaved instances of one model and set their primary keys, like bulk_create
    (no signals, no save()), in one transaction. With `keys=False` the instances are left
    without their keys, which saves a statement.

    Other databases than SQLite and PostgreSQL go through bulk_create.
    """
    if not objs:
        return objs
    model = type(objs[0])
    alias = using or router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor not in {"sqlite", "postgresql"}:
        return model.objects.using(alias).bulk_create(objs)
    opts = model._meta
    pk = opts.pk
    fields = [f for f in opts.concrete_fields if f is not pk]
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, field.attname) is None or field.auto_now:
                    setattr(obj, field.attname, now)
    columns = [_column_values(field, objs, connection) for field in fields]
    rows = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    # No savepoint: a failed insert fails the caller's transaction, as bulk_create would.
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        ids = None
        if connection.vendor == "postgresql" and keys:
            # Keys taken from the table's sequence first: COPY returns none.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, pk.column, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            rows = [(id_, *row) for id_, row in zip(ids, rows, strict=True)]
            fields = [pk, *fields]
        names = ", ".join(quote(f.column) for f in fields)
        if connection.vendor == "postgresql" and len(rows) >= COPY_MIN_ROWS:
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":
            # One statement: psycopg's executemany pipelines a statement per row, which costs
            # more Python time than the rows of one submission take to send.
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(rows))}",  # noqa: S608
                [value for values in rows for value in values],
            )
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )
        if connection.vendor == "sqlite" and keys:
            # SQLite has one writer at a time and this transaction holds the write lock
            # (taken at its first write at the latest), so nothing else inserted in
            # between: the new rows have the consecutive ids ending at the last one.
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            ids = range(last - len(rows) + 1, last + 1)
    for obj, id_ in zip(objs, ids or [None] * len(objs), strict=True):
        if keys:
            obj.pk = id_
        obj._state.adding = False
        obj._state.db = alias
    return objs


def _column_values(field, objs: list[Model], connection) -> list:
    """A column's database values; converted once if every row holds the same value."""
    values = [getattr(obj, field.attname) for obj in objs]
    first = values[0]
    if all(type(v) is type(first) and v == first for v in values):
        return [field.get_db_prep_save(first, connection)] * len(values)
    return [field.get_db_prep_save(v, connection) for v in values]
