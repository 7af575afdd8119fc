"""The ranking as files: CSV and XLSX with every row, a PDF with the first ones.

Rows are read as a stream in rank order (memory stays flat at 100,000 suppliers); every
text the buyer or a supplier typed stays text in a spreadsheet (hrdd.core.cells)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django_countries import countries

from hrdd.core import xlsx
from hrdd.core.cells import spreadsheet_text
from hrdd.reports.pdf import write_pdf
from hrdd.risk import selectors
from hrdd.risk.models import PriorityRun


def _header() -> list[str]:
    return [
        _("Rank"),
        _("Supplier"),
        _("Country"),
        _("Tier"),
        _("Score"),
        _("Level"),
        _("Driving topic"),
        _("Why this supplier first"),
        _("Spend or volume"),
        _("Adjustment (points)"),
    ]


def iter_rows(*, run: PriorityRun, filters: dict) -> Iterator[list]:
    """The header, then one typed row per supplier in rank order."""
    editions = selectors.run_editions(run)
    yield _header()
    rows = selectors.ranking_rows(run=run, **filters).iterator(chunk_size=2000)
    for row in rows:
        supplier = row.supplier
        yield [
            row.rank,
            spreadsheet_text(supplier.name),
            str(countries.name(supplier.country) or supplier.country),
            row.tier,
            row.score,
            str(selectors.LEVEL_LABELS.get(row.level, row.level)),
            str(selectors.TOPIC_LABELS.get(row.topic, row.topic)),
            spreadsheet_text(selectors.why_sentence(row.why, editions)),
            supplier.get_spend_band_display() if supplier.spend_band else "",
            row.why.get("adjustment", 0),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(*, run: PriorityRun, filters: dict) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    for row in iter_rows(run=run, filters=filters):
        yield writer.writerow(row)


def write_xlsx(*, run: PriorityRun, filters: dict) -> tempfile.SpooledTemporaryFile:
    """The ranking, then a sheet naming the editions it used, as XLSX in a temporary file."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it

    def sources() -> Iterator[list[str]]:
        yield [_("Dataset"), _("Edition"), _("Source"), _("Licence")]
        for edition in selectors.run_editions(run).values():
            yield [str(edition.dataset.name), edition.edition, edition.source, edition.licence]

    xlsx.write_workbook(
        out,
        [
            xlsx.Sheet(
                _("ranking")[:31],
                iter_rows(run=run, filters=filters),
                widths=[7, 32, 18, 6, 8, 10, 24, 100, 18, 12],
            ),
            xlsx.Sheet(_("sources")[:31], sources(), widths=[50, 12, 60, 60]),
        ],
    )
    out.seek(0)
    return out


def render_pdf(*, run: PriorityRun, organisation, filters: dict) -> bytes:
    """The first PRIORITY_PDF_ROWS rows of the ranking, with its sources, as a PDF."""
    editions = selectors.run_editions(run)
    rows = list(selectors.ranking_rows(run=run, **filters)[: selectors.PRIORITY_PDF_ROWS])
    for row in rows:
        row.why_text = selectors.why_sentence(row.why, editions)
        row.level_label = selectors.LEVEL_LABELS.get(row.level, row.level)
        row.topic_label = selectors.TOPIC_LABELS.get(row.topic, row.topic)
    total = selectors.ranking_rows(run=run, **filters).count()
    return write_pdf(
        "risk/priorities_pdf.html",
        {
            "organisation": organisation,
            "run": run,
            "rows": rows,
            "total": total,
            "shown": len(rows),
            "editions": list(editions.values()),
        },
    )
