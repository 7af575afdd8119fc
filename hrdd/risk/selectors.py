"""Reads of stored risk assessments, shaped for the heat map and the world map."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hrdd.reference import selectors as reference
from hrdd.risk import method
from hrdd.risk.models import RiskAssessment
from hrdd.risk.services import DATASETS

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
        for code in DATASETS
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
