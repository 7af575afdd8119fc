"""One supplier's answers of a disclosed campaign as a PDF (accessible, like the Summary
Report's; see hrdd.reports.pdf). The caller passes a response it has already gated and
audited (views), and the answers are those of the supplier's page."""

from __future__ import annotations

from django_countries.fields import Country

from hrdd.campaigns.models import Campaign
from hrdd.reports.pdf import write_pdf
from hrdd.responses.models import Response


def supplier_pdf_filename(*, campaign: Campaign, response: Response) -> str:
    return f"supplier-{campaign.pk}-{response.pk}.pdf"


def render_supplier_pdf(*, campaign: Campaign, response: Response, answers: list) -> bytes:
    """One supplier's answers (answers_for_receipt's rows) as a PDF. The caller checks that
    the Detailed Report may show this response and records the export in the audit log."""
    country = response.supplier_country
    return write_pdf(
        "detailed/supplier_pdf.html",
        {
            "campaign": campaign,
            "response": response,
            "country": (Country(country).name or country) if country else "",
            "answers": answers,
        },
    )
