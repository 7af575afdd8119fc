"""A supplier answering through the response URL: every path, including bad input."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hrdd.responses.models import Answer, Response
from hrdd.responses.services import response_save_draft, response_start
from hrdd.testing.world import VALID_ANSWERS, run_tasks

pytestmark = pytest.mark.django_db


def start(client, campaign, language="en"):
    """Open the response URL, press Start; return (code, answer page URL)."""
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    landing = reverse("responses:landing", args=[campaign.public_slug])
    page = client.post(landing, {"action": "start"})
    assert page.status_code == 302
    code = re.search(r"/a/([0-9A-Z-]+)/", page["Location"]).group(1)
    return code, reverse("responses:answer", args=[campaign.public_slug, code])


def form_data(answers=None, revision=0, action="save"):
    data = {"revision": revision, "action": action}
    data.update(answers if answers is not None else VALID_ANSWERS)
    return data


# Pages of the crisis questionnaire: 1 business, 2 health and safety, 3 wages and rights,
# 4 privacy and support (with the free-text comment).
def page_url(url, page):
    return f"{url}p/{page}/"


def revision_of(client, url):
    return re.search(r'name="revision" value="(\d+)"', client.get(url).content.decode()).group(1)


def answer_all(client, url, answers=None, final="submit"):
    """Go through every page as a supplier would, pressing Next, then Submit."""
    page = 1
    while True:
        current = page_url(url, page)
        text = client.get(current).content.decode()
        last = 'value="submit"' in text
        revision = re.search(r'name="revision" value="(\d+)"', text).group(1)
        action = final if last else "next"
        result = client.post(current, form_data(answers, revision=revision, action=action))
        if last or result.status_code != 302:
            return result
        page += 1


def test_landing_tells_who_asks_and_who_sees(client, campaign_a):
    page = client.get(reverse("responses:landing", args=[campaign_a.public_slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Requested by Northwind" in text
    assert "will not see your individual answers" in text
    assert "There are 11 questions" in text


def test_landing_in_japanese(client, campaign_a):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("responses:landing", args=[campaign_a.public_slug]))
    text = page.content.decode()
    assert '<html lang="ja">' in text
    assert "危機影響アセスメント" in text  # the questionnaire's own Japanese title
    assert "開始" in text  # the interface, translated


def test_get_never_creates_or_changes_anything(client, campaign_a):
    """Mail scanners open links: GETs must have no side effects."""
    client.get(reverse("responses:landing", args=[campaign_a.public_slug]))
    assert Response.objects.count() == 0
    code, url = start(client, campaign_a)
    before = Response.objects.get()
    client.get(url)
    client.get(url + "?action=submit")
    after = Response.objects.get()
    assert (after.status, after.revision, after.draft) == (before.status, 0, {})


def test_save_and_come_back_with_link_or_code(client, campaign_a):
    code, url = start(client, campaign_a)
    saved = client.post(url, form_data({"q01_business_impact": "about_same"}))
    assert saved.status_code == 302
    # Another device: the link works, and so does typing the code in lower case with spaces.
    other = client.__class__()
    page = other.get(url)
    assert 'value="about_same"' in page.content.decode()
    assert re.search(r'value="about_same"[^>]*checked', page.content.decode())
    landing = reverse("responses:landing", args=[campaign_a.public_slug])
    resumed = other.post(landing, {"action": "resume", "code": code.lower().replace("-", " ")})
    assert resumed.status_code == 302 and resumed["Location"].endswith(f"/a/{code}/")


def test_wrong_resume_code_says_so(client, campaign_a):
    landing = reverse("responses:landing", args=[campaign_a.public_slug])
    page = client.post(landing, {"action": "resume", "code": "AAAA-BBBB-CCCC-DDDD"})
    assert page.status_code == 200
    assert "No saved answers match this code" in page.content.decode()


def test_submit_creates_answer_rows_in_codes_and_a_receipt(client, campaign_a):
    code, url = start(client, campaign_a)
    done = answer_all(client, url)
    assert done.status_code == 302 and done["Location"].endswith("/receipt/")
    page = client.get(done["Location"])
    text = page.content.decode()
    assert "your answers have been submitted" in text
    assert "Mr Sato in line 3 was injured." in text  # the supplier sees its own comment
    assert "cannot see your individual answers" in text
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    codes = set(Answer.objects.values_list("question_code", "option_code"))
    assert ("q03_health_safety_measures", "risk_assessment") in codes
    assert ("q03_health_safety_measures", "free_masks_hygiene") in codes
    assert Answer.objects.get(question_code="q11_comments").text.startswith("Mr Sato")


def test_double_submit_and_retries_create_one_response(client, campaign_a):
    code, url = start(client, campaign_a)
    first = answer_all(client, url)
    second = client.post(page_url(url, 4), form_data(action="submit"))
    third = client.post(url, form_data(action="save"))
    assert first.status_code == second.status_code == third.status_code == 302
    assert second["Location"].endswith("/receipt/") and third["Location"].endswith("/receipt/")
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 1
    assert Answer.objects.filter(question_code="q01_business_impact").count() == 1


def test_missing_required_answers_keep_the_draft(client, campaign_a):
    code, url = start(client, campaign_a)
    page = client.post(url, form_data({"q01_business_impact": "about_same"}, action="next"))
    assert page.status_code == 422  # Next is refused while a required question is empty
    text = page.content.decode()
    assert "Please answer this question." in text
    assert 'href="#field-q02_operational_status"' in text  # the summary links to the field
    assert Response.objects.get().draft == {"q01_business_impact": "about_same"}
    # Submitting on the last page with earlier pages incomplete sends the supplier back
    # to the first unanswered question, keeping what the last page held.
    last = client.post(
        page_url(url, 4),
        form_data(
            {
                "q09_health_data_privacy": "confidential",
                "q10_support_needed": ["stable_orders"],
                "q11_comments": "Kept",
            },
            action="submit",
        ),
    )
    assert last.status_code == 302
    assert last["Location"].endswith("#field-q02_operational_status")
    response = Response.objects.get()
    assert response.status == Response.Status.DRAFT
    assert response.draft["q11_comments"] == "Kept"
    assert response.draft["q01_business_impact"] == "about_same"
    assert "Some required questions are not answered yet" in (
        client.get(last["Location"]).content.decode()
    )


def test_option_code_from_another_question_is_refused_and_the_rest_kept(client, campaign_a):
    code, url = start(client, campaign_a)
    tampered = dict(VALID_ANSWERS, q02_operational_status="full_on_time")
    page = client.post(url, form_data(tampered, action="next"))
    assert page.status_code == 422
    assert "Select a valid choice. full_on_time is not one of the available choices." in (
        page.content.decode()
    )
    draft = Response.objects.get().draft
    assert "q02_operational_status" not in draft
    assert draft["q01_business_impact"] == VALID_ANSWERS["q01_business_impact"]


def test_exclusive_option_cannot_be_combined(client, campaign_a):
    code, url = start(client, campaign_a)
    answers = dict(VALID_ANSWERS, q03_health_safety_measures=["none_of_these", "risk_assessment"])
    page = client.post(page_url(url, 2), form_data(answers, action="next"))
    assert page.status_code == 422
    assert "cannot be combined with other answers" in page.content.decode()
    assert Response.objects.get().status == Response.Status.DRAFT


def test_oversized_text_is_refused_without_losing_it(client, campaign_a):
    code, url = start(client, campaign_a)
    long_text = "x" * 2001
    page = client.post(page_url(url, 4), form_data(dict(VALID_ANSWERS, q11_comments=long_text)))
    assert page.status_code == 422
    assert "This answer has 2001 characters; at most 2000 fit." in page.content.decode()
    assert long_text in page.content.decode()  # shown back to be shortened, not thrown away
    assert Response.objects.get().draft["q09_health_data_privacy"] == "confidential"


def test_tampered_revision_field_gets_a_page_message(client, campaign_a):
    code, url = start(client, campaign_a)
    data = form_data({"q01_business_impact": "about_same"})
    data["revision"] = "not-a-number"
    page = client.post(url, data)
    assert page.status_code == 422
    assert "This page was altered or out of date" in page.content.decode()
    # The valid answer was still kept.
    assert Response.objects.get().draft == {"q01_business_impact": "about_same"}


def page_state_of(client, url):
    text = client.get(url).content.decode()
    return re.search(r'name="page_state" value="([0-9a-f]*)"', text).group(1)


def test_a_page_saved_from_an_out_of_date_tab_does_not_undo_newer_answers(client, campaign_a):
    code, url = start(client, campaign_a)
    # Two tabs open page 1 of the same draft.
    first_tab, second_tab = page_state_of(client, url), page_state_of(client, url)
    saved = client.post(
        url, {**form_data({"q01_business_impact": "about_same"}), "page_state": first_tab}
    )
    assert saved.status_code == 302
    # The second tab, still showing the empty page, is saved with another answer.
    stale = client.post(
        url,
        {**form_data({"q01_business_impact": "down_30_or_more"}), "page_state": second_tab},
    )
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "changed in another tab or window" in text
    # Nothing was saved from the old tab, and what was typed there is still on the page.
    assert Response.objects.get().draft == {"q01_business_impact": "about_same"}
    assert re.search(r'value="down_30_or_more"[^>]*checked', text)
    assert "Open this page with the answers saved elsewhere" in text
    # Saving again from that page is a decision: it goes through.
    current = re.search(r'name="page_state" value="([0-9a-f]*)"', text).group(1)
    again = client.post(
        url, {**form_data({"q01_business_impact": "down_30_or_more"}), "page_state": current}
    )
    assert again.status_code == 302
    assert Response.objects.get().draft == {"q01_business_impact": "down_30_or_more"}


def test_an_out_of_date_tab_may_still_save_another_page_or_the_same_answers(client, campaign_a):
    code, url = start(client, campaign_a)
    page1, page2 = page_state_of(client, url), page_state_of(client, page_url(url, 2))
    client.post(url, {**form_data({"q01_business_impact": "about_same"}), "page_state": page1})
    # Page 2 was opened before page 1 was saved: no conflict, its answers are different ones.
    other = client.post(
        page_url(url, 2),
        {**form_data({"q03_health_safety_measures": ["risk_assessment"]}), "page_state": page2},
    )
    assert other.status_code == 302
    # The same answer posted from an old copy of page 1 changes nothing: not a conflict.
    same = client.post(
        url, {**form_data({"q01_business_impact": "about_same"}), "page_state": page1}
    )
    assert same.status_code == 302
    assert Response.objects.get().draft == {
        "q01_business_impact": "about_same",
        "q03_health_safety_measures": ["risk_assessment"],
    }


def test_closed_campaign_says_closed_on_every_supplier_page(client, campaign_a):
    code, url = start(client, campaign_a)
    client.post(url, form_data({"q01_business_impact": "about_same"}))
    with time_machine.travel(campaign_a.closes_at + timedelta(minutes=1)):
        landing = client.get(reverse("responses:landing", args=[campaign_a.public_slug]))
        answer_page = client.get(url)
        late_submit = client.post(page_url(url, 4), form_data(action="submit"))
    for page in (landing, answer_page, late_submit):
        assert page.status_code == 410
        assert "This questionnaire is closed" in page.content.decode()
    assert Response.objects.get().status == Response.Status.DRAFT
    assert not Answer.objects.exists()


def test_not_yet_open_campaign(client, org_a, make_campaign):
    campaign = make_campaign(org_a, opens_in_days=3)
    page = client.get(reverse("responses:landing", args=[campaign.public_slug]))
    assert "not open yet" in page.content.decode()
    assert client.post(page.request["PATH_INFO"], {"action": "start"}).status_code == 200
    assert not Response.objects.exists()


def test_unknown_link_and_unknown_code_are_404_with_help(client, campaign_a):
    page = client.get("/r/no-such-campaign/")
    assert page.status_code == 404
    assert "check that you copied the whole link" in page.content.decode()
    page = client.get(reverse("responses:answer", args=[campaign_a.public_slug, "ZZZZ-ZZZZ"]))
    assert page.status_code == 404


def test_code_of_one_campaign_does_not_open_another(client, campaign_a, campaign_b):
    code, _url = start(client, campaign_a)
    other = reverse("responses:answer", args=[campaign_b.public_slug, code])
    assert client.get(other).status_code == 404


def test_resume_link_by_email_is_sent_and_address_not_kept(
    client, campaign_a, mailoutbox, django_capture_on_commit_callbacks
):
    code, url = start(client, campaign_a)
    email_url = reverse("responses:email_link", args=[campaign_a.public_slug, code])
    assert client.post(email_url, {"email": "not-an-address"}, follow=True).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(email_url, {"email": "factory@example.vn"}, follow=True)
    assert "We have sent the link" in page.content.decode()
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["factory@example.vn"]
    assert f"/a/{code}/" in mailoutbox[0].body
    response = Response.objects.get()
    assert "factory@example.vn" not in str(response.draft)
    from hrdd.notifications.models import OutboundEmail

    sent = OutboundEmail.objects.get()
    assert sent.status == OutboundEmail.Status.SENT and sent.body_text == ""  # link erased


def test_invalid_email_for_resume_link_says_why(client, campaign_a):
    code, url = start(client, campaign_a)
    email_url = reverse("responses:email_link", args=[campaign_a.public_slug, code])
    page = client.post(email_url, {"email": "nope"}, follow=True)
    assert "The link was not sent: Enter a valid email address." in page.content.decode()


def test_japanese_questionnaire_answers_counted_in_the_same_codes(client, campaign_a):
    code, url = start(client, campaign_a, language="ja")
    page = client.get(page_url(url, 4))
    assert "送信" in page.content.decode()
    answer_all(client, url)
    response = Response.objects.get()
    assert response.language == "ja"
    assert Answer.objects.filter(option_code="down_10_to_29").count() == 1


def test_submitted_at_is_recorded(client, campaign_a):
    code, url = start(client, campaign_a)
    before = timezone.now()
    answer_all(client, url)
    assert Response.objects.get().submitted_at >= before


def test_a_save_that_races_another_merges_into_the_answers_saved_meanwhile(campaign_a):
    """Two tabs or devices saving at the same moment: each read the draft before the other
    wrote it. The later write is merged into what the first one saved, never over it."""
    response, _code = response_start(campaign=campaign_a, language="en")
    stale = Response.objects.select_related("campaign").get(pk=response.pk)
    first = Response.objects.select_related("campaign").get(pk=response.pk)
    response_save_draft(response=first, answers={"q01_business_impact": "about_same"})
    saved = response_save_draft(
        response=stale, answers={"q03_health_safety_measures": ["risk_assessment"]}
    )
    stored = Response.objects.get()
    assert (
        stored.draft
        == saved.draft
        == {
            "q01_business_impact": "about_same",
            "q03_health_safety_measures": ["risk_assessment"],
        }
    )
    assert stored.revision == saved.revision == 2
    # A copy read before another tab submitted cannot save over the submission.
    stale = Response.objects.select_related("campaign").get(pk=response.pk)
    response_save_draft(response=saved, answers=dict(VALID_ANSWERS), submit=True)
    assert Response.objects.get().is_submitted
    with pytest.raises(ValidationError) as refused:
        response_save_draft(response=stale, answers={"q01_business_impact": "about_same"})
    assert refused.value.code == "submitted"
    assert Response.objects.get().draft["q01_business_impact"] == "down_10_to_29"
    assert Answer.objects.filter(question_code="q01_business_impact").count() == 1


def test_coming_back_continues_where_the_supplier_stopped(client, campaign_a):
    """With the code, the e-mailed link or the personal link (all the bare answer URL), a
    returning supplier lands on the page it stopped at, not on page 1."""
    code, url = start(client, campaign_a)
    landing = reverse("responses:landing", args=[campaign_a.public_slug])

    def comes_back():
        other = client.__class__()
        resumed = other.post(landing, {"action": "resume", "code": code})
        return other.get(resumed["Location"])

    assert comes_back().status_code == 200  # nothing saved yet: page 1
    page_one = {k: VALID_ANSWERS[k] for k in ("q01_business_impact", "q02_operational_status")}
    client.post(page_url(url, 1), form_data(page_one, action="next"))
    back = comes_back()
    assert back.status_code == 302 and back["Location"] == page_url(url, 2)
    # Page 2 done with Next, page 3 half done (saved, required questions still open): back
    # on page 3.
    revision = revision_of(client, page_url(url, 2))
    client.post(
        page_url(url, 2),
        form_data(
            {"q03_health_safety_measures": ["risk_assessment"]}, revision=revision, action="next"
        ),
    )
    assert comes_back()["Location"] == page_url(url, 3)
    revision = revision_of(client, page_url(url, 3))
    client.post(page_url(url, 3), form_data({"q04_wages_paid": "full_on_time"}, revision=revision))
    assert comes_back()["Location"] == page_url(url, 3)
    # Page 1 stays reachable by its number, and "back" from page 2 goes there.
    revision = revision_of(client, page_url(url, 2))
    went_back = client.post(page_url(url, 2), form_data({}, revision=revision, action="back"))
    assert went_back["Location"] == page_url(url, 1)
    assert client.get(page_url(url, 1)).status_code == 200
