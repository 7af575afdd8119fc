"""The Detailed Report: per-supplier answers in disclosed campaigns (paid plan), and who
opened them.

Callers check `policy.detailed_report_access` first and write an AuditEntry (services.audit)
for every view or export. Only submitted responses whose supplier agreed to disclosure are
ever read here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hrdd.campaigns.models import Campaign
from hrdd.detailed.models import AuditEntry
from hrdd.questionnaires.definition import Definition
from hrdd.responses.models import Answer, Response

RISK_ORDER = {"high": 3, "medium": 2, "low": 1, "none": 0}


def disclosed_responses(*, campaign: Campaign) -> QuerySet[Response]:
    return Response.objects.filter(
        campaign=campaign, status=Response.Status.SUBMITTED, consented_at__isnull=False
    ).order_by("supplier_name", "pk")


def audit_entries_for_operator(*, organisation_id: int | None = None) -> QuerySet[AuditEntry]:
    """Every audit entry of every buyer, newest first, for the operator (docs/privacy.md:
    the buyer's owner reads its campaigns' entries, the operator all of them)."""
    entries = AuditEntry.objects.select_related("campaign__organisation", "user")
    if organisation_id is not None:
        entries = entries.filter(campaign__organisation_id=organisation_id)
    return entries.order_by("-created_at", "-pk")


def _risk_table(definition: Definition) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(stored question code, stored option code) -> (risk, topics) for every answer."""
    table = {}
    for q in definition.questions:
        for option in q.options:
            codes = [f"{q.code}.{r.code}" for r in q.rows] if q.is_grid else [q.code]
            for code in codes:
                table[(code, option.code)] = (option.risk or "", (q.topic, *option.topics))
        for band in q.bands:
            table[(q.code, band.code)] = (band.risk or "", (q.topic,))
    return table


def risk_flags(*, campaign: Campaign, responses: list[Response]) -> dict[int, dict[str, str]]:
    """For each response, the highest risk signalled in each topic (medium and high only)."""
    table = _risk_table(campaign.questionnaire_version.parsed)
    flags: dict[int, dict[str, str]] = {r.pk: {} for r in responses}
    rows = Answer.objects.filter(response__in=[r.pk for r in responses]).values_list(
        "response_id", "question_code", "option_code"
    )
    for response_id, question, option in rows:
        risk, topics = table.get((question, option), ("", ()))
        if RISK_ORDER.get(risk, 0) < RISK_ORDER["medium"]:
            continue
        for topic in topics:
            if RISK_ORDER[risk] > RISK_ORDER.get(flags[response_id].get(topic, ""), -1):
                flags[response_id][topic] = risk
    return flags
