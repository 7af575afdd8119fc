"""A supplier who does not know a number, a date or a country, or prefers not to say, has an
honest answer for it: a checkbox next to the field, working without JavaScript, stored as the
language-neutral code and never as a number."""

import re

import pytest
from django.core.exceptions import ValidationError

from hrdd.responses.models import Answer, Response
from hrdd.responses.services import response_save_draft, response_start
from hrdd.testing.definitions import special_answers_definition
from hrdd.testing.world import campaign_on, field_html, post_page, start_answering

pytestmark = pytest.mark.django_db

DONT_KNOW_ERROR = "Give either an answer or “Don&#x27;t know”, not both."


@pytest.fixture
def campaign(org_a):
    return campaign_on(
        special_answers_definition(), org_a, name="Every type", languages=["en"], min_responses=5
    )


@pytest.fixture
def url(client, campaign) -> str:
    return start_answering(client, campaign)


def draft() -> dict:
    return Response.objects.get().draft


def ticked(html: str, name: str, value: str) -> bool:
    return bool(
        re.search(rf'<input type="checkbox" name="{name}" value="{value}"[^>]*\bchecked\b', html)
    )


def test_each_special_answer_is_a_checkbox_next_to_its_field(client, url):
    html = client.get(url).content.decode()

    hours = field_html(html, "q01_hours:special")
    assert 'type="checkbox" name="q01_hours:special" value="dont_know"' in hours
    assert 'type="checkbox" name="q01_hours:special" value="prefer_not_to_say"' in hours
    assert "Don&#x27;t know</label>" in hours and "Prefer not to say</label>" in hours
    started = field_html(html, "q02_started:special")
    assert 'value="dont_know"' in started and "prefer_not_to_say" not in started
    # Inside the question's block, after its own field.
    block = html[html.index('data-question="q01_hours"') : html.index('data-question="q02')]
    assert block.index('name="q01_hours"') < block.index('name="q01_hours:special"')


def test_a_required_number_is_answered_by_dont_know_and_stored_as_its_code(client, url):
    done = post_page(
        client,
        url,
        {
            "q01_hours:special": "dont_know",
            "q02_started:special": "dont_know",
            "q03_origin:special": "prefer_not_to_say",
        },
        action="submit",
    )

    assert done.status_code == 302 and done["Location"].endswith("/receipt/")
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED
    assert response.draft == {
        "q01_hours": "dont_know",
        "q02_started": "dont_know",
        "q03_origin": "prefer_not_to_say",
    }
    rows = {
        (a.question_code, a.option_code, a.number, a.text)
        for a in Answer.objects.filter(response=response)
    }
    assert rows == {
        ("q01_hours", "dont_know", None, ""),
        ("q02_started", "dont_know", None, ""),
        ("q03_origin", "prefer_not_to_say", None, ""),
    }
    receipt = client.get(done["Location"]).content.decode()
    assert "Don&#x27;t know" in receipt and "Prefer not to say" in receipt


def test_a_required_number_left_empty_is_still_refused(client, url):
    page = post_page(client, url, {}, action="submit")

    assert page.status_code == 422
    assert "Please answer this question." in field_html(page.content.decode(), "q01_hours")
    assert Response.objects.get().status == Response.Status.DRAFT


def test_a_value_and_a_special_answer_together_are_refused_and_what_was_typed_is_kept(client, url):
    post_page(client, url, {"q01_hours": "40"})

    page = post_page(
        client, url, {"q01_hours": "60", "q01_hours:special": "dont_know"}, action="submit"
    )

    assert page.status_code == 422
    html = page.content.decode()
    field = field_html(html, "q01_hours")
    assert DONT_KNOW_ERROR in field
    assert 'value="60"' in field  # what the supplier typed, shown again
    special = field_html(html, "q01_hours:special")
    assert ticked(special, "q01_hours:special", "dont_know")
    assert draft()["q01_hours"] == "40"  # the draft keeps its last valid answer
    assert Response.objects.get().status == Response.Status.DRAFT


def test_two_special_answers_at_once_are_refused(client, url):
    page = post_page(client, url, {"q01_hours:special": ["dont_know", "prefer_not_to_say"]})

    assert page.status_code == 422
    assert "Choose only one of these." in field_html(page.content.decode(), "q01_hours:special")
    assert "q01_hours" not in draft()


def test_a_saved_special_answer_comes_back_ticked_with_the_field_empty(client, url):
    post_page(client, url, {"q01_hours:special": "prefer_not_to_say"})

    html = client.get(url).content.decode()

    assert 'name="q01_hours" inputmode="numeric"' in field_html(html, "q01_hours")
    assert 'name="q01_hours" value=' not in html
    assert ticked(field_html(html, "q01_hours:special"), "q01_hours:special", "prefer_not_to_say")
    assert not ticked(html, "q01_hours:special", "dont_know")


def test_unticking_the_special_answer_clears_it_and_a_value_replaces_it(client, url):
    post_page(client, url, {"q01_hours:special": "dont_know"})
    post_page(client, url, {})
    assert "q01_hours" not in draft()

    post_page(client, url, {"q01_hours:special": "dont_know"})
    post_page(client, url, {"q01_hours": "45"})
    assert draft()["q01_hours"] == "45"


def test_a_condition_on_dont_know_shows_its_question(client, url):
    post_page(client, url, {"q01_hours:special": "dont_know", "q04_share": "30"})
    assert draft()["q04_share"] == "30"

    post_page(client, url, {"q01_hours": "45", "q04_share": "30"})
    assert "q04_share" not in draft()  # hidden again: its answer is dropped


def test_the_service_accepts_only_the_declared_special_codes(campaign):
    response, _code = response_start(campaign=campaign, language="en")

    for answers in (
        {"q01_hours": "not_applicable"},
        {"q02_started": "prefer_not_to_say"},  # q02 accepts only "don't know"
        {"q01_hours": ["dont_know"]},
        {"q04_share": "dont_know"},  # q04 accepts only "prefer not to say"
    ):
        with pytest.raises(ValidationError):
            response_save_draft(response=response, answers=answers)

    saved = response_save_draft(
        response=response, answers={"q01_hours": "dont_know", "q04_share": "prefer_not_to_say"}
    )
    assert saved.draft == {"q01_hours": "dont_know", "q04_share": "prefer_not_to_say"}


def test_without_javascript_a_question_shown_by_dont_know_says_so(client, url):
    html = client.get(url).content.decode()

    block = html[html.index('data-question="q04_share"') :]
    assert "Answer only if you answered “Don&#x27;t know” to “Weekly hours?”." in block
