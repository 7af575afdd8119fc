"""Writes of the laws app: versions of the library's entries (loaded from the shipped file
or edited by the operator) and a buyer's answers to "which laws apply to us"."""

import datetime
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from hrdd.laws.applicability import RATES_PER_EUR, validate_rules
from hrdd.laws.models import ApplicabilityAnswers, Law, LawVersion

DATA_FILE = Path(__file__).resolve().parent / "data" / "laws.yaml"
# The fields of a version that the data file and the operator's form set.
CONTENT_FIELDS = (
    "short_name",
    "title",
    "jurisdiction",
    "kind",
    "binding",
    "in_force_from",
    "applies_from",
    "rules",
    "report",
    "topics",
    "questions",
    "evidence",
    "source_url",
    "summary_en",
    "summary_ja",
    "obligations_en",
    "obligations_ja",
    "note_en",
    "note_ja",
    "review_by",
    "to_verify",
)


@transaction.atomic
def law_version_add(
    *, law: Law, content: dict, change_note: str, by=None, from_file: bool = False
) -> LawVersion:
    """Add the next version of `law` with `content` and make it the one buyers read."""
    errors = validate_rules(content.get("rules"))
    if errors:
        raise ValidationError({"rules": errors})
    if not change_note.strip():
        raise ValidationError({"change_note": _("Say what changed, for the change log.")})
    law = Law.objects.select_for_update().get(pk=law.pk)
    last = law.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = LawVersion(
        law=law,
        number=last + 1,
        change_note=" ".join(change_note.split())[:300],
        changed_by=by,
        from_file=from_file,
        **{name: content.get(name) for name in CONTENT_FIELDS if name in content},
    )
    version.full_clean(exclude=["law"])
    version.save()
    law.current = version
    law.save(update_fields=["current"])
    return version


def _content(entry: dict) -> dict:
    content = {name: entry.get(name) for name in CONTENT_FIELDS}
    for name in ("report", "note_en", "note_ja"):
        content[name] = content[name] or ({} if name == "report" else "")
    for name in ("topics", "questions", "evidence"):
        content[name] = content[name] or []
    return content


def _same(version: LawVersion, content: dict) -> bool:
    return all(getattr(version, name) == value for name, value in content.items())


def library_load(*, path: Path = DATA_FILE) -> dict:
    """Load the library from its data file, safe to run again: a new entry is added, an entry
    still as the file left it gets a new version when the file changed, and an entry the
    operator has edited is kept as it is. Returns the number of entries of each outcome."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    outcome = {"added": 0, "updated": 0, "unchanged": 0, "kept": 0}
    for entry in entries:
        content = _content(entry)
        law, created = Law.objects.get_or_create(code=entry["code"])
        current = law.current
        if created or current is None:
            law_version_add(
                law=law,
                content=content,
                change_note=_("Loaded from the library's data file."),
                from_file=True,
            )
            outcome["added"] += 1
        elif not current.from_file:
            outcome["kept"] += 1
        elif _same(current, content):
            outcome["unchanged"] += 1
        else:
            law_version_add(
                law=law,
                content=content,
                change_note=_("Updated from the library's data file."),
                from_file=True,
            )
            outcome["updated"] += 1
    return outcome


def answers_save(
    *,
    organisation,
    incorporated_in: str,
    sells_in,
    imports_into,
    listed_in,
    turnover,
    currency: str,
    employees: int,
    year_end_month: int,
    by=None,
) -> ApplicabilityAnswers:
    """Keep a buyer's answers as a new row (the older ones stay as its change log)."""
    known = dict(countries)
    errors = {}
    if incorporated_in not in known:
        errors["incorporated_in"] = _("%(code)s is not a country code we know.") % {
            "code": incorporated_in
        }
    for name, codes in (
        ("sells_in", sells_in),
        ("imports_into", imports_into),
        ("listed_in", listed_in),
    ):
        unknown = [code for code in codes if code not in known]
        if unknown:
            errors[name] = _("Not country codes we know: %(codes)s.") % {
                "codes": ", ".join(unknown)
            }
    if turnover is None or turnover < 0:
        errors["turnover"] = _("The turnover cannot be negative.")
    if currency not in RATES_PER_EUR:
        errors["currency"] = _("Choose one of the currencies listed.")
    if employees is None or employees < 0:
        errors["employees"] = _("The number of employees cannot be negative.")
    if not 1 <= (year_end_month or 0) <= 12:
        errors["year_end_month"] = _("Choose the month your financial year ends.")
    if errors:
        raise ValidationError(errors)
    return ApplicabilityAnswers.objects.create(
        organisation=organisation,
        incorporated_in=incorporated_in,
        sells_in=sorted(set(sells_in)),
        imports_into=sorted(set(imports_into)),
        listed_in=sorted(set(listed_in)),
        turnover=turnover,
        currency=currency,
        employees=employees,
        year_end_month=year_end_month,
        saved_by=by,
    )


def review_overdue(version: LawVersion, today: datetime.date) -> bool:
    return version.review_by < today
