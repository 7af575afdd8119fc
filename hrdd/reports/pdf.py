"""The Summary Report as a PDF, made by WeasyPrint from exactly what the report page shows,
and the PDF machinery the Detailed Report's supplier PDF (hrdd.detailed.pdf) uses too.

For the Summary Report the caller passes the output of hrdd.reports.presenters.present_release,
so the confidentiality policy stays the only source of figures: nothing here reads answers or
counts. The PDF templates are self-contained (their own <style>, inline SVG charts, system
fonts), so WeasyPrint never needs to fetch anything, and the URL fetcher below refuses
every URL so that no markup can make the server read a file or call a host.

WeasyPrint loads Pango through CFFI when it is imported; it is imported on first use only,
so the rest of the application still starts on a machine without Pango (./dev installs it).
"""

from __future__ import annotations

import itertools
import logging
import re
from functools import cache
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrdd.reports.selectors import first_release_size

if TYPE_CHECKING:
    from hrdd.campaigns.models import Campaign
    from hrdd.reports.models import ReportRelease

# Noto Sans CJK JP (Debian's fonts-noto-cjk) has Latin and Japanese glyphs in one face.
FONT_FAMILY = '"Noto Sans CJK JP", "Noto Sans", sans-serif'
# Accessible PDF (ISO 14289-1), also for the supplier's PDF: see write_pdf.
PDF_VARIANT = "pdf/ua-1"


# WeasyPrint logs each rendering step at INFO ("Step 1 - Fetching and parsing HTML"...), seven
# lines or more per PDF under the root logger's INFO level. Quiet unless LOGGING sets a level.
_progress = logging.getLogger("weasyprint.progress")
if _progress.level == logging.NOTSET:
    _progress.setLevel(logging.WARNING)


def no_fetching():
    """A WeasyPrint URL fetcher that refuses every URL (file, data, http...)."""
    return _fetcher_class()()


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        """Refuses every URL: the report needs no resource, so a request for one is a bug.

        fail_on_errors stops the rendering instead of leaving a silent gap in the PDF.
        """

        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            raise ValueError(f"A report PDF fetches nothing (asked for {url[:80]!r}).")

    return NoFetching


def _css_string(text: str) -> str:
    """`text` as a CSS string literal that cannot end the string or the <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return '"' + escaped.replace("<", "\\3c ") + '"'


def page_footer_content() -> SafeString:
    """CSS `content` for "Page X of Y" in the active language, X and Y as page counters."""
    sentinel = "\x00"
    text = _("Page %(page)s of %(page_count)s") % {
        "page": f"{sentinel}page{sentinel}",
        "page_count": f"{sentinel}pages{sentinel}",
    }
    parts = []
    for i, part in enumerate(text.split(sentinel)):
        if i % 2:  # a counter name we put there ourselves: page or pages
            parts.append(f"counter({part})")
        elif part:
            parts.append(_css_string(part))
    return mark_safe(" ".join(parts))  # noqa: S308 - every literal is escaped by _css_string


_SVG_OPEN = re.compile(r"^<svg ")
_SVG_ID = re.compile(r' id="([\w-]+)"')


def _pdf_chart(chart: SafeString | None, number: int) -> SafeString | None:
    """The page's chart for the PDF: the report's font on its root (SVG text does not
    inherit the page's CSS), and its ids made unique in the document (every chart defines
    the same hatch pattern, which WeasyPrint would report as an anchor defined twice)."""
    if not chart:
        return chart
    svg = str(chart)
    for name in set(_SVG_ID.findall(svg)):
        unique = f"{name}-{number}"
        svg = svg.replace(f' id="{name}"', f' id="{unique}"')
        svg = svg.replace(f"url(#{name})", f"url(#{unique})").replace(f'"#{name}"', f'"#{unique}"')
    font = FONT_FAMILY.replace('"', "&quot;")
    return mark_safe(_SVG_OPEN.sub(f'<svg font-family="{font}" ', svg, count=1))  # noqa: S308


def _pdf_report(report: dict) -> dict:
    """A copy of the presented report with its charts made ready for the PDF. Only SVG
    attributes change: every label and figure is the presenter's, as on the page."""
    numbers = itertools.count(1)
    sections = []
    for section in report["sections"]:
        questions = []
        for question in section["questions"]:
            grid = [
                dict(row, chart=_pdf_chart(row.get("chart"), next(numbers)))
                for row in question["grid"]
            ]
            chart = _pdf_chart(question["chart"], next(numbers))
            questions.append(dict(question, chart=chart, grid=grid))
        sections.append(dict(section, questions=questions))
    return dict(report, sections=sections)


def pdf_filename(*, campaign: Campaign, release: ReportRelease | None) -> str:
    if release is None:
        return f"summary-{campaign.pk}.pdf"
    return f"summary-{campaign.pk}-release-{release.number}.pdf"


def write_pdf(template: str, context: dict) -> bytes:
    """`template` rendered with `context` and the shared PDF context (language, font, page
    footer), made into a PDF by WeasyPrint with every URL refused."""
    from weasyprint import HTML

    html = render_to_string(
        template,
        {
            **context,
            "language": get_language() or "en",
            "font_family": mark_safe(FONT_FAMILY),  # noqa: S308 - a constant
            "page_footer": page_footer_content(),
        },
    )
    # PDF/UA-1 (WeasyPrint's variant): a tagged PDF (headings, paragraphs, tables with their
    # header cells) that screen readers and reflowing viewers follow, with the document's
    # language (from <html lang>) and its title shown instead of the file name.
    return HTML(string=html, url_fetcher=no_fetching()).write_pdf(pdf_variant=PDF_VARIANT)


def render_summary_pdf(
    *, campaign: Campaign, release: ReportRelease | None, report: dict | None
) -> bytes:
    """The PDF of `report` (present_release's output), or of "no results yet" without one."""
    return write_pdf(
        "reports/summary_pdf.html",
        {
            "campaign": campaign,
            "release": release,
            "report": _pdf_report(report) if report else None,
            "first_release": first_release_size(campaign=campaign),
        },
    )
