"""The dashboard's figures as CSV or XLSX: one row per figure (section, label, value)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django_countries import countries

from hrdd import policy
from hrdd.core import xlsx
from hrdd.core.cells import spreadsheet_text
from hrdd.remediation.models import TOPICS, Finding
from hrdd.remediation.selectors import Dashboard, OperatorOverview


def rows(board: Dashboard) -> Iterator[list]:
    yield [_("Figure"), _("Of"), _("Value")]
    for severity, n in board.by_severity:
        yield [_("Open findings by severity"), str(Finding.Severity(severity).label), n]
    for topic, n in board.by_topic:
        yield [_("Open findings by topic"), str(TOPICS.get(topic, topic)), n]
    for country, n in board.by_country:
        yield [_("Open findings by country"), str(countries.name(country) or country), n]
    yield [_("Overdue"), _("Actions overdue"), board.overdue_actions]
    yield [_("Overdue"), _("Plans overdue"), board.overdue_plans]
    yield [_("Closed"), _("Findings closed"), board.closed_count]
    median = board.median_days_to_close
    yield [_("Closed"), _("Median days to close"), "" if median is None else median]


def as_csv(board: Dashboard) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(out)
    for row in rows(board):
        writer.writerow([spreadsheet_text(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()


def as_xlsx(board: Dashboard) -> bytes:
    out = io.BytesIO()
    xlsx.write_workbook(out, [xlsx.Sheet(_("remediation")[:31], rows(board), widths=[32, 40, 12])])
    return out.getvalue()


def value_label(dimension: str, value: str) -> str:
    """A value of the operator's overview as people read it."""
    if value == policy.OTHER:
        return str(_("Other (each too small to show)"))
    if dimension == "severity":
        return str(Finding.Severity(value).label)
    if dimension == "topic":
        return str(TOPICS.get(value, value))
    return str(countries.name(value) or value)


def operator_rows(overview: OperatorOverview) -> Iterator[list]:
    """The operator's overview, only the figures the page shows (policy-checked)."""
    dimensions = {"severity": _("Severity"), "topic": _("Topic"), "country": _("Country")}
    yield [_("By"), _("Of"), _("Findings"), _("Open"), _("Closed"), _("Mean days to close")]
    if not overview.shown:
        return
    total = overview.total
    yield [_("All"), _("All buyers"), total.findings, total.open, total.closed,
           "" if total.mean_days_to_close is None else total.mean_days_to_close]  # fmt: skip
    for dimension, label in dimensions.items():
        for cell in overview.by.get(dimension, []):
            days = "" if cell.mean_days_to_close is None else cell.mean_days_to_close
            yield [label, value_label(dimension, cell.value), cell.findings, cell.open,
                   cell.closed, days]  # fmt: skip


def operator_csv(overview: OperatorOverview) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in operator_rows(overview):
        writer.writerow([spreadsheet_text(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()
