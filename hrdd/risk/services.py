"""Writes of the risk app: computing an assessment from the current editions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.reference import selectors as reference
from hrdd.risk import method
from hrdd.risk.models import RiskAssessment

METHOD_VERSION = "2026.2"
DATASETS = ("tvpra", "child_labor_findings", "tip", "wgi")


def inputs_for(edition_ids: dict[str, int]) -> method.Inputs:
    """The method's inputs: the rows of exactly these editions."""
    return method.Inputs(
        rows={code: reference.edition_rows(pk) for code, pk in edition_ids.items()},
        edition_ids=edition_ids,
    )


@transaction.atomic
def assessment_compute(*, by=None) -> RiskAssessment:
    """Score every country × sector with the current edition of each dataset and store it.
    Earlier assessments stay as they were."""
    current = reference.current_editions()
    edition_ids = {code: current[code].pk for code in DATASETS if code in current}
    if not edition_ids:
        raise ValidationError(_("No reference data is loaded: run manage.py load_reference."))
    results = method.assess(inputs_for(edition_ids))
    return RiskAssessment.objects.create(
        created_by=by, method_version=METHOD_VERSION, edition_ids=edition_ids, results=results
    )
