"""Ranking a buyer's suppliers against a stored assessment: the task worker's part of
prioritisation (services.priorities_request queues it; hrdd/risk/priorities.py scores)."""

import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.utils import timezone

from hrdd import policy
from hrdd.campaigns.models import Campaign
from hrdd.campaigns.selectors import campaigns_for_organisation
from hrdd.detailed import selectors as detailed
from hrdd.invitations import selectors as invitations
from hrdd.risk import method, priorities, selectors
from hrdd.risk.goods import GoodsIndex
from hrdd.risk.models import PriorityAdjustment, PriorityRun, SupplierPriority
from hrdd.suppliers import selectors as suppliers

ROWS_PER_WRITE = 5000


def _disclosed_answers(organisation) -> dict[int, dict[str, str]]:
    """Supplier id -> risk topic -> the highest risk its disclosed answers signal.

    Only campaigns whose answers this buyer may see supplier by supplier (the policy's
    detailed_report_access: disclosed, each response with recorded consent, on the paid
    plan) are read; a confidential campaign's answers never enter the ranking."""
    flags_by_supplier: dict[int, list[dict[str, str]]] = defaultdict(list)
    for campaign in campaigns_for_organisation(organisation=organisation).filter(
        mode=Campaign.Mode.DISCLOSED
    ):
        if policy.detailed_report_access(campaign) != policy.DETAILED_OK:
            continue
        responses = list(detailed.disclosed_responses(campaign=campaign))
        if not responses:
            continue
        owners = invitations.suppliers_of_responses(response_ids=[r.pk for r in responses])
        for response_id, flags in detailed.risk_flags(
            campaign=campaign, responses=responses
        ).items():
            if response_id in owners:
                flags_by_supplier[owners[response_id]].append(flags)
    return {pk: priorities.answer_signals(flags) for pk, flags in flags_by_supplier.items()}


def _adjustments(organisation) -> dict[int, int]:
    """Supplier id -> the points of its adjustment in force."""
    return dict(
        PriorityAdjustment.objects.filter(
            organisation=organisation, withdrawn_at__isnull=True
        ).values_list("supplier_id", "points")
    )


def _insert_rows(run: PriorityRun, ordered: list, tiers: dict[int, int]) -> None:
    """The run's rows: PostgreSQL's COPY, else ROWS_PER_WRITE per executemany of one INSERT.
    bulk_create built a model instance and prepared every value through its field, and
    psycopg's executemany still adapts row by row: either was most of the time of a
    100,000-supplier ranking. Each `why` is already its JSON text (Prioritiser's why_as_json)."""
    meta, quote = SupplierPriority._meta, connection.ops.quote_name
    names = ["run", "supplier", "rank", "score", "level", "topic", "tier", "why"]
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    table = quote(meta.db_table)

    def rows():
        for number, p in enumerate(ordered, 1):
            yield (
                run.pk,
                p.supplier_id,
                number,
                p.score,
                p.level,
                p.topic,
                tiers[p.supplier_id],
                p.why,
            )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608 - names from the model
        batch = []
        for row in rows():
            batch.append(row)
            if len(batch) == ROWS_PER_WRITE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def priorities_compute(*, run: PriorityRun) -> PriorityRun:
    """Score and rank every supplier of the run's buyer and store the ranking; earlier
    rankings of the buyer are then removed (the adjustments' history stays)."""
    started = time.perf_counter()
    organisation = run.organisation
    signature = suppliers.list_signature(organisation_id=organisation.pk)
    inputs = selectors.inputs_for(run.assessment.edition_ids)
    scorer = priorities.Prioritiser(
        method.facts(inputs),
        GoodsIndex({row["good"] for row in inputs.of("tvpra")}),
        why_as_json=True,
    )
    answers = _disclosed_answers(organisation)
    adjustments = _adjustments(organisation)
    results, names, tiers = [], {}, {}
    for row in suppliers.scoring_rows(organisation_id=organisation.pk):
        places = [
            priorities.Place(country=country, goods=tuple(goods), site=name)
            for name, country, goods in row.sites
        ] or [priorities.Place(country=row.country, goods=tuple(row.goods))]
        facts = priorities.SupplierFacts(
            id=row.id,
            industry=row.industry,
            size_band=row.size_band,
            migrant_share=row.migrant_share,
            spend_band=row.spend_band,
            places=places,
            answers=answers.get(row.id, {}),
            adjustment=adjustments.get(row.id, 0),
        )
        results.append(scorer.score(facts))
        names[row.id], tiers[row.id] = row.name, row.tier
    del scorer  # its caches: a few thousand places, tens of thousands of explanations
    ordered = priorities.ranked(results, names)
    del results, names
    with transaction.atomic():
        _insert_rows(run, ordered, tiers)
        run.status = PriorityRun.Status.DONE
        run.finished_at = timezone.now()
        run.supplier_count = len(ordered)
        run.levels = dict(Counter(p.level for p in ordered))
        run.list_signature = signature
        run.seconds = round(time.perf_counter() - started, 3)
        run.save()
        older = PriorityRun.objects.filter(organisation=organisation, pk__lt=run.pk).exclude(
            status=PriorityRun.Status.QUEUED
        )
        SupplierPriority.objects.filter(run__in=older).delete()
        older.delete()
    return run
