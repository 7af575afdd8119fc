from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from hrdd.core.access import get_campaign_for_member
from hrdd.reports import exports
from hrdd.reports.pdf import pdf_filename, render_summary_pdf
from hrdd.reports.presenters import present_release
from hrdd.reports.selectors import first_release_size, latest_release


@login_required
def summary(request, campaign_id):
    """The Summary Report: the latest stored release, rendered in the reader's language."""
    campaign = get_campaign_for_member(request.user, campaign_id)
    release = latest_release(campaign=campaign)
    report = present_release(release=release, campaign=campaign) if release else None
    return render(
        request,
        "reports/summary.html",
        {
            "campaign": campaign,
            "release": release,
            "report": report,
            "first_release": first_release_size(campaign=campaign),
        },
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


@login_required
def summary_export(request, campaign_id, fmt):
    """The released aggregates as CSV or XLSX: the same figures as the page, nothing more."""
    campaign = get_campaign_for_member(request.user, campaign_id)
    release = latest_release(campaign=campaign)
    if release is None or fmt not in {"csv", "xlsx"}:
        raise Http404
    definition = campaign.questionnaire_version.parsed
    language = get_language() or "en"
    name = f"summary-{campaign.pk}-release-{release.number}.{fmt}"
    if fmt == "csv":
        body = exports.summary_csv(
            content=release.content, definition=definition, language=language
        )
        kind = "text/csv; charset=utf-8"
    else:
        body = exports.summary_xlsx(
            content=release.content, definition=definition, language=language
        )
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
