"""Papercuts a newcomer met in the first hour, each checked where a user would notice it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django_countries import countries

from hrdd.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def test_nauru_is_called_nauru():
    """django-countries 9 calls it by its Nauruan name, "Naoero"."""
    assert countries.name("NR") == "Nauru"
    with translation.override("ja"):
        assert countries.name("NR") == "ナウル"


def test_every_page_has_a_favicon(client):
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    icon = client.get("/favicon.ico")  # asked for by browsers that do not read the page
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert client.get("/static/favicon.svg").status_code == 200


def test_language_names_not_codes_on_the_campaign_page(client, alice, campaign_a):
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("campaigns:detail", args=[campaign_a.pk])).content.decode()
    assert "Languages: English, Japanese" in page
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("campaigns:detail", args=[campaign_a.pk])).content.decode()
    assert "英語、日本語" in page


def test_language_name_filter_knows_languages_beyond_the_products():
    template = Template("{% load languages %}{{ codes|language_names }}")
    assert template.render(Context({"codes": ["fr", "vi", "xx-yy"]})) == (
        "French, Vietnamese, xx-yy"
    )


def test_a_company_name_ending_in_a_period_does_not_end_a_sentence(client, campaign_a):
    """ "Please contact Saigon Knitwear Co.." read like a typo."""
    campaign_a.organisation.name = "Saigon Knitwear Co."
    campaign_a.organisation.save(update_fields=["name"])
    campaign_a.opens_at = timezone.now() - timedelta(days=30)
    campaign_a.closes_at = timezone.now() - timedelta(days=1)
    campaign_a.save(update_fields=["opens_at", "closes_at"])
    page = client.get(reverse("responses:landing", args=[campaign_a.public_slug]))
    text = page.content.decode()
    assert "(Saigon Knitwear Co.)." in text
    assert "Co.." not in text


def test_templates_never_end_a_sentence_with_a_name():
    """No template puts a period right after an organisation or supplier name."""
    offenders = []
    for folder in [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "hrdd"]:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for name in ("{{ buyer }}.", "{{ org }}.", "{{ name }}.", "{{ organisation.name }}."):
                if name in text:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_campaign_dates_start_filled_in_with_the_format_said(client, alice, org_a):
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("campaigns:create", args=[org_a.pk])).content.decode()
    assert 'type="datetime-local" name="opens_at" value="20' in page
    assert 'type="datetime-local" name="closes_at" value="20' in page
    assert 'placeholder="YYYY-MM-DD HH:MM"' in page
    assert "Date and time as YYYY-MM-DD HH:MM (for example 2026-05-01 09:00)" in page
    bad = client.post(
        reverse("campaigns:create", args=[org_a.pk]),
        {"name": "X", "opens_at": "05/01/2026", "closes_at": "01/06/2026"},
    ).content.decode()
    assert "Enter a date and time as YYYY-MM-DD HH:MM, for example 2026-05-01 09:00." in bad


def test_readme_says_how_to_change_the_port():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert "PORT=8080 ./dev start" in readme
    dev = (Path(settings.BASE_DIR) / "dev").read_text()
    assert 'os.environ.get("PORT", "8000")' in dev and 'os.environ.get("HOST"' in dev
