"""Ranking a buyer's suppliers: the order, why, the buyer's adjustments, the files, and the
promise that confidential answers never move a supplier."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from hrdd.invitations.models import Invitation
from hrdd.invitations.services import campaign_invite
from hrdd.links.services import invitation_start_response
from hrdd.organisations.models import Membership
from hrdd.reference.services import shipped_load_all
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.risk import method, priorities
from hrdd.risk.goods import GoodsIndex
from hrdd.risk.models import PriorityAdjustment, PriorityRun, SupplierPriority
from hrdd.risk.selectors import inputs_for
from hrdd.risk.services import assessment_compute, priorities_request
from hrdd.suppliers.services import site_create
from hrdd.testing.world import (
    VALID_ANSWERS,
    crisis_campaign,
    disclosed_campaign,
    login,
    member,
    organisation_a,
    organisation_b,
    run_tasks,
    supplier,
)

pytestmark = pytest.mark.django_db

HARMFUL = {
    **VALID_ANSWERS,
    "q03_health_safety_measures": ["none_of_these"],
    "q04_wages_paid": "some_unpaid",
    "q05_working_hours": "over_60",
    "q06_freedom_to_leave": "movement_restricted",
    "q08_equal_treatment": "some_groups_disadvantaged",
}


@pytest.fixture
def assessment(db):
    shipped_load_all()
    return assessment_compute()


@pytest.fixture
def buyer(assessment):
    org = organisation_a()
    supplier(org, "Xinjiang Silicon", country="CN", industry="electronics", goods="polysilicon")
    supplier(org, "Oslo Furniture", country="NO", industry="retail", goods="furniture")
    supplier(org, "Osaka Parts", country="JP", industry="automotive", size_band="1000+")
    supplier(org, "Nowhere Traders", country="AQ")  # no source says anything about it
    return org


@pytest.fixture
def rank(django_capture_on_commit_callbacks):
    """Rank `org`'s suppliers with the task worker; the rows in rank order."""

    def ranked(org) -> list[tuple]:
        with django_capture_on_commit_callbacks(execute=True):
            priorities_request(organisation=org)
        run_tasks()
        return rows_of(org)

    return ranked


def rows_of(org) -> list[tuple]:
    run = PriorityRun.objects.filter(organisation=org, status="done").latest("pk")
    return list(
        SupplierPriority.objects.filter(run=run)
        .order_by("rank")
        .values_list("supplier__name", "score", "level", "topic", "why")
    )


def test_a_listed_good_where_it_is_listed_comes_first_and_says_why(buyer, client, rank):
    ranking = rank(buyer)
    names = [name for name, *_ in ranking]
    assert names[0] == "Xinjiang Silicon"
    assert names.index("Nowhere Traders") < names.index("Oslo Furniture")
    first = ranking[0]
    assert first[2] == method.HIGH and first[3] == method.FORCED
    assert first[4]["goods"] == ["Polysilicon"]

    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    page = client.get(reverse("risk:priorities", args=[buyer.pk])).content.decode()
    assert "Forced labour risk is high in China (Manufacturing)" in page
    assert "Listed for forced labour (TVPRA): Polysilicon" in page
    assert "DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA)" in page


def test_what_the_score_assumed_for_want_of_data_is_said(buyer, rank, client):
    supplier(buyer, "Dhaka Buttons", country="BD", industry="apparel", goods="buttons")
    rank(buyer)
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    page = client.get(reverse("risk:priorities", args=[buyer.pk])).content.decode()
    assert "not on the list, so no signal: buttons" in page
    # Osaka Parts: no goods given; Nowhere Traders: no goods and no sector.
    assert "goods not given: every listed good of its sectors counted" in page
    assert "sector not given: every sector counted" in page


def test_no_data_is_counted_as_medium_and_said_so(buyer, rank):
    nowhere = next(r for r in rank(buyer) if r[0] == "Nowhere Traders")
    assert nowhere[2] == method.MEDIUM
    assert set(nowhere[4]["unknown"]) == set(method.TOPICS)


def test_goods_made_at_a_site_count_where_the_site_is(buyer, rank):
    oslo = buyer.suppliers.get(name="Oslo Furniture")
    site_create(supplier=oslo, name="Cotton gin", country="TM", goods="cotton")
    ranking = rank(buyer)
    row = next(r for r in ranking if r[0] == "Oslo Furniture")
    assert row[4]["country"] == "TM" and row[4]["site"] == "Cotton gin"
    assert row[4]["goods"] == ["Cotton"]


def test_the_buyers_adjustment_moves_a_supplier_and_is_kept_with_its_reason(
    buyer, client, rank, django_capture_on_commit_callbacks
):
    owner = member(buyer, "owner@a.example", Membership.Role.OWNER)
    login(client, owner)
    rank(buyer)
    oslo = buyer.suppliers.get(name="Oslo Furniture")
    url = reverse("risk:adjustment_add", args=[buyer.pk, oslo.pk])

    refused = client.post(url, {"points": "80", "reason": "x"})
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Ensure this value is less than or equal to 50." in page
    assert not PriorityAdjustment.objects.exists()

    short = client.post(url, {"points": "40", "reason": "audit"})
    assert short.status_code == 422
    assert "Say why in a sentence" in short.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"points": "40", "reason": "Our audit in May found locked exits."})
    assert done.status_code == 302
    run_tasks()
    row = next(r for r in rows_of(buyer) if r[0] == "Oslo Furniture")
    assert row[4]["adjustment"] == 40
    detail = client.get(reverse("risk:priority_detail", args=[buyer.pk, oslo.pk])).content.decode()
    assert "Our audit in May found locked exits." in detail
    assert "owner@a.example" in detail
    assert "adjusted by the buyer: +40 points" in detail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("risk:adjustment_withdraw", args=[buyer.pk, oslo.pk]))
    run_tasks()
    row = next(r for r in rows_of(buyer) if r[0] == "Oslo Furniture")
    assert row[4]["adjustment"] == 0
    kept = PriorityAdjustment.objects.get()
    assert kept.withdrawn_at is not None and kept.withdrawn_by == owner


def test_readers_see_the_ranking_but_cannot_change_it_and_other_buyers_get_404(buyer, client, rank):
    rank(buyer)
    oslo = buyer.suppliers.get(name="Oslo Furniture")
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    assert client.get(reverse("risk:priorities", args=[buyer.pk])).status_code == 200
    adjust = reverse("risk:adjustment_add", args=[buyer.pk, oslo.pk])
    reason = {"points": "10", "reason": "A reason long enough."}
    assert client.post(adjust, reason).status_code == 403
    assert client.post(reverse("risk:priorities_compute", args=[buyer.pk])).status_code == 403

    other = organisation_b()
    login(client, member(other, "owner@b.example", Membership.Role.OWNER))
    for url in (
        reverse("risk:priorities", args=[buyer.pk]),
        reverse("risk:priority_detail", args=[buyer.pk, oslo.pk]),
        reverse("risk:priorities_export", args=[buyer.pk, "csv"]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_ranking_as_csv_xlsx_and_pdf(buyer, client, rank):
    rank(buyer)
    login(client, member(buyer, "analyst@a.example", Membership.Role.ANALYST))
    response = client.get(reverse("risk:priorities_export", args=[buyer.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Rank", "Supplier", "Country"]
    assert [r[1] for r in rows[1:]][0] == "Xinjiang Silicon"
    assert len(rows) == 5

    export = reverse("risk:priorities_export", args=[buyer.pk, "csv"])
    filtered = client.get(export, {"level": "high"})
    high = list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode("utf-8-sig"))))
    assert all(r[5] == "high" for r in high[1:]) and len(high) < len(rows)

    response = client.get(reverse("risk:priorities_export", args=[buyer.pk, "xlsx"]))
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "Xinjiang Silicon" in book.read("xl/worksheets/sheet1.xml").decode()
    assert "TVPRA" in book.read("xl/worksheets/sheet2.xml").decode()

    pdf = client.get(reverse("risk:priorities_export", args=[buyer.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("risk:priorities_export", args=[buyer.pk, "doc"])).status_code == 404


def test_the_page_says_when_the_list_changed_after_the_ranking(buyer, client, rank):
    rank(buyer)
    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    url = reverse("risk:priorities", args=[buyer.pk])
    assert "Your supplier list changed" not in client.get(url).content.decode()
    supplier(buyer, "Late Addition", country="BD")
    assert "Your supplier list changed" in client.get(url).content.decode()


def _answer(invitation: Invitation, answers: dict, consent: bool = False):
    response = invitation_start_response(invitation=invitation, language="en", consent=consent)
    response = response_save_draft(response=response, answers=answers)
    response_submit(response=response)


def test_confidential_answers_never_move_a_supplier_disclosed_ones_do(buyer, rank):
    before = rank(buyer)

    confidential = crisis_campaign(buyer)
    campaign_invite(campaign=confidential)
    for invitation in Invitation.objects.filter(campaign=confidential):
        _answer(invitation, HARMFUL if invitation.supplier.name == "Osaka Parts" else VALID_ANSWERS)
    assert rank(buyer) == before

    disclosed = disclosed_campaign(buyer)  # the buyer goes on the paid plan
    campaign_invite(campaign=disclosed)
    osaka = Invitation.objects.get(campaign=disclosed, supplier__name="Osaka Parts")
    _answer(osaka, HARMFUL, consent=True)
    after = rank(buyer)
    osaka_before = next(r for r in before if r[0] == "Osaka Parts")
    osaka_after = next(r for r in after if r[0] == "Osaka Parts")
    assert osaka_after[1] > osaka_before[1]
    assert osaka_after[4]["answer"] == "high"
    # The others did not answer the disclosed campaign: their scores and reasons stay.
    assert {r[0]: r[1:] for r in after if r[0] != "Osaka Parts"} == {
        r[0]: r[1:] for r in before if r[0] != "Osaka Parts"
    }


def test_answers_only_raise_the_likelihood():
    facts = method.facts(method.Inputs(rows={}, edition_ids={}))
    scorer = priorities.Prioritiser(facts, GoodsIndex([]))
    plain = priorities.SupplierFacts(1, "", "", "", "", [priorities.Place("NO", ())])
    assert scorer.score(plain).why["likelihood"] == priorities.UNKNOWN_LIKELIHOOD
    answered = priorities.SupplierFacts(
        1, "", "", "", "", [priorities.Place("NO", ())], answers={method.FORCED: "high"}
    )
    assert scorer.score(answered).score > scorer.score(plain).score
    assert priorities.answer_signals([{"privacy": "high", "wages_hours": "medium"}]) == {
        method.FORCED: "medium"
    }


def test_a_ranking_needs_an_assessment(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="No risk assessment"):
        priorities_request(organisation=organisation_a())


def test_inputs_are_the_editions_of_the_assessment(assessment):
    assert set(inputs_for(assessment.edition_ids).rows) == set(assessment.edition_ids)


def test_pages_of_the_ranking_follow_the_ranks(assessment, rank, client):
    org = organisation_a()
    for i in range(55):
        supplier(org, f"Mill {i:02d}", country="BD" if i % 2 else "NO", goods="garments")
    rank(org)
    login(client, member(org, "viewer@a.example", Membership.Role.VIEWER))
    url = reverse("risk:priorities", args=[org.pk])
    second = client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
    ranks = SupplierPriority.objects.filter(rank__gt=50).values_list("supplier__name", flat=True)
    assert len(ranks) == 5 and all(name in second for name in ranks)
    assert "Page 2 of 2" in client.get(url, {"page": 99}).content.decode()  # the last page
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_supply_chain_map_is_coloured_by_the_ranking(buyer, rank, client):
    login(client, member(buyer, "viewer@a.example", Membership.Role.VIEWER))
    url = reverse("suppliers:map", args=[buyer.pk])
    before = client.get(url).content.decode()
    assert "Colours show the tier" in before and "#b3261e" not in before
    rank(buyer)
    page = client.get(url).content.decode()
    assert "Colours show each supplier's level in your latest ranking" in page
    assert "<title>Xinjiang Silicon · Tier 1 · high</title>" in page
    assert '<rect x="0" y="34" width="210" height="24" rx="3" fill="#b3261e"/>' in page
    supplier(buyer, "Unranked Mill", country="BD")
    assert "Unranked Mill · Tier 1 · not ranked yet" in client.get(url).content.decode()


def test_a_ranking_whose_worker_stopped_is_shown_failed_and_can_be_asked_again(
    buyer, client, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    lost = priorities_request(organisation=buyer)  # queued; no worker runs it
    assert priorities_request(organisation=buyer) == lost  # asked twice: one ranking
    login(client, member(buyer, "owner@a.example", Membership.Role.OWNER))
    url = reverse("risk:priorities", args=[buyer.pk])
    assert "Your first ranking is being computed" in client.get(url).content.decode()

    PriorityRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    page = client.get(url).content.decode()
    assert "Computing the ranking failed" in page and "Rank my suppliers" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("risk:priorities_compute", args=[buyer.pk]))
    assert PriorityRun.objects.get(pk=lost.pk).status == PriorityRun.Status.FAILED
    run_tasks()
    # The new ranking is done; the failed one is cleared with the earlier rankings.
    assert list(PriorityRun.objects.values_list("status", flat=True)) == ["done"]
