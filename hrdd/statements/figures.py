"""The figures of a yearly statement, gathered from the other apps' public selectors.

`gather` returns plain data (codes, numbers, dates, source paths), so that a version can
store it as it was and render.py can write it in any language. Counts of responses to a
confidential campaign come only from hrdd.policy (the progress band the campaign page
shows): never an exact count, and nothing per supplier. Grievances are counted, never read.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from hrdd import policy
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.cycle import selectors as cycle
from hrdd.dialogue import selectors as dialogue
from hrdd.grievances import selectors as grievances
from hrdd.invitations.selectors import invited_counts
from hrdd.remediation import selectors as remediation
from hrdd.reports.selectors import submitted_count
from hrdd.risk import selectors as risk
from hrdd.statements import frameworks as f
from hrdd.suppliers.selectors import suppliers_for_list

TOP_COUNTRIES = 5


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of `year` and of the next year, in the platform's time zone."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def item(code: str, url: str, **params) -> dict:
    return {"code": code, "url": url, "params": params}


def _supply_chain(organisation) -> dict:
    url = reverse("suppliers:list", args=[organisation.pk])
    suppliers = suppliers_for_list(organisation=organisation).order_by()
    rows = list(suppliers.values_list("country").annotate(n=Count("pk")).order_by("-n", "country"))
    total = sum(n for _c, n in rows)
    if not total:
        return {"items": [], "missing": "no_suppliers"}
    return {
        "items": [
            item("suppliers", url, n=total),
            item("supplier_countries", url, n=len([c for c, _n in rows if c])),
            item("top_countries", url, countries=[[c, n] for c, n in rows[:TOP_COUNTRIES] if c]),
        ],
        "missing": None,
    }


def _policies(organisation, end) -> dict:
    url = reverse("cycle:cycle", args=[organisation.pk]) + "#documents"
    docs = [d for d in cycle.documents(organisation=organisation) if d.adopted_on < end.date()]
    return {
        "items": [
            item("document", url, kind=d.kind, title=d.title, date=d.adopted_on.isoformat())
            for d in docs
        ],
        "missing": None if docs else "no_policies",
    }


def _risk(organisation, end) -> dict:
    url = reverse("risk:priorities", args=[organisation.pk])
    run = risk.ranking_as_of(organisation=organisation, end=end)
    if run is None:
        return {"items": [], "missing": "no_ranking"}
    levels = risk.ranking_levels(run=run)
    high = risk.ranking_countries(run=run, level="high", limit=TOP_COUNTRIES)
    items = [
        item(
            "ranking",
            url,
            date=timezone.localdate(run.finished_at).isoformat(),
            n=run.supplier_count,
            high=levels.get("high", 0),
            medium=levels.get("medium", 0),
            low=levels.get("low", 0),
        )
    ]
    if high:
        items.append(item("high_countries", url, countries=[[c, n] for c, n in high if c]))
    return {"items": items, "missing": None}


def _campaigns(organisation, start, end) -> tuple[dict, int]:
    campaigns = list(
        campaigns_for_organisation(organisation=organisation).filter(
            opens_at__gte=start, opens_at__lt=end
        )
    )
    invited = invited_counts(campaign_ids=[c.pk for c in campaigns])
    items = []
    for campaign in sorted(campaigns, key=lambda c: (c.opens_at, c.pk)):
        url = reverse("campaigns:detail", args=[campaign.pk])
        submitted = submitted_count(campaign=campaign)
        n_invited = invited.get(campaign.pk, 0)
        if policy.response_status_access(campaign):
            # Disclosed: every supplier agreed that this buyer sees its answers by name.
            rate = round(100 * submitted / n_invited) if n_invited else None
            items.append(
                item(
                    "campaign_disclosed",
                    url,
                    name=campaign.name,
                    n=submitted,
                    invited=n_invited,
                    rate=rate,
                )
            )
        else:
            low, high = policy.response_band(submitted, campaign.min_responses)
            items.append(
                item(
                    "campaign_confidential",
                    url,
                    name=campaign.name,
                    low=low,
                    high=high,
                    invited=n_invited,
                )
            )
    block = {"items": items, "missing": None if items else "no_campaign"}
    return block, len(campaigns)


def _remediation(organisation, start, end) -> tuple[dict, dict]:
    url = reverse("remediation:dashboard", args=[organisation.pk])
    year = remediation.year_figures(organisation=organisation, start=start, end=end)
    codes = ("opened", "closed", "still_open", "caps_requested", "caps_accepted", "caps_verified")
    if not any(year[c] for c in codes):
        return {"items": [], "missing": "no_findings"}, year
    items = [item(f"findings_{c}", url, n=year[c]) for c in codes]
    return {"items": items, "missing": None}, year


def _grievances(organisation, start, end) -> tuple[dict, dict]:
    url = reverse("grievances:index", args=[organisation.pk])
    year = grievances.year_figures(organisation=organisation, start=start, end=end)
    if not year["channels"]:
        return {"items": [], "missing": "no_channel"}, year
    items = [
        item("grievance_channels", url, n=year["channels"]),
        item("grievances_received", url, n=year["received"]),
        item("grievances_acknowledged", url, n=year["acknowledged"]),
        item("grievances_closed", url, n=year["closed"]),
    ]
    return {"items": items, "missing": None}, year


def _dialogue(organisation, year: int) -> tuple[dict, list[dict]]:
    entries = dialogue.statement_entries(organisation=organisation, year=year)
    items = [
        item(
            "meeting",
            reverse("dialogue:detail", args=[organisation.pk, e["id"]]),
            title=e["title"],
            date=e["held_on"],
            group=e["group"],
            topics=e["topics"],
            commitments=e["commitments"],
            done=e["done"],
        )
        for e in entries
    ]
    return {"items": items, "missing": None if items else "no_dialogue"}, entries


def _counts(organisation, year: int) -> dict:
    """The figures compared from one year to the next."""
    start, end = year_bounds(year)
    rem = remediation.year_figures(organisation=organisation, start=start, end=end)
    gri = grievances.year_figures(organisation=organisation, start=start, end=end)
    return {
        "campaigns": campaigns_for_organisation(organisation=organisation)
        .filter(opens_at__gte=start, opens_at__lt=end)
        .count(),
        "findings_opened": rem["opened"],
        "findings_closed": rem["closed"],
        "grievances_received": gri["received"],
        "meetings": len(dialogue.statement_entries(organisation=organisation, year=year)),
    }


def gather(*, organisation, year: int) -> dict:
    """Every block of figures for `year`, each with what is missing when there is nothing."""
    start, end = year_bounds(year)
    campaigns, campaign_count = _campaigns(organisation, start, end)
    rem_block, rem = _remediation(organisation, start, end)
    gri_block, gri = _grievances(organisation, start, end)
    dia_block, entries = _dialogue(organisation, year)

    rem_url = reverse("remediation:dashboard", args=[organisation.pk])
    effectiveness = []
    if rem["median_days_to_close"] is not None:
        effectiveness.append(
            item("median_days_to_close", rem_url, days=round(rem["median_days_to_close"], 1))
        )
    if rem["opened"]:
        effectiveness.append(
            item("closed_of_opened", rem_url, closed=rem["closed"], opened=rem["opened"])
        )
    if gri["received"]:
        effectiveness.append(
            item(
                "grievances_closed_of_received",
                reverse("grievances:index", args=[organisation.pk]),
                closed=gri["closed"],
                received=gri["received"],
            )
        )
    made = sum(e["commitments"] for e in entries)
    if made:
        effectiveness.append(
            item(
                "commitments_kept",
                reverse("dialogue:list", args=[organisation.pk]),
                done=sum(e["done"] for e in entries),
                made=made,
            )
        )

    now = {
        "campaigns": campaign_count,
        "findings_opened": rem["opened"],
        "findings_closed": rem["closed"],
        "grievances_received": gri["received"],
        "meetings": len(entries),
    }
    before = _counts(organisation, year - 1)
    sources = {
        "campaigns": reverse("campaigns:dashboard"),
        "findings_opened": rem_url,
        "findings_closed": rem_url,
        "grievances_received": reverse("grievances:index", args=[organisation.pk]),
        "meetings": reverse("dialogue:list", args=[organisation.pk]),
    }
    changes = []
    if any(before.values()):
        changes = [
            item("change", sources[k], what=k, now=now[k], before=before[k], previous=year - 1)
            for k in now
        ]
    return {
        "year": year,
        "blocks": {
            f.SUPPLY_CHAIN: _supply_chain(organisation),
            f.POLICIES: _policies(organisation, end),
            f.RISK: _risk(organisation, end),
            f.CAMPAIGNS: campaigns,
            f.REMEDIATION: rem_block,
            f.GRIEVANCES: gri_block,
            f.DIALOGUE: dia_block,
            f.EFFECTIVENESS: {
                "items": effectiveness,
                "missing": None if effectiveness else "no_effectiveness",
            },
            f.CHANGES: {"items": changes, "missing": None if changes else "no_previous_year"},
        },
    }
