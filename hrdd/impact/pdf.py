"""The impact-assessment report as an accessible PDF (PDF/UA, self-contained, every URL
refused: hrdd.reports.pdf.write_pdf), from the same content as the report page
(selectors.report), in the reader's language. Interviews appear by code only."""

from hrdd.impact.models import Project
from hrdd.reports.pdf import write_pdf


def report_filename(project: Project) -> str:
    return f"impact-assessment-{project.pk}.pdf"


def render_report_pdf(*, report: dict) -> bytes:
    return write_pdf("impact/report_pdf.html", report)
