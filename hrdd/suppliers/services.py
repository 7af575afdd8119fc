"""Writes to a buyer's supplier list: by hand (create, update, delete) and from a file
(preview, confirm, cancel). Views, the import_suppliers command and tests all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.invitations.services import invitations_follow_address
from hrdd.organisations.models import Organisation
from hrdd.suppliers import imports
from hrdd.suppliers.models import Supplier, SupplierChange, SupplierImport

EDITABLE_FIELDS = ("name", "country", "industry", "size_band", "contact_name", "email", "language")
# Rows per INSERT when confirming an import (SQLite lowers it to its own parameter limit).
BULK_BATCH = 1000
# What confirming or cancelling changes: re-read without the (large) rows.
_STATUS_FIELDS = ["status", "imported_count", "imported_at"]


def _duplicate_email_error() -> ValidationError:
    return ValidationError(
        {"email": _("A supplier with this e-mail address is already in your list.")}
    )


def _clean(supplier: Supplier) -> None:
    """Field rules of the model, the offered languages, and one address per list."""
    supplier.name = supplier.name.strip()
    supplier.contact_name = supplier.contact_name.strip()
    supplier.email = supplier.email.strip()
    # The organisation is set by the service, and the e-mail rule is checked below with a
    # message on the field (the database constraint would only say "constraint violated").
    supplier.full_clean(exclude=["organisation"], validate_constraints=False)
    if supplier.language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    others = Supplier.objects.filter(
        organisation_id=supplier.organisation_id, email__iexact=supplier.email
    )
    if supplier.pk:
        others = others.exclude(pk=supplier.pk)
    if others.exists():
        raise _duplicate_email_error()


def _save(supplier: Supplier) -> Supplier:
    _clean(supplier)
    try:
        # A savepoint, so that a concurrent insert of the same address fails cleanly.
        with transaction.atomic():
            supplier.save()
    except IntegrityError as exc:
        raise _duplicate_email_error() from exc
    return supplier


@transaction.atomic
def supplier_create(
    *,
    organisation: Organisation,
    name: str,
    country: str,
    email: str,
    industry: str = "",
    size_band: str = "",
    contact_name: str = "",
    language: str = imports.DEFAULT_LANGUAGE,
) -> Supplier:
    """Add one supplier to the buyer's list by hand.

    Raises ValidationError with field errors; an address already in the list (in any case)
    is an error on the e-mail field.
    """
    supplier = Supplier(
        organisation=organisation,
        name=name,
        country=country,
        email=email,
        industry=industry or "",
        size_band=size_band or "",
        contact_name=contact_name or "",
        language=language or imports.DEFAULT_LANGUAGE,
    )
    return _save(supplier)


def _logged(value) -> str:
    return str(value or "")[:254]


@transaction.atomic
def supplier_update(*, supplier: Supplier, by: User | None = None, **changes) -> Supplier:
    """Change a supplier's details; the same rules as supplier_create.

    Only the fields a buyer edits can change (not the list it belongs to, nor its opt-out).
    Every field that really changes is written to the supplier-list audit log
    (SupplierChange), with `by`. A new address (ignoring case) never inherits the old
    one's answers: the supplier's invitations are replaced by blank ones for the new
    address, and the old address is told (invitations.invitations_follow_address).
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"supplier_update: not editable: {', '.join(sorted(unknown))}")
    # The stored values, not the instance's: a model form has already written the new ones
    # onto it. Locked, so that two edits at once log and replace invitations one at a time.
    before = Supplier.objects.select_for_update().values(*EDITABLE_FIELDS).get(pk=supplier.pk)
    for name, value in changes.items():
        setattr(supplier, name, value if value is not None else "")
    _save(supplier)
    changed = [
        name
        for name in EDITABLE_FIELDS
        if _logged(before[name]) != _logged(getattr(supplier, name))
    ]
    SupplierChange.objects.bulk_create(
        [
            SupplierChange(
                organisation_id=supplier.organisation_id,
                supplier=supplier,
                supplier_name=supplier.name,
                user=by,
                action=SupplierChange.Action.CHANGED,
                field=name,
                old_value=_logged(before[name]),
                new_value=_logged(getattr(supplier, name)),
            )
            for name in changed
        ]
    )
    if before["email"].strip().lower() != supplier.email.lower():
        invitations_follow_address(
            supplier=supplier,
            old_email=before["email"],
            old_language=before["language"],
            by=by,
        )
    return supplier


@transaction.atomic
def supplier_delete(*, supplier: Supplier, by: User | None = None) -> None:
    """Remove a supplier from the list, with its personal links (responses stay); written to
    the supplier-list audit log."""
    SupplierChange.objects.create(
        organisation_id=supplier.organisation_id,
        supplier=None,
        supplier_name=supplier.name,
        user=by,
        action=SupplierChange.Action.REMOVED,
        field="email",
        old_value=_logged(supplier.email),
    )
    supplier.delete()


# --- Import from a file ----------------------------------------------------------------------


def supplier_import_preview(
    *, organisation: Organisation, filename: str, content: bytes, by: User | None
) -> SupplierImport:
    """Check a file and keep the result until the buyer confirms it; nothing is imported.

    A file that cannot be used at all (not a spreadsheet, a required column missing, too many
    rows) raises ValidationError with one message and stores nothing.
    """
    try:
        result = imports.check_supplier_file(
            organisation=organisation, filename=filename, content=content
        )
    except imports.SupplierFileError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
    return SupplierImport.objects.create(
        organisation=organisation,
        created_by=by,
        filename=filename[:255],
        total_rows=result.total_rows,
        rows=result.rows,
        problems=result.problems,
    )


@dataclass
class ImportOutcome:
    """What confirming did: how many suppliers were added, and how many valid rows of the
    preview were skipped because their address reached the list in the meantime."""

    imported: int
    skipped: int
    already_done: bool = False
    expired: bool = False


def supplier_import_confirm(*, supplier_import: SupplierImport) -> ImportOutcome:
    """Add every valid row of a previewed file to the list, in one transaction.

    Safe to run twice (a double click, a second tab): the first run claims the import with a
    conditional update and the second finds it no longer waiting. Rows whose address was
    added to the list since the preview are skipped and counted. Either all rows are added
    or, on any failure, none. A preview older than SupplierImport.PREVIEW_DAYS is not
    imported (`expired`): the buyer uploads the file again and sees it checked anew.
    """
    with transaction.atomic():
        now = timezone.now()
        claimed = SupplierImport.objects.filter(
            pk=supplier_import.pk,
            status=SupplierImport.Status.PREVIEW,
            created_at__gt=now - timedelta(days=SupplierImport.PREVIEW_DAYS),
        ).update(status=SupplierImport.Status.IMPORTED, imported_at=now)
        if not claimed:
            supplier_import.refresh_from_db(fields=[*_STATUS_FIELDS, "created_at"])
            if supplier_import.is_expired:
                return ImportOutcome(imported=0, skipped=0, expired=True)
            supplier_import.refresh_from_db(fields=_STATUS_FIELDS)
            return ImportOutcome(
                imported=supplier_import.imported_count, skipped=0, already_done=True
            )
        # The rows as stored by the preview, read again inside the transaction.
        rows = SupplierImport.objects.values_list("rows", flat=True).get(pk=supplier_import.pk)
        organisation_id = supplier_import.organisation_id
        existing = imports.existing_emails(organisation_id)
        new = [
            Supplier(
                organisation_id=organisation_id,
                **{name: row[name] for name in EDITABLE_FIELDS},
            )
            for row in rows
            if row["email"].lower() not in existing
        ]
        before = Supplier.objects.filter(organisation_id=organisation_id).count()
        # ignore_conflicts: an address added by someone else after the read above is skipped
        # rather than failing the whole file; the count below tells what was really added.
        Supplier.objects.bulk_create(new, batch_size=BULK_BATCH, ignore_conflicts=True)
        imported = Supplier.objects.filter(organisation_id=organisation_id).count() - before
        SupplierImport.objects.filter(pk=supplier_import.pk).update(imported_count=imported)
    supplier_import.refresh_from_db(fields=_STATUS_FIELDS)
    return ImportOutcome(imported=imported, skipped=len(rows) - imported)


def supplier_import_cancel(*, supplier_import: SupplierImport) -> bool:
    """Drop a preview without importing anything; False if it was no longer waiting."""
    cancelled = SupplierImport.objects.filter(
        pk=supplier_import.pk, status=SupplierImport.Status.PREVIEW
    ).update(status=SupplierImport.Status.CANCELLED)
    supplier_import.refresh_from_db(fields=_STATUS_FIELDS)
    return bool(cancelled)
