"""The pages people see when something is not there, as `./dev start` runs (DEBUG on)."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "path",
    [
        "/i/abc123/def%20456",  # a personal link broken over two lines of an e-mail
        "/r/nosuchcampaign/",  # a response URL with a typo
        "/r/nosuchcampaign/a/AAAA-BBBB-CCCC-DDDD/",  # a resume link
        "/no/such/page/",  # not an address of the platform at all
    ],
)
def test_a_wrong_address_shows_the_project_page_even_with_debug_on(client, path):
    page = client.get(path)
    assert page.status_code == 404
    text = page.content.decode()
    assert "This page or link is not valid" in text
    assert "check that you copied the whole link" in text
    assert "URLconf" not in text and "DEBUG = True" not in text  # not Django's debug page


@override_settings(DEBUG=True)
def test_the_not_found_page_is_in_the_visitors_language(client):
    page = client.get("/r/nosuchcampaign/", headers={"accept-language": "ja"})
    assert page.status_code == 404
    text = page.content.decode()
    assert '<html lang="ja">' in text
    assert "このページまたはリンクは無効です" in text
