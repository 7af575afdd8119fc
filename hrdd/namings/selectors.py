"""Reads of the requests to name suppliers: by token (the supplier's page), by id for a
member of the buyer (404 for anyone else), and what a submitted list matches in the
buyer's supplier list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django_countries import countries

from hrdd.core.access import get_buyer_for_member
from hrdd.core.tokens import hash_code
from hrdd.namings.models import SupplierNamingRequest
from hrdd.organisations.models import Organisation
from hrdd.suppliers.models import Supplier, SupplierLink


def naming_for_token(*, token: str) -> SupplierNamingRequest | None:
    """The request a personal link opens (any state: the page explains each), if any."""
    return (
        SupplierNamingRequest.objects.filter(token_hash=hash_code(token))
        .select_related("organisation", "supplier")
        .first()
    )


def get_naming_for_member(
    user, organisation_id, naming_id, *, write: bool = False
) -> tuple[Organisation, SupplierNamingRequest]:
    """The buyer and one of its requests, else 404 (403 for readers with write=True)."""
    organisation = get_buyer_for_member(user, organisation_id, write=write)
    naming = get_object_or_404(
        SupplierNamingRequest.objects.select_related("supplier", "created_by", "closed_by"),
        pk=naming_id,
        organisation=organisation,
    )
    return organisation, naming


def namings_for_buyer(*, organisation: Organisation) -> QuerySet[SupplierNamingRequest]:
    """Every request of the buyer, those waiting for its review first, then newest first."""
    return (
        SupplierNamingRequest.objects.filter(organisation=organisation)
        .select_related("supplier", "created_by")
        .defer("named")
        .order_by(
            Case(
                When(submitted_at__isnull=False, closed_at__isnull=True, then=Value(0)),
                default=Value(1),
            ),
            "-sent_at",
            "-pk",
        )
    )


def namings_for_supplier(*, supplier: Supplier) -> list[SupplierNamingRequest]:
    """The requests sent to one supplier, newest first (the supplier's page lists them)."""
    return list(
        SupplierNamingRequest.objects.filter(supplier=supplier)
        .defer("named")
        .order_by("-sent_at", "-pk")[:10]
    )


def namings_to_review_count(*, organisation: Organisation) -> int:
    return SupplierNamingRequest.objects.filter(
        organisation=organisation, submitted_at__isnull=False, closed_at=None
    ).count()


@dataclass
class NamedRow:
    """One supplier as named, and what it is in the buyer's list: `match` (the same e-mail
    ignoring case, else the same name ignoring case and spaces in the same country), or new."""

    number: int
    name: str
    country: str
    email: str
    goods: str
    region: str
    match: Supplier | None = None
    already_linked: bool = False
    is_asked_supplier: bool = False

    @property
    def country_name(self) -> str:
        return countries.name(self.country) or self.country

    @property
    def is_new(self) -> bool:
        return self.match is None


def name_key(name: str) -> str:
    return " ".join(name.split()).lower()


def named_rows(*, naming: SupplierNamingRequest) -> list[NamedRow]:
    """The submitted rows with their matches in the buyer's list (two queries)."""
    rows = [
        NamedRow(
            number=number,
            name=row.get("name", ""),
            country=row.get("country", ""),
            email=row.get("email", ""),
            goods=row.get("goods", ""),
            region=row.get("region", ""),
        )
        for number, row in enumerate(naming.named, start=1)
    ]
    emails = {row.email.lower() for row in rows if row.email}
    names = {name_key(row.name) for row in rows}
    candidates = list(
        Supplier.objects.filter(organisation_id=naming.organisation_id)
        .annotate(email_key=Lower("email"), name_lower=Lower("name"))
        .filter(Q(email_key__in=emails) | Q(name_lower__in=names))
        .order_by("pk")
    )
    by_email = {s.email_key: s for s in candidates}
    by_name = {(name_key(s.name), str(s.country)): s for s in candidates}
    for row in rows:
        row.match = (by_email.get(row.email.lower()) if row.email else None) or by_name.get(
            (name_key(row.name), row.country)
        )
        row.is_asked_supplier = row.match is not None and row.match.pk == naming.supplier_id
    linked = set(
        SupplierLink.objects.filter(
            customer_id=naming.supplier_id,
            supplier_id__in=[row.match.pk for row in rows if row.match],
        ).values_list("supplier_id", flat=True)
    )
    for row in rows:
        row.already_linked = row.match is not None and row.match.pk in linked
    return rows
