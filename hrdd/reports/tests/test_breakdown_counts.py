"""Breakdown counts read answers alone: the supplier fields copied onto each answer must give
exactly what joining answers to their responses gives, on every path that writes answers
(submission, personal links, the generator, the migration's backfill)."""

import importlib
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from hrdd import policy
from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation
from hrdd.links import services as links
from hrdd.reports.selectors import (
    DIMENSION_FIELDS,
    campaign_breakdown_counts,
    campaign_raw_counts,
    split_answered,
)
from hrdd.responses.models import Answer, Response
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import VALID_ANSWERS

pytestmark = pytest.mark.django_db

SUBSETS = [
    ["country"],
    ["industry"],
    ["size"],
    ["country", "size"],
    ["industry", "size"],
    ["country", "industry", "size"],
]


@pytest.fixture
def generated(campaign_a):
    """400 generated submitted responses with a skewed mix of supplier countries, industries
    and sizes (about 3 % unknown each), as bench/report.py measures them."""
    call_command(
        "generate_responses",
        campaign=campaign_a.pk,
        count=400,
        batch=150,
        supplier_fields=True,
        stdout=io.StringIO(),
    )
    return campaign_a


def joined_groups(campaign, dimension: str) -> dict:
    """groups[code] = (responses, counts, answered), from answers joined to their responses:
    the way breakdowns were counted before answers carried the supplier fields."""
    field = DIMENSION_FIELDS[dimension]
    submitted = Response.objects.filter(campaign=campaign, status=Response.Status.SUBMITTED)
    sizes: dict = defaultdict(int)
    for value, n in submitted.values_list(field).annotate(n=Count("*")).order_by():
        sizes[policy.group_code(value)] += n
    rows: dict = defaultdict(list)
    for value, question, option, n in (
        Answer.objects.filter(
            response__campaign=campaign, response__status=Response.Status.SUBMITTED
        )
        .values_list(f"response__{field}", "question_code", "option_code")
        .annotate(n=Count("*"))
        .order_by()
    ):
        rows[policy.group_code(value)].append((question, option, n))
    return {code: (n, *split_answered(rows[code])) for code, n in sizes.items()}


@pytest.mark.parametrize("dimensions", SUBSETS, ids="+".join)
def test_breakdown_counts_equal_those_of_answers_joined_to_responses(generated, dimensions):
    total, counts, answered, groups = campaign_breakdown_counts(
        campaign=generated, dimensions=dimensions
    )
    assert (total, counts, answered) == campaign_raw_counts(campaign=generated)
    assert total == 400
    assert list(groups) == dimensions
    for dimension in dimensions:
        expected = joined_groups(generated, dimension)
        assert groups[dimension] == expected
        # The generated mix has many groups, suppliers of unknown country, industry and size.
        assert len(expected) >= 5 and policy.group_code("") in expected


@pytest.mark.parametrize("dimensions", SUBSETS, ids="+".join)
def test_breakdown_counts_read_the_covering_index_in_order(generated, dimensions):
    with CaptureQueriesContext(connection) as queries:
        campaign_breakdown_counts(campaign=generated, dimensions=dimensions)
    [sql] = [q["sql"] for q in queries.captured_queries if "responses_answer" in q["sql"]]
    assert "JOIN" not in sql and "responses_response" not in sql
    if connection.vendor != "sqlite":
        # PostgreSQL's plans for a few thousand rows are not its plans at 100,000
        # responses: bench/report.py prints those (EXPLAIN ANALYZE).
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    # Only the index, read in the GROUP BY's order: no table, no sort in a temporary B-tree.
    assert (
        plan == "SEARCH responses_answer USING COVERING INDEX answer_breakdown_idx (campaign_id=?)"
    )


def test_answers_given_through_a_personal_link_carry_the_supplier_list_fields(campaign_a):
    supplier = Supplier.objects.create(
        organisation=campaign_a.organisation,
        name="Hanoi Garments",
        country="VN",
        industry="apparel",
        size_band="250-999",
        email="lan@hanoi-garments.example",
        language="vi",
    )
    invitations.campaign_invite(campaign=campaign_a)
    invitation = Invitation.objects.get(supplier=supplier)
    response = links.invitation_start_response(invitation=invitation, language="en")
    response = response_save_draft(response=response, answers=dict(VALID_ANSWERS))
    response, created = response_submit(response=response)
    assert created
    rows = set(
        Answer.objects.filter(response=response).values_list(
            "supplier_country", "supplier_industry", "supplier_size"
        )
    )
    assert rows == {("VN", "apparel", "250-999")}
    _total, _counts, _answered, groups = campaign_breakdown_counts(
        campaign=campaign_a, dimensions=["country", "size"]
    )
    assert groups["country"]["VN"][0] == 1
    assert groups["size"]["250-999"][2]["q11_comments"] == 1


def test_the_migration_fills_existing_answers_from_their_responses(generated):
    # Answers as they were before the migration: without the supplier fields.
    Answer.objects.update(supplier_country="", supplier_industry="", supplier_size="")
    migration = importlib.import_module("hrdd.responses.migrations.0006_answer_supplier_dimensions")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    answers = Answer.objects.filter(campaign=generated)
    assert answers.exclude(supplier_country="").count() > answers.count() // 2
    for field in ("supplier_country", "supplier_industry", "supplier_size"):
        assert not answers.exclude(**{field: F(f"response__{field}")}).exists()
