"""A statement's figures and texts in the reader's language: one presentation feeds the
builder page, the version page, the DOCX and the PDF."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from hrdd.cycle.models import PolicyDocument
from hrdd.dialogue.models import Engagement
from hrdd.remediation.models import TOPICS
from hrdd.statements import frameworks as f
from hrdd.statements.frameworks import FRAMEWORKS

BLOCK_TITLES = {
    f.SUPPLY_CHAIN: gettext_lazy("Supply chain"),
    f.POLICIES: gettext_lazy("Policies"),
    f.RISK: gettext_lazy("Risk assessment"),
    f.CAMPAIGNS: gettext_lazy("Supplier assessment campaigns"),
    f.REMEDIATION: gettext_lazy("Findings and corrective action plans"),
    f.GRIEVANCES: gettext_lazy("Grievance channel"),
    f.DIALOGUE: gettext_lazy("Dialogue with stakeholders"),
    f.EFFECTIVENESS: gettext_lazy("Effectiveness"),
    f.CHANGES: gettext_lazy("Change from the previous year"),
}

MISSING = {
    "no_suppliers": gettext_lazy("No supplier is on your list."),
    "no_policies": gettext_lazy("No policy document was adopted by the end of %(year)s."),
    "no_ranking": gettext_lazy("No risk ranking was computed by the end of %(year)s."),
    "no_campaign": gettext_lazy("No campaign ran in %(year)s."),
    "no_findings": gettext_lazy("No finding or corrective action plan was recorded in %(year)s."),
    "no_channel": gettext_lazy("No grievance channel was open in %(year)s."),
    "no_dialogue": gettext_lazy(
        "No meeting with stakeholders in %(year)s is marked for the statement."
    ),
    "no_effectiveness": gettext_lazy(
        "No measure of effectiveness can be computed for %(year)s yet."
    ),
    "no_previous_year": gettext_lazy("There are no figures for %(previous)s to compare with."),
}

NOTHING_TO_FILL = gettext_lazy(
    "The platform holds no data for this section: describe it in your own words."
)

CHANGE_LABELS = {
    "campaigns": gettext_lazy("Campaigns run"),
    "findings_opened": gettext_lazy("Findings recorded"),
    "findings_closed": gettext_lazy("Findings closed"),
    "grievances_received": gettext_lazy("Grievances received"),
    "meetings": gettext_lazy("Meetings with stakeholders in the statement"),
}


def _date(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "DATE_FORMAT")


def _countries(pairs) -> str:
    return ", ".join(f"{countries.name(code) or code} ({n:,})" for code, n in pairs)


def sentence(code: str, p: dict) -> str:
    """One figure as a sentence; each code is a whole translatable sentence."""
    if code == "suppliers":
        return _("Suppliers on the list: %(n)s") % {"n": f"{p['n']:,}"}
    if code == "supplier_countries":
        return _("Countries of suppliers: %(n)s") % {"n": p["n"]}
    if code == "top_countries":
        return _("Countries with the most suppliers: %(list)s") % {
            "list": _countries(p["countries"])
        }
    if code == "document":
        kind = (
            PolicyDocument.Kind(p["kind"]).label
            if p["kind"] in PolicyDocument.Kind.values
            else p["kind"]
        )
        return _("%(kind)s: %(title)s, adopted %(date)s") % {
            "kind": kind,
            "title": p["title"],
            "date": _date(p["date"]),
        }
    if code == "ranking":
        return _(
            "Suppliers ranked by risk on %(date)s: %(n)s, of which %(high)s high, "
            "%(medium)s medium and %(low)s low priority"
        ) % {
            "date": _date(p["date"]),
            "n": f"{p['n']:,}",
            "high": f"{p['high']:,}",
            "medium": f"{p['medium']:,}",
            "low": f"{p['low']:,}",
        }
    if code == "high_countries":
        return _("Countries with the most high-priority suppliers: %(list)s") % {
            "list": _countries(p["countries"])
        }
    if code == "campaign_disclosed":
        if p["rate"] is None:
            return _("%(name)s (disclosed): %(n)s responses") % p
        return (
            _(
                "%(name)s (disclosed): %(n)s responses from %(invited)s suppliers invited "
                "(response rate %(rate)s %%)"
            )
            % p
        )
    if code == "campaign_confidential":
        if p["high"] is None:
            return (
                _(
                    "%(name)s (confidential): at least %(low)s responses; %(invited)s suppliers "
                    "invited. Exact counts are not shown, to protect suppliers."
                )
                % p
            )
        return (
            _(
                "%(name)s (confidential): between %(low)s and %(high)s responses; %(invited)s "
                "suppliers invited. Exact counts are not shown, to protect suppliers."
            )
            % p
        )
    simple = {
        "findings_opened": _("Findings recorded: %(n)s"),
        "findings_closed": _("Findings closed: %(n)s"),
        "findings_still_open": _("Findings still open at the end of the year: %(n)s"),
        "findings_caps_requested": _("Corrective action plans requested: %(n)s"),
        "findings_caps_accepted": _("Corrective action plans accepted: %(n)s"),
        "findings_caps_verified": _("Corrective action plans verified: %(n)s"),
        "grievance_channels": _("Grievance channels open: %(n)s"),
        "grievances_received": _("Grievances received: %(n)s"),
        "grievances_acknowledged": _("Grievances acknowledged: %(n)s"),
        "grievances_closed": _("Grievances closed: %(n)s"),
    }
    if code in simple:
        return simple[code] % {"n": f"{p['n']:,}"}
    if code == "meeting":
        group = Engagement.Group(p["group"]).label if p["group"] in Engagement.Group.values else ""
        topics = ", ".join(str(TOPICS.get(t, t)) for t in p["topics"]) or "—"
        return _(
            "%(date)s, %(title)s (%(group)s); topics: %(topics)s; commitments: %(done)s of "
            "%(commitments)s kept"
        ) % {
            "date": _date(p["date"]),
            "title": p["title"],
            "group": group,
            "topics": topics,
            "done": p["done"],
            "commitments": p["commitments"],
        }
    if code == "median_days_to_close":
        return _("Median days from a finding to its close: %(days)s") % {"days": f"{p['days']:g}"}
    if code == "closed_of_opened":
        return (
            _("Findings closed in the year against findings recorded: %(closed)s of %(opened)s") % p
        )
    if code == "grievances_closed_of_received":
        return _("Grievances closed against grievances received: %(closed)s of %(received)s") % p
    if code == "commitments_kept":
        return _("Commitments to stakeholders kept: %(done)s of %(made)s") % p
    if code == "change":
        return _("%(what)s: %(now)s (%(previous)s: %(before)s)") % {
            "what": CHANGE_LABELS[p["what"]],
            "now": f"{p['now']:,}",
            "previous": p["previous"],
            "before": f"{p['before']:,}",
        }
    return code


def present(*, framework: str, figures: dict, texts: dict) -> list[dict]:
    """The sections of `framework`, each with its title, guidance, the buyer's text and its
    blocks of figures as sentences with their source link, or what is missing."""
    year = figures["year"]
    sections = []
    for section in FRAMEWORKS[framework]["sections"]:
        blocks = []
        for key in section["blocks"]:
            block = figures["blocks"].get(key) or {"items": [], "missing": None}
            missing = block.get("missing")
            blocks.append(
                {
                    "key": key,
                    "title": str(BLOCK_TITLES[key]),
                    "items": [
                        {"text": sentence(i["code"], i["params"]), "url": i["url"]}
                        for i in block["items"]
                    ],
                    "missing": str(MISSING[missing]) % {"year": year, "previous": year - 1}
                    if missing
                    else "",
                }
            )
        sections.append(
            {
                "key": section["key"],
                "title": str(section["title"]),
                "guidance": str(section["guidance"]),
                "text": texts.get(section["key"], ""),
                "blocks": blocks,
                "nothing_to_fill": "" if blocks else str(NOTHING_TO_FILL),
            }
        )
    return sections


def framework_name(framework: str) -> str:
    return str(FRAMEWORKS[framework]["name"])
