"""Reads of stored risk assessments (the heat map, the world map, the import-ban
screening of a buyer's suppliers) and of the buyers' rankings of their suppliers (the
priorities pages and exports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hrdd.reference import selectors as reference
from hrdd.risk import bans, method
from hrdd.risk.models import PriorityAdjustment, PriorityRun, RiskAssessment, SupplierPriority
from hrdd.suppliers import selectors as suppliers
from hrdd.suppliers.models import goods_split

TOPIC_LABELS = {
    method.FORCED: _("Forced labour"),
    method.CHILD: _("Child labour"),
    method.MIGRANT: _("Migrant workers and recruitment fees"),
    method.SAFETY: _("Health and safety"),
    method.ASSOCIATION: _("Freedom of association"),
    method.DISCRIMINATION: _("Discrimination"),
}
LEVEL_LABELS = {
    method.HIGH: _("high"),
    method.MEDIUM: _("medium"),
    method.LOW: _("low"),
    method.UNKNOWN: _("unknown"),
}
SECTOR_LABELS = {
    "Agriculture": _("Agriculture"),
    "Manufacturing": _("Manufacturing"),
    "Mining": _("Mining"),
    "Other": _("Other"),
}
SIGNAL_LABELS = {
    "tvpra_forced": _("Listed for forced labour (TVPRA)"),
    "tvpra_child": _("Listed for child labour (TVPRA)"),
    "tvpra_inputs": _("Produced with listed inputs (TVPRA)"),
    "tip": _("TIP Report placement"),
    "cl_share": _("Share of children working"),
    "cl_advancement": _("DOL child-labour assessment"),
    "wgi_rl": _("Rule of law (WGI percentile rank, inverted)"),
    "wgi_ge": _("Government effectiveness (WGI percentile rank, inverted)"),
    "wgi_va": _("Voice and accountability (WGI percentile rank, inverted)"),
}


def inputs_for(edition_ids: dict[str, int]) -> method.Inputs:
    """The method's inputs: the rows of exactly these editions."""
    return method.Inputs(
        rows={code: reference.edition_rows(pk) for code, pk in edition_ids.items()},
        edition_ids=edition_ids,
    )


def latest_assessment_id() -> int | None:
    """The id of the most recent stored assessment (without its results)."""
    return (
        RiskAssessment.objects.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
    )


def latest_assessment() -> RiskAssessment | None:
    """The most recent stored assessment (pages read this, never the live data)."""
    return RiskAssessment.objects.order_by("-created_at", "-pk").first()


def assessment_editions(assessment: RiskAssessment) -> list:
    """The editions an assessment used, with their provenance, in dataset order."""
    by_id = reference.editions_by_id(assessment.edition_ids.values())
    return [by_id[pk] for pk in assessment.edition_ids.values() if pk in by_id]


def newer_editions(assessment: RiskAssessment) -> list:
    """Current editions the assessment did not use (the page offers to recompute)."""
    current = reference.current_editions()
    return [
        current[code]
        for code in method.DATASETS
        if code in current and assessment.edition_ids.get(code) != current[code].pk
    ]


def topic_or_default(topic: str | None) -> str:
    return topic if topic in method.TOPICS else method.FORCED


def heat_map(assessment: RiskAssessment, topic: str) -> list[dict]:
    """One row per country (worst first, then by name) with one cell per sector."""
    editions = {e.pk: e for e in assessment_editions(assessment)}
    rows = []
    for code, sectors in assessment.results["cells"].items():
        cells = []
        for sector in method.SECTORS:
            result = sectors[sector][topic]
            cells.append(
                {
                    "sector": SECTOR_LABELS[sector],
                    "level": result["level"],
                    "level_label": LEVEL_LABELS[result["level"]],
                    "score": result["score"],
                    "floor": result["floor"],
                    "goods": assessment.results["goods"].get(code, {}).get(sector, []),
                    "explanation": [
                        {
                            **item,
                            "label": SIGNAL_LABELS.get(item["signal"], item["signal"]),
                            "edition": editions.get(item["edition_id"]),
                        }
                        for item in result["explanation"]
                    ],
                }
            )
        worst = max(method.ORDER[c["level"]] for c in cells)
        rows.append(
            {"code": code, "name": countries.name(code) or code, "cells": cells, "worst": worst}
        )
    rows.sort(key=lambda r: (-r["worst"], str(r["name"])))
    return rows


def country_levels(assessment: RiskAssessment, topic: str) -> dict[str, str]:
    """Country code → its worst level over the sectors for `topic` (for the world map)."""
    levels = {}
    for code, sectors in assessment.results["cells"].items():
        levels[code] = max(
            (sectors[s][topic]["level"] for s in method.SECTORS), key=method.ORDER.__getitem__
        )
    return levels


# --- The ranking of a buyer's suppliers ---------------------------------------------------

PRIORITY_PAGE_SIZE = 50
# A ranking still waiting after this long has lost its worker: shown as failed, and asking
# again queues a new one.
RANKING_GIVEN_UP = timedelta(minutes=15)
PRIORITY_PDF_ROWS = 500  # the PDF lists the first rows; the CSV and XLSX have them all
SIZE_LABELS = {
    "1-9": _("1 to 9 workers"),
    "10-49": _("10 to 49 workers"),
    "50-249": _("50 to 249 workers"),
    "250-999": _("250 to 999 workers"),
    "1000+": _("1,000 workers or more"),
}
LEVERAGE_LABELS = {3: _("high spend"), 2: _("medium spend"), 1: _("low spend"), 0: ""}


def latest_ranking(*, organisation) -> PriorityRun | None:
    """The buyer's latest computed ranking (pages read this; a newer one may be waiting)."""
    return (
        PriorityRun.objects.filter(organisation=organisation, status=PriorityRun.Status.DONE)
        .select_related("assessment")
        .defer("assessment__results")  # every cell of the world: not needed here
        .order_by("-pk")
        .first()
    )


def ranking_state(*, organisation, run: PriorityRun | None) -> dict:
    """What the page says about the ranking: waiting, failed, or out of date (the list
    changed since, or a newer assessment exists)."""
    newest = PriorityRun.objects.filter(organisation=organisation).order_by("-pk").first()
    assessment_id = latest_assessment_id()
    queued = newest is not None and newest.status == PriorityRun.Status.QUEUED
    given_up = queued and newest.created_at < timezone.now() - RANKING_GIVEN_UP
    return {
        "waiting": queued and not given_up,
        "failed": given_up or (newest is not None and newest.status == PriorityRun.Status.FAILED),
        "list_changed": run is not None
        and run.list_signature != suppliers.list_signature(organisation_id=organisation.pk),
        "newer_assessment": run is not None
        and assessment_id is not None
        and run.assessment_id != assessment_id,
    }


def ranking_rows(
    *, run: PriorityRun, level: str = "", tier: int | None = None, topic: str = ""
) -> QuerySet[SupplierPriority]:
    """The run's rows in rank order, optionally of one level, tier or driving topic, each
    with its supplier's name and country."""
    rows = SupplierPriority.objects.filter(run=run)
    if level in method.LEVELS:
        rows = rows.filter(level=level)
    if tier:
        rows = rows.filter(tier=tier)
    if topic in method.TOPICS:
        rows = rows.filter(topic=topic)
    return rows.select_related("supplier").only(
        "rank",
        "score",
        "level",
        "topic",
        "tier",
        "why",
        "supplier__name",
        "supplier__country",
        "supplier__spend_band",
        "supplier__organisation_id",
    )


def ranking_row(*, run: PriorityRun, supplier_id: int) -> SupplierPriority | None:
    return SupplierPriority.objects.filter(run=run, supplier_id=supplier_id).first()


def _place(why: dict) -> str:
    country = str(countries.name(why["country"]) or why["country"]) if why["country"] else ""
    if why["site"] and country:
        return _("%(site)s, %(country)s") % {"site": why["site"], "country": country}
    return why["site"] or country or str(_("an unknown country"))


def why_parts(why: dict, editions: dict[int, object]) -> list[str]:
    """ "Why this supplier first" as short translated clauses, most important first."""
    topic = TOPIC_LABELS[why["topic"]]
    parts = []
    if why["inherent"] == method.UNKNOWN:
        parts.append(
            _("%(topic)s: no data for %(place)s, counted as medium, not low")
            % {"topic": topic, "place": _place(why)}
        )
    else:
        parts.append(
            _("%(topic)s risk is %(level)s in %(place)s (%(sector)s)")
            % {
                "topic": topic,
                "level": LEVEL_LABELS[why["inherent"]],
                "place": _place(why),
                "sector": SECTOR_LABELS.get(why["sector"], why["sector"]),
            }
        )
    for key, value, edition_id, _contribution in why["signals"]:
        edition = editions.get(edition_id)
        source = f" ({edition.dataset.name}, {edition.edition})" if edition is not None else ""
        parts.append(f"{SIGNAL_LABELS.get(key, key)}: {value}{source}")
    if why["answer"]:
        parts.append(
            _("its disclosed answers signal a %(level)s risk")
            % {"level": LEVEL_LABELS[why["answer"]]}
        )
    if why.get("no_goods"):
        parts.append(_("goods not given: every listed good of its sectors counted"))
    if why.get("no_industry"):
        parts.append(_("sector not given: every sector counted"))
    if why.get("unlisted"):
        parts.append(
            _("not on the list, so no signal: %(goods)s") % {"goods": ", ".join(why["unlisted"])}
        )
    if why["size_band"] in SIZE_LABELS:
        parts.append(str(SIZE_LABELS[why["size_band"]]))
    if why["adjustment"]:
        parts.append(_("adjusted by the buyer: %(points)+d points") % {"points": why["adjustment"]})
    return [str(part) for part in parts]


def why_sentence(why: dict, editions: dict[int, object]) -> str:
    return "; ".join(why_parts(why, editions)) + "."


def why_breakdown(why: dict) -> list[dict]:
    """Every topic's priority and the factors of the driving one (the breakdown table)."""
    return [
        {
            "topic": topic,
            "label": TOPIC_LABELS[topic],
            "priority": why["topics"][topic],
            "driving": topic == why["topic"],
            "unknown": topic in why["unknown"],
        }
        for topic in method.TOPICS
    ]


def run_editions(run: PriorityRun) -> dict[int, object]:
    """Edition id -> edition (with its dataset) for the run's assessment."""
    if run.assessment is None:
        return {}
    return reference.editions_by_id(run.assessment.edition_ids.values())


def adjustments_of(*, supplier) -> QuerySet[PriorityAdjustment]:
    """Every adjustment of a supplier's priority, the one in force first, then newest."""
    return PriorityAdjustment.objects.filter(supplier=supplier).select_related(
        "created_by", "withdrawn_by"
    )


def ranking_levels(*, run: PriorityRun) -> dict[str, int]:
    """How many suppliers at each level."""
    return {level: run.levels.get(level, 0) for level in (method.HIGH, method.MEDIUM, method.LOW)}


class RankWindow:
    """The unfiltered ranking as the paginator sees it: its length is the run's, and a page
    is the rows of a rank range (an index lookup), not an OFFSET the database walks to."""

    def __init__(self, run: PriorityRun):
        self.run = run

    def count(self) -> int:
        return self.run.supplier_count

    def __len__(self) -> int:
        return self.run.supplier_count

    def __getitem__(self, window: slice):
        return list(ranking_rows(run=self.run).filter(rank__gt=window.start, rank__lte=window.stop))


def supplier_levels(*, organisation) -> dict[int, str]:
    """Supplier id -> its level in the latest ranking (the supply-chain map's colours)."""
    run = latest_ranking(organisation=organisation)
    if run is None:
        return {}
    return dict(SupplierPriority.objects.filter(run=run).values_list("supplier_id", "level"))


# --- Import-ban screening ----------------------------------------------------------------------

DATA_LABELS = {
    "country": _("Country (as published)"),
    "good": _("Good (as published)"),
    "forced_labor": _("Forced labour"),
    "forced_child_labor": _("Forced child labour"),
    "child_labor": _("Child labour"),
    "produced_with_listed_inputs": _("Produced with listed inputs"),
    "input_source_country": _("Input from"),
    "input": _("Input"),
    "input_forced_labor": _("Input listed for forced labour"),
    "input_child_labor": _("Input listed for child labour"),
    "region": _("Region as recorded"),
}
KIND_LABELS = {
    bans.LISTED: _("listed good"),
    bans.INPUTS: _("made with a listed input"),
    bans.REGION: _("in the UFLPA region"),
    bans.TRACE: _("trace inputs"),
    bans.REGION_UNKNOWN: _("region unknown"),
}


@dataclass
class BanScreening:
    """What the screening pages need: the rules applied to the TVPRA edition an assessment
    used (so that loading a newer edition changes nothing until recomputed), the laws of the
    current laws edition, and where the data came from."""

    screening: bans.Screening | None
    editions: list = field(default_factory=list)  # provenance: the TVPRA and laws editions
    laws: dict[str, dict] = field(default_factory=dict)
    today: date = field(default_factory=timezone.localdate)
    disclaimer = bans.DISCLAIMER
    not_checked = bans.NOT_CHECKED

    @property
    def rules(self) -> list[dict]:
        """Every rule with its law's row (full name, official URL) when the laws dataset has it."""
        return [{"rule": r, "law": self.laws.get(r.law_id)} for r in bans.RULES.values()]


def ban_screening(assessment: RiskAssessment | None, *, today: date | None = None) -> BanScreening:
    """The screening over the TVPRA edition recorded in `assessment` (None without one)."""
    laws_edition = reference.current_edition("laws")
    edition_id = (assessment.edition_ids or {}).get("tvpra") if assessment else None
    tvpra = reference.editions_by_id([edition_id]).get(edition_id) if edition_id else None
    result = BanScreening(
        screening=None,
        editions=[e for e in (tvpra, laws_edition) if e is not None],
        laws=bans.laws_by_id(reference.edition_rows(laws_edition.pk)) if laws_edition else {},
    )
    if today is not None:
        result.today = today
    if tvpra is not None:
        result.screening = bans.Screening(
            reference.edition_rows(tvpra.pk), edition_id=tvpra.pk, edition_label=tvpra.edition
        )
    return result


def supplier_places(supplier) -> list[bans.Place]:
    """Where a supplier's goods are made: its sites (each with its goods, or the supplier's
    when it names none), or the supplier's own country and goods when it has no site."""
    goods = tuple(supplier.goods_list)
    sites = list(supplier.sites.all())
    if not sites:
        return [
            bans.Place(
                name=supplier.name, country=str(supplier.country), goods=goods, is_site=False
            )
        ]
    return [
        bans.Place(
            name=site.name,
            country=str(site.country),
            region=site.region,
            goods=tuple(goods_split(site.goods)) or goods,
        )
        for site in sites
    ]


def flag_row(flag: bans.Flag) -> dict:
    """A flag as pages and the CSV show it."""
    return {
        "flag": flag,
        "kind_label": KIND_LABELS[flag.kind],
        "country_name": countries.name(flag.place.country) or flag.place.country,
        "data": [(DATA_LABELS.get(k, k), v) for k, v in flag.data.items()],
    }


def supplier_exposure(supplier, assessment: RiskAssessment | None, *, context=None) -> dict:
    """A supplier's import-ban flags and notes, grouped by rule, over the TVPRA edition the
    assessment used (`context`, a BanScreening, may be passed to share it between suppliers)."""
    context = context or ban_screening(assessment)
    if context.screening is None:
        return {"context": context, "screened": False, "groups": [], "notes": []}
    exposure = bans.screen_places(context.screening, supplier_places(supplier), today=context.today)
    groups = []
    for item in context.rules:
        flags = [flag_row(f) for f in exposure.flags if f.rule.id == item["rule"].id]
        if flags:
            groups.append({**item, "flags": flags})
    return {"context": context, "screened": True, "groups": groups, "notes": exposure.notes}


def organisation_exposure(
    organisation, assessment: RiskAssessment | None, *, rule: str = "", today: date | None = None
) -> dict:
    """Every supplier of the buyer that has flags (of `rule` only, if given), with them; and
    how many suppliers were screened. Three queries for the suppliers and their sites, the
    screening of identical places done once."""
    context = ban_screening(assessment, today=today)
    rows, screened = [], 0
    if context.screening is not None:
        for supplier in suppliers.suppliers_with_sites(organisation=organisation).iterator(
            chunk_size=1000
        ):
            screened += 1
            exposure = bans.screen_places(
                context.screening, supplier_places(supplier), today=context.today
            )
            flags = [f for f in exposure.flags if not rule or f.rule.id == rule]
            if flags:
                rows.append({"supplier": supplier, "flags": [flag_row(f) for f in flags]})
    return {"context": context, "rows": rows, "screened": screened}


def rule_or_default(rule: str | None) -> str:
    return rule if rule in bans.RULES else ""


# --- One country, good by good ------------------------------------------------------------


def country_goods(assessment: RiskAssessment, code: str) -> list[dict] | None:
    """Each good the TVPRA edition of `assessment` lists for the country, scored on its own
    (the country's signals plus that good's listings), worst first; None for a country the
    assessment does not cover. Read from the assessment's editions, never the live data."""
    if code not in assessment.results["cells"]:
        return None
    facts = method.facts(inputs_for(assessment.edition_ids)).get(code)
    editions = reference.editions_by_id(assessment.edition_ids.values())
    goods = {
        s.good: sector
        for sector, signals in (facts.by_sector.items() if facts else ())
        for s in signals
    }
    rows = []
    for good, sector in goods.items():
        results = method.place_scores(facts, (sector,), {good})
        rows.append(
            {
                "good": good,
                "sector": SECTOR_LABELS.get(sector, sector),
                "topics": [
                    {
                        "label": TOPIC_LABELS[topic],
                        "level": results[topic]["level"],
                        "level_label": LEVEL_LABELS[results[topic]["level"]],
                        "score": results[topic]["score"],
                        "explanation": [
                            {
                                **item,
                                "label": SIGNAL_LABELS.get(item["signal"], item["signal"]),
                                "edition": editions.get(item["edition_id"]),
                            }
                            for item in results[topic]["explanation"]
                        ],
                    }
                    for topic in method.TOPICS
                ],
                "worst": max(method.ORDER[results[t]["level"]] for t in method.TOPICS),
            }
        )
    rows.sort(key=lambda r: (-r["worst"], r["good"].casefold()))
    return rows


def ranking_as_of(*, organisation, end) -> PriorityRun | None:
    """The buyer's latest ranking finished before `end` (a statement's year end)."""
    return (
        PriorityRun.objects.filter(
            organisation=organisation, status=PriorityRun.Status.DONE, finished_at__lt=end
        )
        .defer("assessment__results")
        .order_by("-finished_at", "-pk")
        .first()
    )


def ranking_countries(*, run: PriorityRun, level: str, limit: int = 5) -> list[tuple[str, int]]:
    """The countries with the most suppliers at `level` in `run`, most first."""
    rows = (
        SupplierPriority.objects.filter(run=run, level=level)
        .values_list("supplier__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "supplier__country")
    )
    return [(country or "", n) for country, n in rows[:limit]]
