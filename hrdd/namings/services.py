"""Writes of the requests to name suppliers: send one (a personal link by e-mail), take the
supplier's answer, and add what it named to the buyer's list or dismiss it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.core.tokens import hash_code, new_code
from hrdd.namings.models import SupplierNamingRequest
from hrdd.namings.selectors import named_rows
from hrdd.notifications.services import email_queue
from hrdd.suppliers.models import Supplier, SupplierChange
from hrdd.suppliers.services import (
    site_create,
    supplier_change_record,
    supplier_create,
    supplier_link_add,
)

TEMPLATE = "supplier_naming_request"
# Suppliers added from a named list get this language until the buyer knows better.
NEW_SUPPLIER_LANGUAGE = "en"


def new_token() -> str:
    """A personal-link token: 100 random bits, as for campaign links."""
    return new_code(groups=5)


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("namings:answer", kwargs={"token": token})


def _language(supplier: Supplier) -> str:
    codes = dict(settings.LANGUAGES)
    return supplier.language if supplier.language in codes else settings.LANGUAGE_CODE


@transaction.atomic
def naming_request_send(*, supplier: Supplier, by: User | None) -> SupplierNamingRequest:
    """Ask `supplier` to name its own suppliers: a personal link e-mailed to its address on
    the list, in its preferred language, valid for EXPIRY_DAYS. A link of an earlier request
    not answered yet stops working (only the newest one does)."""
    now = timezone.now()
    SupplierNamingRequest.objects.filter(
        supplier=supplier, submitted_at=None, closed_at=None
    ).update(closed_at=now, closed_by=by, outcome=SupplierNamingRequest.Outcome.REPLACED)
    token = new_token()
    language = _language(supplier)
    naming = SupplierNamingRequest.objects.create(
        organisation_id=supplier.organisation_id,
        supplier=supplier,
        email=supplier.email,
        language=language,
        token_hash=hash_code(token),
        created_by=by,
        sent_at=now,
        expires_at=now + timedelta(days=SupplierNamingRequest.EXPIRY_DAYS),
    )
    email_queue(
        to=supplier.email,
        template=TEMPLATE,
        language=language,
        contains_secret=True,
        context={
            "buyer": supplier.organisation.name,
            "supplier_name": supplier.name,
            "contact_name": supplier.contact_name,
            "link": link_url(token),
            "expires_at": naming.expires_at,
        },
    )
    return naming


def naming_request_submit(*, naming: SupplierNamingRequest, rows: list[dict]) -> bool:
    """Record the suppliers named (once: a second tab or a double click finds it done).
    False if the request no longer takes an answer (answered, replaced or expired)."""
    now = timezone.now()
    done = SupplierNamingRequest.objects.filter(
        pk=naming.pk, submitted_at=None, closed_at=None, expires_at__gt=now
    ).update(submitted_at=now, named=rows)
    naming.refresh_from_db()
    return bool(done)


@dataclass
class AcceptOutcome:
    added: int = 0
    linked: int = 0
    already_linked: int = 0
    already_done: bool = False


def _row_error(row, exc: ValidationError) -> ValidationError:
    return ValidationError(
        _("Row %(row)s (%(name)s): %(message)s")
        % {"row": row.number, "name": row.name, "message": " ".join(exc.messages)}
    )


def naming_request_accept(
    *,
    naming: SupplierNamingRequest,
    by: User | None,
    chosen: set[int],
    emails: dict[int, str] | None = None,
) -> AcceptOutcome:
    """Add the chosen rows (numbers from 1) of a submitted list to the buyer's list, in one
    transaction: a row matching an entry of the list is that entry; any other becomes a new
    entry (supplier_create; `emails` gives the address of a row named without one), with
    its site region as a site. Each is then linked as a supplier of the asked supplier
    (supplier_link_add, tiers recomputed). Every addition and link is written to the
    supplier-list change log. Any problem (a missing address, a loop) raises
    ValidationError naming the row, and nothing is added.
    """
    emails = emails or {}
    outcome = AcceptOutcome()
    with transaction.atomic():
        claimed = SupplierNamingRequest.objects.filter(
            pk=naming.pk, submitted_at__isnull=False, closed_at=None
        ).update(
            closed_at=timezone.now(), closed_by=by, outcome=SupplierNamingRequest.Outcome.ADDED
        )
        if not claimed:
            return AcceptOutcome(already_done=True)
        customer = Supplier.objects.get(pk=naming.supplier_id)
        rows = [row for row in named_rows(naming=naming) if row.number in chosen]
        if not rows:
            raise ValidationError(_("Choose at least one supplier to add."))
        for row in rows:
            if row.is_asked_supplier:
                raise ValidationError(
                    _(
                        "Row %(row)s (%(name)s) is the supplier that was asked: it cannot "
                        "supply itself."
                    )
                    % {"row": row.number, "name": row.name}
                )
            supplier = row.match
            if supplier is None:
                email = (row.email or emails.get(row.number, "")).strip()
                if not email:
                    raise ValidationError(
                        _(
                            "Row %(row)s (%(name)s): enter an e-mail address to add this "
                            "supplier to your list, or leave it out."
                        )
                        % {"row": row.number, "name": row.name}
                    )
                try:
                    supplier = supplier_create(
                        organisation=naming.organisation,
                        name=row.name,
                        country=row.country,
                        email=email,
                        goods=row.goods,
                        language=NEW_SUPPLIER_LANGUAGE,
                    )
                    if row.region:
                        site_create(
                            supplier=supplier,
                            name=row.name,
                            country=row.country,
                            region=row.region,
                            goods=row.goods,
                        )
                except ValidationError as exc:
                    raise _row_error(row, exc) from exc
                supplier_change_record(
                    supplier=supplier,
                    action=SupplierChange.Action.ADDED,
                    by=by,
                    new_value=supplier.email,
                )
                outcome.added += 1
            if row.already_linked:
                outcome.already_linked += 1
                continue
            try:
                supplier_link_add(supplier=supplier, customer=customer, by=by)
            except ValidationError as exc:
                raise _row_error(row, exc) from exc
            supplier_change_record(
                supplier=supplier,
                action=SupplierChange.Action.LINKED,
                by=by,
                new_value=customer.name,
            )
            outcome.linked += 1
        SupplierNamingRequest.objects.filter(pk=naming.pk).update(added_count=outcome.added)
    naming.refresh_from_db()
    return outcome


def naming_request_dismiss(*, naming: SupplierNamingRequest, by: User | None) -> bool:
    """Close a request without adding anything; False if it was already closed."""
    done = SupplierNamingRequest.objects.filter(pk=naming.pk, closed_at=None).update(
        closed_at=timezone.now(), closed_by=by, outcome=SupplierNamingRequest.Outcome.DISMISSED
    )
    naming.refresh_from_db()
    return bool(done)
