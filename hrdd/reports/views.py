from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from hrdd.core.access import get_campaign_for_member
from hrdd.reports.pdf import pdf_filename, render_summary_pdf
from hrdd.reports.presenters import present_release
from hrdd.reports.selectors import latest_release


@login_required
def summary(request, campaign_id):
    """The Summary Report: the latest stored release, rendered in the reader's language."""
    campaign = get_campaign_for_member(request.user, campaign_id)
    release = latest_release(campaign=campaign)
    report = present_release(release=release, campaign=campaign) if release else None
    return render(
        request,
        "reports/summary.html",
        {"campaign": campaign, "release": release, "report": report},
    )


@login_required
def summary_pdf(request, campaign_id):
    """The Summary Report as a PDF: the same access check, release and presenter as the page,
    so the confidentiality policy stays the only source of figures. Without a release yet,
    a one-page PDF says why there are no results."""
    campaign = get_campaign_for_member(request.user, campaign_id)
    release = latest_release(campaign=campaign)
    report = present_release(release=release, campaign=campaign) if release else None
    pdf = render_summary_pdf(campaign=campaign, release=release, report=report)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, pdf_filename(campaign=campaign, release=release)
    )
    return response
