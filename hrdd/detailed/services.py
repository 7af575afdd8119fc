"""Writes of the Detailed Report: the audit log of every access to per-supplier data."""

from __future__ import annotations

from hrdd.campaigns.models import Campaign
from hrdd.detailed.models import AuditEntry
from hrdd.responses.models import Response


def audit(*, campaign: Campaign, user, action: str, response: Response | None = None) -> None:
    AuditEntry.objects.create(
        campaign=campaign,
        user=user,
        action=action,
        response=response,
        supplier_name=response.supplier_name if response else "",
    )
