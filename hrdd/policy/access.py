"""Who may see what beyond the Summary Report: per-supplier answers and statuses, and how
precisely a buyer sees the number of responses so far.
"""

from __future__ import annotations

from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Organisation

DETAILED_OK = "ok"
DETAILED_CONFIDENTIAL = "confidential"  # no per-supplier data exists for the buyer: 404
DETAILED_NEEDS_PLAN = "needs_paid_plan"  # exists, but the buyer's plan does not include it: 403

# Progress bands of "how many responses so far", above the first one.
RESPONSE_BAND_EDGES = (10, 25, 50, 100, 250, 500)


def detailed_report_access(campaign: Campaign) -> str:
    """Whether a buyer may see one supplier's answers in this campaign, and if not, why.

    Only in a disclosed campaign (each supplier agreed, before answering, that this buyer
    sees its answers) and only on the paid plan. Every surface (page, export, PDF, API,
    command) asks this function; the responses shown are only those with recorded consent.
    """
    if campaign.mode != Campaign.Mode.DISCLOSED:
        return DETAILED_CONFIDENTIAL
    if campaign.organisation.plan != Organisation.Plan.PAID:
        return DETAILED_NEEDS_PLAN
    return DETAILED_OK


def response_status_access(campaign: Campaign) -> bool:
    """Whether the buyer may see, supplier by supplier, who has started or submitted.

    Who answered is identifiable data: in a confidential campaign the buyer must never learn
    it, nor anything that follows from it (how many were reminded, reminder delivery). In a
    disclosed campaign every response was started after the supplier agreed that this buyer
    sees its answers under its name, so its status may be shown (issue 5: "In a disclosed
    campaign it sees per-supplier status"). Unlike the Detailed Report this does not depend
    on the plan: it shows no answer, only what the buyer needs to follow up its invitations.
    Callers that show it per supplier write an audit entry (AuditEntry.Action.SUPPLIER_STATUS).
    """
    return campaign.mode == Campaign.Mode.DISCLOSED


def response_band(count: int, k: int) -> tuple[int, int | None]:
    """(low, high) of the band of `count` submitted responses that the buyer is shown;
    high is None for the open-ended top band.

    The buyer sees progress, never an exact live count: watching the number move must not
    tell it when a given supplier answered. The first band runs from 0 to k - 1, so the
    buyer cannot even see that the first supplier has answered (from 0 to 1), which in a
    campaign it can follow supplier by supplier would say who did.
    """
    if count < k:
        return 0, k - 1
    edges = [k, *(edge for edge in RESPONSE_BAND_EDGES if edge > k)]
    for low, high in zip(edges, edges[1:], strict=False):
        if low <= count < high:
            return low, high - 1
    top = edges[-1]
    while count >= top * 2:
        top *= 2
    return top, None
