"""Reads of the statements app."""

from __future__ import annotations

from django.db.models import QuerySet

from hrdd.statements.models import Statement, StatementVersion


def statements_of(*, organisation) -> QuerySet[Statement]:
    return Statement.objects.filter(organisation=organisation)


def get_statement(*, organisation, statement_id) -> Statement | None:
    return Statement.objects.filter(organisation=organisation, pk=statement_id).first()


def versions_of(*, statement: Statement) -> QuerySet[StatementVersion]:
    return statement.versions.select_related("created_by").defer("figures")


def latest_version(*, statement: Statement) -> StatementVersion | None:
    return statement.versions.order_by("-number").first()


def get_version(*, statement: Statement, number: int) -> StatementVersion | None:
    return statement.versions.filter(number=number).first()
