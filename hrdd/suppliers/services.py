"""Writes to a buyer's supplier list: by hand (create, update, delete) and from a file
(preview, confirm, cancel). Views, the import_suppliers command and tests all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from hrdd.accounts.models import User
from hrdd.invitations.services import invitations_follow_address
from hrdd.organisations.models import Organisation
from hrdd.suppliers import imports
from hrdd.suppliers.models import (
    GOODS_SEPARATOR,
    MAX_TIER,
    MigrantShare,
    Site,
    Supplier,
    SupplierChange,
    SupplierImport,
    SupplierLink,
    goods_split,
)

EDITABLE_FIELDS = (
    "name",
    "country",
    "industry",
    "size_band",
    "contact_name",
    "email",
    "language",
    "tier",
    "goods",
    "spend_band",
    "migrant_share",
    "reference",
)
# The fields an import file fills in (the others keep their defaults).
IMPORTED_FIELDS = ("name", "country", "industry", "size_band", "contact_name", "email", "language")
# Rows per INSERT when confirming an import (SQLite lowers it to its own parameter limit).
BULK_BATCH = 1000
# What confirming or cancelling changes: re-read without the (large) rows.
_STATUS_FIELDS = ["status", "imported_count", "imported_at"]


def _duplicate_reference_error() -> ValidationError:
    return ValidationError(
        {"reference": _("A supplier with this reference is already in your list.")}
    )


def _duplicate_email_error() -> ValidationError:
    return ValidationError(
        {"email": _("A supplier with this e-mail address is already in your list.")}
    )


def _clean(supplier: Supplier) -> None:
    """Field rules of the model, the offered languages, and one address per list."""
    supplier.name = supplier.name.strip()
    supplier.contact_name = supplier.contact_name.strip()
    supplier.email = supplier.email.strip()
    supplier.reference = supplier.reference.strip()
    supplier.goods = f"{GOODS_SEPARATOR} ".join(goods_split(supplier.goods))
    supplier.migrant_share = supplier.migrant_share or MigrantShare.UNKNOWN
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
    if supplier.reference:
        same = Supplier.objects.filter(
            organisation_id=supplier.organisation_id, reference=supplier.reference
        )
        if supplier.pk:
            same = same.exclude(pk=supplier.pk)
        if same.exists():
            raise _duplicate_reference_error()


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
    tier: int | None = None,
    goods: str = "",
    spend_band: str = "",
    migrant_share: str = "",
    reference: str = "",
) -> Supplier:
    """Add one supplier to the buyer's list by hand (or through the API).

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
        tier=tier or 1,
        goods=goods or "",
        spend_band=spend_band or "",
        migrant_share=migrant_share or MigrantShare.UNKNOWN,
        reference=reference or "",
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
    # A supplier with customers in the list keeps the tier they give it; its own suppliers
    # follow its tier. Logged below like any change.
    tiers = _tiers_recompute(organisation_id=supplier.organisation_id, by=by, skip={supplier.pk})
    supplier.tier = tiers.get(supplier.pk, supplier.tier)
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


def supplier_change_record(
    *, supplier: Supplier, action: str, by: User | None, new_value: str = ""
) -> SupplierChange:
    """Write one entry of the supplier-list audit log for a change made elsewhere than by
    supplier_update (a supplier added or linked from what one of the list named)."""
    return SupplierChange.objects.create(
        organisation_id=supplier.organisation_id,
        supplier=supplier,
        supplier_name=supplier.name,
        user=by,
        action=action,
        new_value=_logged(new_value),
    )


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
        added = [row for row in rows if row["email"].lower() not in existing]
        new = [
            Supplier(
                organisation_id=organisation_id,
                **{name: row[name] for name in IMPORTED_FIELDS},
                # Previews made before these columns existed have no such keys.
                tier=row.get("tier", 1),
                goods=row.get("goods", ""),
                spend_band=row.get("spend_band", ""),
                migrant_share=row.get("migrant_share", MigrantShare.UNKNOWN),
            )
            for row in added
        ]
        before = Supplier.objects.filter(organisation_id=organisation_id).count()
        # ignore_conflicts: an address added by someone else after the read above is skipped
        # rather than failing the whole file; the count below tells what was really added.
        Supplier.objects.bulk_create(new, batch_size=BULK_BATCH, ignore_conflicts=True)
        imported = Supplier.objects.filter(organisation_id=organisation_id).count() - before
        _import_sites_and_links(organisation_id=organisation_id, rows=added)
        SupplierImport.objects.filter(pk=supplier_import.pk).update(imported_count=imported)
    supplier_import.refresh_from_db(fields=_STATUS_FIELDS)
    return ImportOutcome(imported=imported, skipped=len(rows) - imported)


def _import_sites_and_links(*, organisation_id: int, rows: list[dict]) -> None:
    """The sites (a "site region") and links (a "supplies") of the rows just imported, then
    the tiers. A link that closes a loop with links added since the preview raises
    ValidationError, and the caller's transaction adds nothing."""
    ids = {
        email.lower(): pk
        for email, pk in Supplier.objects.filter(organisation_id=organisation_id).values_list(
            "email", "pk"
        )
    }
    Site.objects.bulk_create(
        [
            Site(
                supplier_id=ids[row["email"].lower()],
                name=row["name"],
                country=row["country"],
                region=row["site_region"],
            )
            for row in rows
            if row.get("site_region") and row["email"].lower() in ids
        ],
        batch_size=BULK_BATCH,
    )
    links = [
        SupplierLink(
            organisation_id=organisation_id,
            supplier_id=ids[row["email"].lower()],
            customer_id=ids[row["supplies_email"]],
        )
        for row in rows
        if row.get("supplies_email")
        and row["email"].lower() in ids
        and row["supplies_email"] in ids
    ]
    if links:
        SupplierLink.objects.bulk_create(links, batch_size=BULK_BATCH, ignore_conflicts=True)
        new_ids = {ids[row["email"].lower()] for row in rows if row["email"].lower() in ids}
        _tiers_recompute(organisation_id=organisation_id, by=None, skip=new_ids)


def supplier_import_cancel(*, supplier_import: SupplierImport) -> bool:
    """Drop a preview without importing anything; False if it was no longer waiting."""
    cancelled = SupplierImport.objects.filter(
        pk=supplier_import.pk, status=SupplierImport.Status.PREVIEW
    ).update(status=SupplierImport.Status.CANCELLED)
    supplier_import.refresh_from_db(fields=_STATUS_FIELDS)
    return bool(cancelled)


# --- Sites and links between suppliers ------------------------------------------------------


@transaction.atomic
def site_create(
    *, supplier: Supplier, name: str, country: str, region: str = "", goods: str = ""
) -> Site:
    """Add a site (factory, farm, warehouse) to a supplier."""
    site = Site(
        supplier=supplier,
        name=" ".join(name.split()),
        country=country,
        region=region.strip(),
        goods=f"{GOODS_SEPARATOR} ".join(goods_split(goods)),
    )
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def site_delete(*, site: Site) -> None:
    """Remove a site from its supplier."""
    site.delete()


def _loop(*, supplier: Supplier, customer: Supplier) -> list[int] | None:
    """The ids of a chain customer → … → supplier of existing links ("supplies"), if any:
    adding "supplier supplies customer" would close it into a loop."""
    supplies: dict[int, list[int]] = {}
    for supplier_id, customer_id in SupplierLink.objects.filter(
        organisation_id=supplier.organisation_id
    ).values_list("supplier_id", "customer_id"):
        supplies.setdefault(supplier_id, []).append(customer_id)
    came_from: dict[int, int | None] = {customer.pk: None}
    queue = [customer.pk]
    while queue:
        current = queue.pop(0)
        if current == supplier.pk:
            chain = []
            node: int | None = current
            while node is not None:
                chain.append(node)
                node = came_from[node]
            return list(reversed(chain))
        for nxt in supplies.get(current, []):
            if nxt not in came_from:
                came_from[nxt] = current
                queue.append(nxt)
    return None


def _tiers_recompute(
    *, organisation_id: int, by: User | None, skip: frozenset[int] | set[int] = frozenset()
) -> dict[int, int]:
    """Give every supplier with customers in the list the tier after its lowest customer's
    (a supplier of a tier-n supplier is tier n+1); suppliers without customers keep theirs.

    Changes are saved and logged (SupplierChange). Raises ValidationError if a tier would
    pass MAX_TIER. `skip`: suppliers whose change was just logged by the caller.
    Returns every supplier's tier.
    """
    rows = Supplier.objects.filter(organisation_id=organisation_id).values_list(
        "pk", "tier", "name"
    )
    stored = {pk: tier for pk, tier, _name in rows}
    names = {pk: name for pk, _tier, name in rows}
    customers: dict[int, list[int]] = {}
    for supplier_id, customer_id in SupplierLink.objects.filter(
        organisation_id=organisation_id
    ).values_list("supplier_id", "customer_id"):
        customers.setdefault(supplier_id, []).append(customer_id)
    tiers: dict[int, int] = {}

    def tier_of(pk: int) -> int:
        # Iterative depth-first walk (chains may be long). Links never loop when added one
        # by one; links added in bulk (an import) are checked here.
        stack = [pk]
        entered: set[int] = set()
        while stack:
            current = stack[-1]
            if current in tiers:
                stack.pop()
                continue
            pending = [c for c in customers.get(current, []) if c not in tiers]
            if pending:
                if current in entered:
                    path = [c for c in stack if c in entered]
                    path = path[path.index(current) :]
                    loop = [names[c] for c in dict.fromkeys(path)] + [names[current]]
                    raise ValidationError(
                        _(
                            "This link would make a loop: %(loop)s. A supplier cannot supply "
                            "itself, even through others."
                        )
                        % {"loop": " → ".join(loop)}
                    )
                entered.add(current)
                stack.extend(pending)
                continue
            stack.pop()
            above = customers.get(current)
            tiers[current] = min(tiers[c] for c in above) + 1 if above else stored[current]
        return tiers[pk]

    for pk in stored:
        tier_of(pk)
    too_deep = sorted(names[pk] for pk, tier in tiers.items() if tier > MAX_TIER)
    if too_deep:
        raise ValidationError(
            _("This link would put %(names)s beyond tier %(max)s.")
            % {"names": ", ".join(too_deep[:5]), "max": MAX_TIER}
        )
    changed = [pk for pk, tier in tiers.items() if tier != stored[pk]]
    for pk in changed:
        Supplier.objects.filter(pk=pk).update(tier=tiers[pk], updated_at=timezone.now())
    SupplierChange.objects.bulk_create(
        [
            SupplierChange(
                organisation_id=organisation_id,
                supplier_id=pk,
                supplier_name=names[pk],
                user=by,
                action=SupplierChange.Action.CHANGED,
                field="tier",
                old_value=str(stored[pk]),
                new_value=str(tiers[pk]),
            )
            for pk in changed
            if pk not in skip
        ]
    )
    return tiers


@transaction.atomic
def supplier_link_add(
    *, supplier: Supplier, customer: Supplier, by: User | None = None
) -> SupplierLink:
    """Record that `supplier` supplies `customer` (both of one buyer's list) and recompute
    the tiers. Refuses a link to itself, a link already there, and a link that would close
    a loop, naming the loop (A → B → C → A)."""
    if supplier.organisation_id != customer.organisation_id:
        raise ValidationError(_("Both suppliers must be in your list."))
    if supplier.pk == customer.pk:
        raise ValidationError(_("A supplier cannot supply itself."))
    if SupplierLink.objects.filter(supplier=supplier, customer=customer).exists():
        raise ValidationError(
            _("%(supplier)s already supplies %(customer)s.")
            % {"supplier": supplier.name, "customer": customer.name}
        )
    # Locks the buyer's links, so that two links added at once cannot close a loop together.
    list(
        Supplier.objects.select_for_update()
        .filter(organisation_id=supplier.organisation_id)
        .values_list("pk", flat=True)
    )
    chain = _loop(supplier=supplier, customer=customer)
    if chain:
        names = dict(Supplier.objects.filter(pk__in=chain).values_list("pk", "name"))
        loop = " → ".join([supplier.name, *(names[pk] for pk in chain)])
        raise ValidationError(
            _(
                "This link would make a loop: %(loop)s. A supplier cannot supply itself, even "
                "through others."
            )
            % {"loop": loop}
        )
    link = SupplierLink.objects.create(
        organisation_id=supplier.organisation_id, supplier=supplier, customer=customer
    )
    tiers = _tiers_recompute(organisation_id=supplier.organisation_id, by=by)
    supplier.tier = tiers[supplier.pk]
    return link


@transaction.atomic
def supplier_link_delete(*, link: SupplierLink, by: User | None = None) -> None:
    """Remove a link; the tiers of the suppliers above it are computed again (a supplier
    left without customers keeps the tier it had)."""
    organisation_id = link.organisation_id
    link.delete()
    _tiers_recompute(organisation_id=organisation_id, by=by)


@dataclass
class UpsertResult:
    """What happened to one row of a bulk upsert: `created`, `updated`, `unchanged` or
    `invalid` (then `errors` maps each field to its messages and nothing was written)."""

    row: int
    reference: str
    status: str
    supplier: Supplier | None = None
    errors: dict[str, list[str]] | None = None


UPSERT_MAX_ROWS = 10_000
# Rows per lookup of existing references and addresses (under SQLite's parameter limit).
_LOOKUP_CHUNK = 500


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _by_reference(organisation_id: int, references: list[str]) -> dict[str, Supplier]:
    found: dict[str, Supplier] = {}
    for chunk in _chunks(references, _LOOKUP_CHUNK):
        for supplier in Supplier.objects.filter(
            organisation_id=organisation_id, reference__in=chunk
        ):
            found[supplier.reference] = supplier
    return found


def _owners_of_emails(organisation_id: int, emails: list[str]) -> dict[str, int]:
    """Lower-cased address -> the supplier holding it, for the addresses given."""
    owners: dict[str, int] = {}
    for chunk in _chunks(emails, _LOOKUP_CHUNK):
        rows = (
            Supplier.objects.filter(organisation_id=organisation_id)
            .annotate(email_key=Lower("email"))
            .filter(email_key__in=chunk)
            .values_list("email_key", "pk")
        )
        owners.update(rows)
    return owners


def _fields_with_nul(row: dict) -> list[str]:
    return [name for name, value in row.items() if isinstance(value, str) and "\x00" in value]


def _message_dict(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _update_rows(suppliers: list[Supplier]) -> None:
    """One UPDATE statement run for many rows (executemany): bulk_update's CASE WHEN
    expressions cost seconds per thousand rows to build, this costs milliseconds."""
    fields = [Supplier._meta.get_field(name) for name in (*EDITABLE_FIELDS, "updated_at")]
    quote = connection.ops.quote_name
    # Only the model's own quoted names go into the text; every value is a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(Supplier._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(Supplier._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(supplier, field.attname), connection) for field in fields]
        + [supplier.pk]
        for supplier in suppliers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


@transaction.atomic
def suppliers_upsert(
    *, organisation: Organisation, rows: list[dict], by: User | None = None
) -> list[UpsertResult]:
    """Create or update many suppliers at once, matched on the buyer's own `reference`.

    Each row is checked by the same rules as supplier_create (the model's fields, the offered
    languages, one address and one reference per list). A row that breaks one is reported
    with its errors and not written; the other rows are. A row whose reference is in the
    list updates that supplier (only the fields it gives; every real change is logged like
    supplier_update's, a new address replaces the invitations); any other row adds one.
    Tiers of linked suppliers are recomputed once at the end. A few queries per 500 rows,
    so that a buyer's whole master data (UPSERT_MAX_ROWS rows) fits in one call.
    """
    if len(rows) > UPSERT_MAX_ROWS:
        raise ValidationError(
            _("Send at most %(max)s suppliers at once.") % {"max": UPSERT_MAX_ROWS}
        )
    organisation_id = organisation.pk
    references = [str(row.get("reference") or "").strip() for row in rows]
    # A NUL character cannot be stored (PostgreSQL refuses it) nor looked up; such a row is
    # reported below and kept out of the lookups.
    with_nul = [_fields_with_nul(row) for row in rows]
    existing = _by_reference(
        organisation_id, [r for r, nul in zip(references, with_nul, strict=True) if r and not nul]
    )
    owners = _owners_of_emails(
        organisation_id,
        list(
            {
                str(row.get("email") or "").strip().lower()
                for row, nul in zip(rows, with_nul, strict=True)
                if not nul
            }
        ),
    )
    languages = dict(settings.LANGUAGES)
    country_codes = {code for code, _name in countries}
    results: list[UpsertResult] = []
    seen_references: set[str] = set()
    seen_emails: set[str] = set()
    new: list[Supplier] = []
    updates: list[tuple[Supplier, dict]] = []
    for index, (row, reference) in enumerate(zip(rows, references, strict=True)):
        errors: dict[str, list[str]] = {
            name: [_("Remove the null character (\\0) from this field.")]
            for name in with_nul[index]
        }
        if with_nul[index]:
            pass  # not looked up, not written
        elif not reference:
            errors["reference"] = [_("Give your reference for each supplier.")]
        elif reference in seen_references:
            errors["reference"] = [_("This reference is given twice in the request.")]
        current = None if with_nul[index] else existing.get(reference)
        unknown = set(row) - set(EDITABLE_FIELDS)
        if unknown:
            errors["non_field_errors"] = [
                _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            ]
        if current is None:
            before = None
            supplier = Supplier(
                organisation_id=organisation_id,
                migrant_share=MigrantShare.UNKNOWN,
                language=imports.DEFAULT_LANGUAGE,
            )
        else:
            before = {name: getattr(current, name) for name in EDITABLE_FIELDS}
            supplier = current
        for name in set(row) & set(EDITABLE_FIELDS):
            value = row[name]
            setattr(supplier, name, value if value is not None else "")
        supplier.reference = reference
        if not errors:
            supplier.name = str(supplier.name or "").strip()
            supplier.contact_name = str(supplier.contact_name or "").strip()
            supplier.email = str(supplier.email or "").strip()
            supplier.goods = f"{GOODS_SEPARATOR} ".join(goods_split(str(supplier.goods or "")))
            supplier.migrant_share = supplier.migrant_share or MigrantShare.UNKNOWN
            supplier.language = supplier.language or imports.DEFAULT_LANGUAGE
            supplier.tier = supplier.tier or 1
            try:
                # The country is checked against a set below: the field's own check walks
                # every country's name, which would be most of the time of a large upsert.
                supplier.full_clean(
                    exclude=["organisation", "country"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as exc:
                errors.update(_message_dict(exc))
            if str(supplier.country or "") not in country_codes:
                errors.setdefault("country", []).append(_("Choose a country from the list."))
            if supplier.language not in languages:
                errors.setdefault("language", []).append(_("Choose one of the offered languages."))
            email_key = supplier.email.lower()
            owner = owners.get(email_key)
            if email_key and (
                email_key in seen_emails
                or (owner is not None and (current is None or owner != current.pk))
            ):
                errors.setdefault("email", []).append(
                    _("A supplier with this e-mail address is already in your list.")
                )
        if errors:
            if current is not None:
                # Leave the instance as it was read: nothing of this row is written.
                for name, value in before.items():
                    setattr(current, name, value)
            results.append(UpsertResult(index, reference, "invalid", errors=errors))
            continue
        seen_references.add(reference)
        seen_emails.add(supplier.email.lower())
        if current is None:
            new.append(supplier)
            results.append(UpsertResult(index, reference, "created", supplier))
            continue
        changed = {
            name: before[name]
            for name in EDITABLE_FIELDS
            if _logged(before[name]) != _logged(getattr(supplier, name))
        }
        if changed:
            updates.append((supplier, changed))
        status = "updated" if changed else "unchanged"
        results.append(UpsertResult(index, reference, status, supplier))
    Supplier.objects.bulk_create(new, batch_size=BULK_BATCH)
    if updates:
        now = timezone.now()
        for supplier, _changed in updates:
            supplier.updated_at = now
        _update_rows([supplier for supplier, _changed in updates])
        SupplierChange.objects.bulk_create(
            [
                SupplierChange(
                    organisation_id=organisation_id,
                    supplier=supplier,
                    supplier_name=supplier.name,
                    user=by,
                    action=SupplierChange.Action.CHANGED,
                    field=name,
                    old_value=_logged(old),
                    new_value=_logged(getattr(supplier, name)),
                )
                for supplier, changed in updates
                for name, old in changed.items()
            ],
            batch_size=BULK_BATCH,
        )
        for supplier, changed in updates:
            if "email" in changed and changed["email"].strip().lower() != supplier.email.lower():
                invitations_follow_address(
                    supplier=supplier,
                    old_email=changed["email"],
                    old_language=changed.get("language", supplier.language),
                    by=by,
                )
        if any("tier" in changed for _supplier, changed in updates):
            tiers = _tiers_recompute(organisation_id=organisation_id, by=by)
            for supplier, _changed in updates:
                supplier.tier = tiers.get(supplier.pk, supplier.tier)
    return results
