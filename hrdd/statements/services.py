"""Writes of the statements app: a statement is created with its first version, and every
save of the buyer's text is a new version (the versions are the statement's audit trail)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.statements.figures import gather
from hrdd.statements.frameworks import FRAMEWORKS, sections_of
from hrdd.statements.models import Statement, StatementVersion

FIRST_YEAR = 2000
MAX_TEXT = 20_000


def statement_create(*, organisation, year: int, framework: str, by) -> Statement:
    """A statement for `year` under `framework`, with a first version of empty texts and the
    figures as they are now."""
    errors = {}
    if framework not in FRAMEWORKS:
        errors["framework"] = _("Choose one of the laws listed.")
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        errors["year"] = _("Give a year from %(first)s to this year.") % {"first": FIRST_YEAR}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            statement = Statement.objects.create(
                organisation=organisation, year=year, framework=framework, created_by=by
            )
            statement_save(statement=statement, texts={}, by=by)
    except IntegrityError as error:
        raise ValidationError(
            {"year": _("You already have a statement for this law and year: open it below.")}
        ) from error
    return statement


@transaction.atomic
def statement_save(*, statement: Statement, texts: dict, by) -> StatementVersion:
    """A new version with `texts` (section key -> text) and the figures gathered now."""
    keys = {s["key"] for s in sections_of(statement.framework)}
    too_long = [k for k, v in texts.items() if k in keys and len(v) > MAX_TEXT]
    if too_long:
        raise ValidationError(
            {k: _("At most %(n)s characters.") % {"n": f"{MAX_TEXT:,}"} for k in too_long}
        )
    # Lock the statement row so that two saves at once get different numbers.
    Statement.objects.select_for_update().filter(pk=statement.pk).first()
    last = statement.versions.aggregate(n=Max("number"))["n"] or 0
    return StatementVersion.objects.create(
        statement=statement,
        number=last + 1,
        texts={k: v.strip() for k, v in texts.items() if k in keys},
        figures=gather(organisation=statement.organisation, year=statement.year),
        created_by=by,
    )
