"""Reads of the laws app: the library as buyers read it (in their language), one entry's
versions, and which laws apply to a buyer (`applicable_laws`, read by the cycle page and the
statement builder)."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django_countries import countries

from hrdd.laws import applicability
from hrdd.laws.models import ApplicabilityAnswers, Law, LawVersion
from hrdd.risk.selectors import TOPIC_LABELS

SPECIAL_JURISDICTIONS = {
    "EU": gettext_lazy("European Union"),
    "INT": gettext_lazy("International"),
    "US-CA": gettext_lazy("United States – California"),
}
# The parts of the platform where a buyer produces the evidence a law asks for.
EVIDENCE = {
    "risk": (gettext_lazy("Supplier risk ranking"), "risk:priorities"),
    "bans": (gettext_lazy("Import-ban screening"), "risk:bans"),
    "remediation": (gettext_lazy("Remediation dashboard"), "remediation:dashboard"),
    "grievances": (gettext_lazy("Grievance channels"), "grievances:index"),
    "cycle": (gettext_lazy("Due-diligence cycle"), "cycle:cycle"),
    "campaigns": (gettext_lazy("Supplier campaigns"), "campaigns:dashboard"),
}
LEVEL_LABELS = {
    applicability.APPLIES: gettext_lazy("Applies"),
    applicability.CHECK: gettext_lazy("May apply: check"),
}


def jurisdiction_label(code: str) -> str:
    if code in SPECIAL_JURISDICTIONS:
        return str(SPECIAL_JURISDICTIONS[code])
    return str(countries.name(code)) or code


def localise(version: LawVersion) -> LawVersion:
    """Attach the texts in the reader's language and the labels a page shows."""
    japanese = (get_language() or "en").startswith("ja")
    version.summary = version.summary_ja if japanese else version.summary_en
    version.obligations = version.obligations_ja if japanese else version.obligations_en
    version.note = version.note_ja if japanese else version.note_en
    version.jurisdiction_label = jurisdiction_label(version.jurisdiction)
    version.topic_labels = [str(TOPIC_LABELS.get(topic, topic)) for topic in version.topics]
    version.review_overdue = version.review_by < timezone.localdate()
    return version


def library(*, jurisdiction: str = "", kind: str = "", topic: str = "") -> list[LawVersion]:
    """The current version of every law, filtered, in the reader's language."""
    versions = LawVersion.objects.filter(pk__in=Law.objects.values("current")).select_related("law")
    if jurisdiction:
        versions = versions.filter(jurisdiction=jurisdiction)
    if kind:
        versions = versions.filter(kind=kind)
    out = [localise(v) for v in versions.order_by("jurisdiction", "short_name")]
    if topic:  # a JSON list: a handful of rows, filtered here rather than per database
        out = [v for v in out if topic in v.topics]
    return out


def jurisdictions() -> list[tuple[str, str]]:
    codes = LawVersion.objects.filter(pk__in=Law.objects.values("current")).values_list(
        "jurisdiction", flat=True
    )
    return sorted(((c, jurisdiction_label(c)) for c in set(codes)), key=lambda pair: pair[1])


def get_law(code: str) -> Law | None:
    """The law with its current version (localised), or None."""
    law = Law.objects.select_related("current").filter(code=code, current__isnull=False).first()
    if law is not None:
        localise(law.current)
    return law


def versions(law: Law) -> list[LawVersion]:
    """The change log: every version, newest first, with who made it."""
    return list(law.versions.select_related("changed_by").order_by("-number"))


def latest_answers(organisation) -> ApplicabilityAnswers | None:
    return ApplicabilityAnswers.objects.filter(organisation=organisation).order_by("-pk").first()


def answers_history(organisation, limit: int = 10) -> list[ApplicabilityAnswers]:
    return list(
        ApplicabilityAnswers.objects.filter(organisation=organisation)
        .select_related("saved_by")
        .order_by("-pk")[:limit]
    )


def profile(answers: ApplicabilityAnswers) -> applicability.Profile:
    return applicability.Profile(
        incorporated_in=answers.incorporated_in,
        sells_in=frozenset(answers.sells_in),
        imports_into=frozenset(answers.imports_into),
        listed_in=frozenset(answers.listed_in),
        turnover=answers.turnover,
        currency=answers.currency,
        employees=answers.employees,
        year_end_month=answers.year_end_month,
    )


@dataclass
class ApplicableLaw:
    """One law that applies (or may) to a buyer: why, what it asks, when the next report is
    due, and where in the platform the evidence is made."""

    law: LawVersion
    level: str
    level_label: str
    reasons: list[str]
    next_due: datetime.date | None
    evidence: list[tuple[str, str]] = field(default_factory=list)


def applicable_laws(organisation, today: datetime.date | None = None) -> list[ApplicableLaw] | None:
    """The laws that apply to `organisation` by its latest answers, those that apply first;
    None when it has not answered yet."""
    answers = latest_answers(organisation)
    if answers is None:
        return None
    today = today or timezone.localdate()
    facts = profile(answers)
    out = []
    for version in library():
        result = applicability.evaluate(version.rules, facts)
        if result is None:
            continue
        due = applicability.next_due(version.report, facts.year_end_month, today)
        if due and version.applies_from and due < version.applies_from:
            due = None
        links = []
        for key in version.evidence:
            if key in EVIDENCE:
                label, name = EVIDENCE[key]
                url = (
                    reverse(name)
                    if name == "campaigns:dashboard"
                    else reverse(name, args=[organisation.pk])
                )
                links.append((str(label), url))
        out.append(
            ApplicableLaw(
                law=version,
                level=result.level,
                level_label=str(LEVEL_LABELS[result.level]),
                reasons=result.reasons,
                next_due=due,
                evidence=links,
            )
        )
    order = {applicability.APPLIES: 0, applicability.CHECK: 1}
    out.sort(key=lambda item: (order[item.level], not item.law.binding, item.law.short_name))
    return out
