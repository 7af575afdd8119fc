"""Reads of a buyer's supplier list and its imports, shared by the pages and the command.

Every lookup by an id from a request starts from `get_buyer_for_member`, so another buyer's
supplier or import is a 404 like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hrdd.core.access import get_buyer_for_member
from hrdd.organisations.models import Organisation
from hrdd.suppliers.imports import ERROR, WARNING
from hrdd.suppliers.maps import SupplyMap
from hrdd.suppliers.models import (
    Site,
    Supplier,
    SupplierChange,
    SupplierImport,
    SupplierLink,
    goods_split,
)

PAGE_SIZE = 50
# The preview page shows this many problems and valid rows; the CSV report has them all.
PREVIEW_PROBLEMS = 200
PREVIEW_ROWS = 20


def suppliers_for_list(
    *, organisation: Organisation, query: str = "", tier: int | None = None
) -> QuerySet[Supplier]:
    """The buyer's suppliers in name order, optionally those whose name or e-mail contains
    `query` (ignoring case), optionally those of one tier."""
    suppliers = Supplier.objects.filter(organisation=organisation)
    if tier:
        suppliers = suppliers.filter(tier=tier)
    query = query.strip()
    if query:
        suppliers = suppliers.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return suppliers.order_by("name", "pk")


def get_supplier_for_member(
    user, organisation_id, supplier_id, *, write: bool = False
) -> tuple[Organisation, Supplier]:
    """The buyer and one supplier of its list, else 404 (403 for readers with write=True)."""
    organisation = get_buyer_for_member(user, organisation_id, write=write)
    supplier = get_object_or_404(Supplier, pk=supplier_id, organisation=organisation)
    return organisation, supplier


def get_import_for_member(
    user, organisation_id, import_id, *, with_rows: bool = True
) -> tuple[Organisation, SupplierImport]:
    """The buyer and one of its imports; only owners and administrators import (403 else).

    Without `with_rows`, the stored rows (several MB for a large file) are not loaded.
    """
    organisation = get_buyer_for_member(user, organisation_id, write=True)
    imports = SupplierImport.objects.filter(organisation=organisation)
    if not with_rows:
        imports = imports.defer("rows")
    return organisation, get_object_or_404(imports, pk=import_id)


def pending_imports(*, organisation: Organisation) -> QuerySet[SupplierImport]:
    """Files checked and waiting for the buyer's confirmation, newest first (not those
    checked more than SupplierImport.PREVIEW_DAYS ago: they can no longer be confirmed)."""
    return (
        SupplierImport.objects.filter(
            organisation=organisation,
            status=SupplierImport.Status.PREVIEW,
            created_at__gt=timezone.now() - timedelta(days=SupplierImport.PREVIEW_DAYS),
        )
        .defer("rows", "problems")
        .order_by("-created_at")
    )


@dataclass
class ImportSummary:
    """The counts a preview shows. Rows with errors and rows already in the list are not
    imported; rows with only warnings (such as a missing language) are."""

    total: int
    valid: int
    with_errors: int
    already_in_list: int
    with_warnings: int
    file_warnings: list[dict]


def import_summary(supplier_import: SupplierImport) -> ImportSummary:
    """The counts of a stored import (its rows must be loaded)."""
    return summarise(
        problems=supplier_import.problems,
        total=supplier_import.total_rows,
        valid=len(supplier_import.rows),
    )


def summarise(*, problems: list[dict], total: int, valid: int) -> ImportSummary:
    """The counts of a checked file, from its problem report."""
    errors: set[int] = set()
    existing: set[int] = set()
    warned: set[int] = set()
    file_warnings = []
    for problem in problems:
        if not problem["field"]:
            file_warnings.append(problem)
        elif problem["severity"] == ERROR:
            errors.add(problem["row"])
        elif problem["code"] == "already_in_list":
            existing.add(problem["row"])
        elif problem["severity"] == WARNING:
            warned.add(problem["row"])
    return ImportSummary(
        total=total,
        valid=valid,
        with_errors=len(errors),
        already_in_list=len(existing - errors),
        with_warnings=len(warned - errors - existing),
        file_warnings=file_warnings,
    )


def language_names() -> dict[str, str]:
    """Language code to its name in the current language, for lists and forms."""
    return {code: str(name) for code, name in settings.LANGUAGES}


def supplier_changes(*, organisation_id: int | None = None) -> QuerySet[SupplierChange]:
    """The supplier-list audit log, newest first: one buyer's (for its owner, or the operator
    choosing a buyer) or every buyer's (the operator)."""
    changes = SupplierChange.objects.select_related("organisation", "user")
    if organisation_id is not None:
        changes = changes.filter(organisation_id=organisation_id)
    return changes.order_by("-created_at", "-pk")


def buyers_with_supplier_changes() -> QuerySet[Organisation]:
    """The buyers whose supplier list has changed at least once (the operator's filter)."""
    return Organisation.objects.filter(
        pk__in=SupplierChange.objects.values("organisation_id")
    ).order_by("name")


# --- Sites, links and the map ----------------------------------------------------------------

# The drawing shows at most this many suppliers per tier (the table lists them all).
MAP_PER_TIER = 60
MAP_TABLE_PAGE = 100


def supplier_context(*, supplier: Supplier) -> dict:
    """A supplier's sites, the suppliers that supply it and the customers it supplies."""
    return {
        "sites": list(supplier.sites.order_by("name", "pk")),
        "supplied_by": list(
            supplier.supplier_links.select_related("supplier").order_by("supplier__name")
        ),
        "supplies": list(
            supplier.customer_links.select_related("customer").order_by("customer__name")
        ),
    }


def get_link_for_member(
    user, organisation_id, supplier_id, link_id
) -> tuple[Organisation, Supplier, SupplierLink]:
    """The buyer, one of its suppliers and a link to or from it; owners and administrators
    only (403 for readers), 404 for anyone else."""
    organisation, supplier = get_supplier_for_member(user, organisation_id, supplier_id, write=True)
    link = get_object_or_404(
        SupplierLink.objects.filter(Q(supplier=supplier) | Q(customer=supplier)), pk=link_id
    )
    return organisation, supplier, link


def get_site_for_member(
    user, organisation_id, supplier_id, site_id
) -> tuple[Organisation, Supplier, Site]:
    """The buyer, one of its suppliers and one of its sites; owners and administrators
    only (403 for readers), 404 for anyone else."""
    organisation, supplier = get_supplier_for_member(user, organisation_id, supplier_id, write=True)
    return organisation, supplier, get_object_or_404(Site, pk=site_id, supplier=supplier)


RISK_ORDER = {"high": 0, "medium": 1, "low": 2}


def supply_map(*, organisation: Organisation, first: dict[int, str] | None = None) -> SupplyMap:
    """The buyer's suppliers by tier, at most MAP_PER_TIER per tier (name order; suppliers
    with links first, as they are what the map is for, then, given `first` (supplier id ->
    risk level), the highest levels first), and the links between them."""
    linked = SupplierLink.objects.filter(organisation=organisation)
    linked_ids = set(linked.values_list("supplier_id", flat=True)) | set(
        linked.values_list("customer_id", flat=True)
    )
    result = SupplyMap()
    for pk, name, tier in (
        Supplier.objects.filter(organisation=organisation)
        .order_by("tier", "name", "pk")
        .values_list("pk", "name", "tier")
        .iterator()
    ):
        result.columns.setdefault(tier, []).append((pk, name))
    for tier, column in result.columns.items():
        column.sort(
            key=lambda item: (
                item[0] not in linked_ids,
                RISK_ORDER.get((first or {}).get(item[0]), 3),
            )
        )
        result.hidden[tier] = max(0, len(column) - MAP_PER_TIER)
        del column[MAP_PER_TIER:]
    drawn = {pk for column in result.columns.values() for pk, _name in column}
    result.links = [
        (s, c)
        for s, c in linked.values_list("supplier_id", "customer_id")
        if s in drawn and c in drawn
    ]
    return result


def supply_map_table(*, organisation: Organisation) -> QuerySet[Supplier]:
    """Every supplier of the buyer in tier then name order, each with the customers it
    supplies (prefetched: one query per page, not per row)."""
    return (
        Supplier.objects.filter(organisation=organisation)
        .order_by("tier", "name", "pk")
        .only("pk", "name", "tier", "country")
        .prefetch_related(
            Prefetch(
                "customer_links",
                queryset=SupplierLink.objects.select_related("customer")
                .only("supplier_id", "customer__name", "customer__tier")
                .order_by("customer__name"),
            )
        )
    )


@dataclass
class ScoringRow:
    """What prioritising by risk reads of one supplier (hrdd/risk/priorities.py)."""

    id: int
    name: str
    country: str
    industry: str
    size_band: str
    migrant_share: str
    spend_band: str
    tier: int
    goods: tuple[str, ...]
    # (name, country, goods): the site's goods, else the supplier's
    sites: list[tuple[str, str, tuple[str, ...]]]


def scoring_rows(*, organisation_id: int) -> Iterator[ScoringRow]:
    """Every supplier of the buyer with its sites, in id order, read as two streams merged
    on the supplier id: memory holds one supplier at a time whatever the list's size."""
    sites = (
        Site.objects.filter(supplier__organisation_id=organisation_id)
        .order_by("supplier_id", "pk")
        .values_list("supplier_id", "name", "country", "goods")
        .iterator(chunk_size=5000)
    )
    pending = next(sites, None)
    split: dict[str, tuple[str, ...]] = {}  # lists repeat their goods texts: split each once

    def goods_of(text: str) -> tuple[str, ...]:
        if text not in split:
            split[text] = tuple(goods_split(text))
        return split[text]

    for pk, name, country, industry, size, migrant, spend, tier, goods in (
        Supplier.objects.filter(organisation_id=organisation_id)
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "country",
            "industry",
            "size_band",
            "migrant_share",
            "spend_band",
            "tier",
            "goods",
        )
        .iterator(chunk_size=5000)
    ):
        own_goods = goods_of(goods)
        row = ScoringRow(pk, name, country, industry, size, migrant, spend, tier, own_goods, [])
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                site_goods = goods_of(pending[3]) or own_goods
                row.sites.append((pending[1], pending[2], site_goods))
            pending = next(sites, None)
        yield row


def list_signature(*, organisation_id: int) -> str:
    """A short text that changes whenever the buyer's suppliers, their sites or their links
    change: a ranking computed from an older list says it is out of date."""
    suppliers = Supplier.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("pk"), changed=Max("updated_at")
    )
    sites = Site.objects.filter(supplier__organisation_id=organisation_id).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    links = SupplierLink.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    changed = suppliers["changed"].isoformat() if suppliers["changed"] else "-"
    return (
        f"{suppliers['count']}|{changed}|{sites['count']}|{sites['last']}"
        f"|{links['count']}|{links['last']}"
    )


def suppliers_with_sites(*, organisation: Organisation) -> QuerySet[Supplier]:
    """Every supplier of the buyer in name order with its sites (prefetched: two queries for
    the whole list), with only the fields that say where goods are made."""
    return (
        Supplier.objects.filter(organisation=organisation)
        .order_by("name", "pk")
        .only("pk", "name", "country", "goods", "tier", "organisation_id")
        .prefetch_related(
            Prefetch(
                "sites",
                queryset=Site.objects.only(
                    "pk", "supplier_id", "name", "country", "region", "goods"
                ).order_by("name", "pk"),
            )
        )
    )
