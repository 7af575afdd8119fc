"""What a supplier notices in its first minutes: the language it asked for, the length of
free text, date formats."""

import re

import pytest
from django.urls import reverse

from hrdd.responses.models import Response
from hrdd.testing.world import start_answering

pytestmark = pytest.mark.django_db


def landing(client, campaign, **headers):
    return client.get(
        reverse("responses:landing", args=[campaign.public_slug]), headers=headers
    ).content.decode()


def test_a_language_the_questionnaire_lacks_is_said_not_switched_silently(client, campaign_a):
    assert campaign_a.languages == ["en", "ja"]
    text = landing(client, campaign_a, accept_language="fr-FR,fr;q=0.8,en;q=0.5")
    assert "This questionnaire is not available in French, so it is shown in English." in text
    # A language the platform has pages in, but this questionnaire not: said too (the pages
    # around it are in Vietnamese, so are the language names).
    text = landing(client, campaign_a, accept_language="vi-VN,vi;q=0.9")
    assert 'id="language-notice"' in text and "Tiếng Việt" in text


@pytest.mark.parametrize("browser", ["ja", "en-GB,en;q=0.9", ""])
def test_no_notice_when_the_language_is_offered(client, campaign_a, browser):
    assert 'id="language-notice"' not in landing(client, campaign_a, accept_language=browser)


def test_the_notice_follows_the_language_chosen_on_the_site(client, campaign_a):
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert 'id="language-notice"' in landing(client, campaign_a, accept_language="ja")
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert 'id="language-notice"' not in landing(client, campaign_a, accept_language="th")


def test_the_notice_in_japanese(client, campaign_a):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    campaign_a.languages = ["en"]
    campaign_a.save(update_fields=["languages"])
    text = landing(client, campaign_a)
    assert "このアンケートは日本語では提供されていないため、英語で表示しています。" in text


def test_free_text_says_its_limit_and_a_longer_text_is_refused_and_kept(client, campaign_a):
    """The browser used to cut a pasted text at 2,000 characters without a word."""
    url = start_answering(client, campaign_a)
    last_page = f"{url}p/4/"
    html = client.get(last_page).content.decode()
    comment = re.search(r'<textarea[^>]*name="q11_comments"[^>]*>', html).group(0)
    assert "maxlength" not in comment
    assert "At most 2,000 characters." in html
    text = "Mr Sato in line 3 was injured. " * 70  # 2,170 characters
    revision = re.search(r'name="revision" value="(\d+)"', html).group(1)
    page = client.post(last_page, {"revision": revision, "action": "save", "q11_comments": text})
    assert page.status_code == 422
    answer = page.content.decode()
    assert f"This answer has {len(text.strip())} characters; at most 2000 fit." in answer
    assert text.strip()[-40:] in answer  # kept in the box, to be shortened
    assert "q11_comments" not in Response.objects.get().draft
