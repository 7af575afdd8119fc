"""Writes of the risk app: computing an assessment from the current editions, ranking a
buyer's suppliers against it, and the buyer's adjustments of that ranking."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.reference import selectors as reference
from hrdd.risk import method, priorities, selectors
from hrdd.risk.models import PriorityAdjustment, PriorityRun, RiskAssessment
from hrdd.risk.tasks import compute_priorities

METHOD_VERSION = "2026.2"


@transaction.atomic
def assessment_compute(*, by=None) -> RiskAssessment:
    """Score every country × sector with the current edition of each dataset and store it.
    Earlier assessments stay as they were."""
    current = reference.current_editions()
    edition_ids = {code: current[code].pk for code in method.DATASETS if code in current}
    if not edition_ids:
        raise ValidationError(_("No reference data is loaded: run manage.py load_reference."))
    results = method.assess(selectors.inputs_for(edition_ids))
    return RiskAssessment.objects.create(
        created_by=by, method_version=METHOD_VERSION, edition_ids=edition_ids, results=results
    )


# --- Prioritising a buyer's suppliers ------------------------------------------------------


def priorities_request(*, organisation, by=None) -> PriorityRun:
    """Ask for a new ranking of the buyer's suppliers against the latest assessment; the
    task worker computes it (tasks.compute_priorities). A ranking already waiting is
    reused rather than queued twice; one waiting longer than selectors.RANKING_GIVEN_UP
    (its worker stopped) is marked failed and a new one is queued."""
    assessment_id = selectors.latest_assessment_id()
    if assessment_id is None:
        raise ValidationError(
            _("No risk assessment has been computed yet: the operator computes it first.")
        )
    queued = PriorityRun.objects.filter(organisation=organisation, status=PriorityRun.Status.QUEUED)
    given_up = timezone.now() - selectors.RANKING_GIVEN_UP
    queued.filter(created_at__lt=given_up).update(status=PriorityRun.Status.FAILED)
    waiting = queued.filter(created_at__gte=given_up).first()
    if waiting is not None:
        return waiting
    run = PriorityRun.objects.create(
        organisation=organisation, assessment_id=assessment_id, requested_by=by
    )
    transaction.on_commit(lambda: compute_priorities.enqueue(run_id=run.pk))
    return run


def adjustment_record(*, supplier, points: int, reason: str, by) -> PriorityAdjustment:
    """Record the buyer's adjustment of one supplier's priority (it withdraws the one in
    force), then ask for a new ranking so that the list shows it."""
    reason = " ".join(reason.split())
    errors = {}
    if not points or abs(points) > priorities.ADJUSTMENT_LIMIT:
        errors["points"] = _("Give a number of points between -%(limit)s and %(limit)s, not 0.") % {
            "limit": priorities.ADJUSTMENT_LIMIT
        }
    if len(reason) < 10:
        errors["reason"] = _("Say why in a sentence: the reason is kept with the adjustment.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        PriorityAdjustment.objects.filter(supplier=supplier, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by
        )
        adjustment = PriorityAdjustment.objects.create(
            organisation_id=supplier.organisation_id,
            supplier=supplier,
            points=points,
            reason=reason,
            created_by=by,
        )
        priorities_request(organisation=supplier.organisation, by=by)
    return adjustment


def adjustment_withdraw(*, supplier, by) -> bool:
    """Withdraw the adjustment in force on a supplier (kept in the history); False if none."""
    with transaction.atomic():
        withdrawn = PriorityAdjustment.objects.filter(
            supplier=supplier, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now(), withdrawn_by=by)
        if withdrawn:
            priorities_request(organisation=supplier.organisation, by=by)
    return bool(withdrawn)
