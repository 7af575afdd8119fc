from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from hrdd.core.access import get_campaign_for_member
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
