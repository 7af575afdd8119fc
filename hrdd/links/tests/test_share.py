"""Answer once, share with many: a supplier asked for the same questionnaire by several
buyers brings its earlier answers into another buyer's response (any campaign), or sends
them from its receipt to the other buyers of disclosed campaigns that invited the same
address, choosing each one. Nothing moves without the supplier's action; a confidential
campaign is never offered a named copy, and nothing links its response to the earlier one."""

import copy

import pytest
from django.test import Client

from hrdd.invitations.selectors import invitation_for_token
from hrdd.links.services import invitation_start_response
from hrdd.organisations.models import Organisation
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.responses.models import AnswerCopy, Response
from hrdd.responses.services import response_save_draft, response_start, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import (
    VALID_ANSWERS,
    crisis_campaign,
    crisis_version,
    disclosed_campaign,
    invite_with_known_tokens,
)

pytestmark = pytest.mark.django_db

LAN = "lan@hanoi-garments.example"
NAME = "Hanoi Garments Ltd"


def listed(organisation, email=LAN) -> Supplier:
    return Supplier.objects.create(
        organisation=organisation, name="Hanoi Garments", country="VN", email=email, language="vi"
    )


def started(token: str, disclosed: bool = True) -> Response:
    """The supplier follows its personal link and starts (agreeing, if disclosed)."""
    invitation = invitation_for_token(token=token)
    return invitation_start_response(
        invitation=invitation, language="en", consent=disclosed, supplier_name=NAME
    )


def submitted(token: str, answers=VALID_ANSWERS, disclosed: bool = True) -> Response:
    response = started(token, disclosed)
    return response_submit(response=response_save_draft(response=response, answers=dict(answers)))[
        0
    ]


def receipt(slug_of, token: str) -> str:
    return f"/r/{slug_of.public_slug}/a/{token}/receipt/"


@pytest.fixture
def buyers(org_a, org_b):
    """A and B ask Lan's address in disclosed campaigns on the crisis questionnaire, C in a
    confidential one; B also asks another supplier."""
    org_c = Organisation.objects.create(name="Osaka Retail")
    campaigns = {}
    for key, org in (("a", org_a), ("b", org_b)):
        listed(org)
        campaigns[key] = disclosed_campaign(org)
    listed(org_b, email="office@other.example")
    listed(org_c)
    campaigns["c"] = crisis_campaign(org_c)
    tokens = {key: invite_with_known_tokens(c, prefix=key.upper()) for key, c in campaigns.items()}
    return campaigns, tokens


def test_the_receipt_offers_the_other_disclosed_buyer_and_sends_on_choice(buyers):
    campaigns, tokens = buyers
    first = submitted(tokens["a"][0])
    supplier = Client()
    page = supplier.get(receipt(campaigns["a"], tokens["a"][0])).content.decode()
    assert "1 other company invited this address" in page
    share_url = f"/r/{campaigns['a'].public_slug}/a/{tokens['a'][0]}/share/"
    offer = supplier.get(share_url).content.decode()
    # Exactly who gets what, under which name; the confidential buyer is never offered.
    assert campaigns["b"].organisation.name in offer
    assert f"“{NAME}”" in offer
    assert "Osaka Retail" not in offer
    assert Response.objects.filter(campaign=campaigns["b"]).count() == 0  # GET changed nothing

    b_invitation = invitation_for_token(token=tokens["b"][0])
    done = supplier.post(share_url, {"invitations": [b_invitation.pk]}, follow=True)
    assert campaigns["b"].organisation.name in done.content.decode()
    b_invitation.refresh_from_db()
    copy = b_invitation.response
    assert copy.is_submitted and copy.supplier_name == NAME and copy.consented_at
    assert copy.draft == first.draft
    assert AnswerCopy.objects.get(target=copy).source == first
    # Both receipts list every buyer that received these answers.
    for campaign, token in ((campaigns["a"], tokens["a"][0]), (campaigns["b"], tokens["b"][0])):
        page = Client().get(receipt(campaign, token)).content.decode()
        assert "Companies that received these answers" in page
        assert campaigns["a"].organisation.name in page and campaigns["b"].organisation.name in page
    # Nothing reached the confidential campaign, nor B's other supplier.
    assert not Response.objects.filter(campaign=campaigns["c"]).exists()
    assert Response.objects.filter(campaign=campaigns["b"]).count() == 1
    # Sent once: the offer is gone.
    assert "No other company is waiting" in supplier.get(share_url).content.decode()


def test_a_target_not_offered_cannot_be_forced_into_the_form(buyers):
    campaigns, tokens = buyers
    submitted(tokens["a"][0])
    share_url = f"/r/{campaigns['a'].public_slug}/a/{tokens['a'][0]}/share/"
    for token in (tokens["c"][0], tokens["b"][1]):  # confidential; another address
        invitation = invitation_for_token(token=token)
        answer = Client().post(share_url, {"invitations": [invitation.pk]})
        assert answer.status_code == 422
        assert "Select a valid choice" in answer.content.decode()
    assert Response.objects.exclude(campaign=campaigns["a"]).count() == 0
    empty = Client().post(share_url, {})
    assert empty.status_code == 422 and "Choose at least one company." in empty.content.decode()


def test_a_confidential_response_offers_no_named_copy(buyers):
    campaigns, tokens = buyers
    submitted(tokens["c"][0], disclosed=False)
    page = Client().get(receipt(campaigns["c"], tokens["c"][0])).content.decode()
    assert "Other companies ask for the same questionnaire" not in page
    share = Client().get(f"/r/{campaigns['c'].public_slug}/a/{tokens['c'][0]}/share/")
    assert "No other company is waiting" in share.content.decode()


def test_earlier_answers_fill_a_confidential_response_without_a_trace(buyers):
    campaigns, tokens = buyers
    first = submitted(tokens["a"][0])
    draft = started(tokens["c"][0], disclosed=False)
    draft = response_save_draft(response=draft, answers={"q01_business_impact": "about_same"})
    reuse = f"/r/{campaigns['c'].public_slug}/a/{tokens['c'][0]}/reuse/"
    page = Client().post(reuse, {"source_code": tokens["a"][0].lower()}, follow=True)
    assert "10 answers were copied" in page.content.decode()
    draft.refresh_from_db()
    # What the supplier had answered here stays; the rest comes from its earlier answers.
    assert draft.draft["q01_business_impact"] == "about_same"
    assert {k: v for k, v in draft.draft.items() if k != "q01_business_impact"} == {
        k: v for k, v in first.draft.items() if k != "q01_business_impact"
    }
    assert not draft.is_submitted  # the supplier checks and submits itself
    assert not AnswerCopy.objects.exists()  # nothing links the two responses


def test_a_wrong_code_copies_nothing_and_says_why(buyers, org_a):
    campaigns, tokens = buyers
    draft = started(tokens["c"][0], disclosed=False)
    reuse = f"/r/{campaigns['c'].public_slug}/a/{tokens['c'][0]}/reuse/"
    wrong = Client().post(reuse, {"source_code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}, follow=True)
    assert "No submitted answers match this code" in wrong.content.decode()
    # A draft (not submitted) is no source either, nor the response itself.
    started(tokens["a"][0])
    assert (
        "No submitted answers match"
        in Client().post(reuse, {"source_code": tokens["a"][0]}, follow=True).content.decode()
    )
    # Answers to another questionnaire (the forced-labour one), submitted.
    other = crisis_campaign(
        org_a, version=Questionnaire.objects.get(code="forced-labour").latest_version()
    )
    foreign, foreign_code = response_start(campaign=other, language="en")
    Response.objects.filter(pk=foreign.pk).update(status=Response.Status.SUBMITTED)
    refused = Client().post(reuse, {"source_code": foreign_code}, follow=True).content.decode()
    assert "These answers are to another questionnaire" in refused
    draft.refresh_from_db()
    assert draft.draft == {}


def test_a_newer_version_asking_more_waits_as_a_draft(buyers, org_b):
    """B runs a newer version of the questionnaire with one more required question: the
    answers go in, nothing is submitted in the supplier's name that it did not answer."""
    campaigns, tokens = buyers
    data = copy.deepcopy(crisis_version().definition)
    data["version"] = data["version"] + 1
    extra = copy.deepcopy(
        next(q for s in data["sections"] for q in s["questions"] if q["code"] == "q11_comments")
    )
    extra.update(code="q12_new_policy", required=True)
    data["sections"][-1]["questions"].append(extra)
    newer = questionnaire_publish(data=data)
    b = campaigns["b"]
    b.questionnaire_version = newer
    b.save(update_fields=["questionnaire_version"])
    submitted(tokens["a"][0])
    share_url = f"/r/{campaigns['a'].public_slug}/a/{tokens['a'][0]}/share/"
    offer = Client().get(share_url).content.decode()
    assert "asks 1 required question your answers do not cover" in offer
    b_invitation = invitation_for_token(token=tokens["b"][0])
    page = Client().post(share_url, {"invitations": [b_invitation.pk]}, follow=True)
    assert "Not sent yet to" in page.content.decode()
    b_invitation.refresh_from_db()
    draft = b_invitation.response
    assert (
        not draft.is_submitted and draft.draft["q04_wages_paid"] == VALID_ANSWERS["q04_wages_paid"]
    )
    assert "q12_new_policy" not in draft.draft
    assert not AnswerCopy.objects.exists()
