"""Anonymous forms that write or send are rate limited, with a 429 page saying when to retry.

Played as the abuser would: the same form again and again, from one address or many.
"""

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from hrdd.core.ratelimit import LIMITED_VIEWS
from hrdd.organisations.models import Application
from hrdd.questionnaires.models import Questionnaire
from hrdd.responses.models import Response
from hrdd.testing.world import answer_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {
        "start": {"address": "3/m", "campaign": "5/m"},
        "answer": {"address": "4/m", "campaign": "100/m"},
        "mail": {"address": "4/h", "recipient": "2/h"},
        "link": {"address": "3/m"},
    }
    return settings.RATE_LIMITS


def start(client, campaign, address="203.0.113.7"):
    landing = reverse("responses:landing", args=[campaign.public_slug])
    return client.post(landing, {"action": "start"}, REMOTE_ADDR=address)


def test_starting_responses_is_limited_per_address_with_a_page_saying_when(
    client, campaign_a, limits
):
    assert [start(client, campaign_a).status_code for _ in range(3)] == [302] * 3
    refused = start(client, campaign_a)
    assert refused.status_code == 429
    assert Response.objects.count() == 3
    text = refused.content.decode()
    assert "Too many attempts from this connection" in text
    assert "Please try again in about 1 minute." in text
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    # Another address (another factory) is not affected...
    assert start(client, campaign_a, address="198.51.100.20").status_code == 302


def test_a_campaign_flooded_from_many_addresses_is_limited(client, campaign_a, limits):
    codes = [start(client, campaign_a, address=f"192.0.2.{i}").status_code for i in range(7)]
    assert codes == [302] * 5 + [429] * 2
    assert Response.objects.count() == 5


def test_the_429_page_is_in_the_visitors_language(client, campaign_a, limits):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    for _ in range(3):
        start(client, campaign_a)
    text = start(client, campaign_a).content.decode()
    assert 'lang="ja"' in text
    assert "短時間に何度も送信されたため" in text


def test_resume_codes_cannot_be_guessed_at_speed(client, campaign_a, limits):
    landing = reverse("responses:landing", args=[campaign_a.public_slug])
    statuses = [
        client.post(landing, {"action": "resume", "code": f"AAAA-BBBB-{i:04d}"}).status_code
        for i in range(5)
    ]
    assert statuses[-1] == 429


def test_saving_answers_is_limited_per_address(client, campaign_a, limits):
    url = start(client, campaign_a)["Location"].split("?")[0]
    statuses = [client.post(url, {"action": "save"}).status_code for _ in range(5)]
    assert 429 not in statuses[:4] and statuses[4] == 429


def test_resume_link_mail_is_limited_per_recipient_and_per_address(client, campaign_a, limits):
    url = start(client, campaign_a)["Location"].split("?")[0]
    email_url = url + "email/"
    to_one = [client.post(email_url, {"email": "victim@example.org"}) for _ in range(3)]
    assert [r.status_code for r in to_one] == [302, 302, 429]
    assert client.post(email_url, {"email": "other@example.org"}).status_code == 302
    # Four sent from this address in the hour (one refused counts too): the next is refused.
    assert client.post(email_url, {"email": "third@example.org"}).status_code == 429


def test_password_reset_mail_is_limited_per_recipient(client, alice, limits, mailoutbox):
    url = reverse("accounts:password_reset")
    statuses = [
        client.post(url, {"email": alice.email}, REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_applications_are_limited_per_address(client, limits):
    form = {
        "organisation_name": "Mekong Garments",
        "country": "VN",
        "industry": "apparel",
        "contact_name": "Lan Nguyen",
        "supplier_count": "50-199",
        "questionnaire": Questionnaire.objects.get(code="crisis-impact").pk,
        "languages": ["en"],
        "accept_terms": "on",
    }
    url = reverse("organisations:apply")
    statuses = [
        client.post(url, {**form, "email": f"lan{i}@mekong.example"}).status_code for i in range(5)
    ]
    assert statuses == [302] * 4 + [429]
    assert Application.objects.count() == 4


def test_links_with_a_secret_cannot_be_tried_at_speed(client, limits):
    statuses = [
        client.post(reverse("links:opt_out", args=[f"guess{i}"])).status_code for i in range(4)
    ]
    assert statuses[-1] == 429


def test_a_supplier_answering_normally_is_never_limited(client, campaign_a):
    """The default limits: a whole questionnaire, saved on every page, with a resume mail."""
    for _ in range(3):  # three colleagues from one factory, one after another
        answer_everything(client, campaign_a)
    assert Response.objects.filter(submitted_at__isnull=False).count() == 3


def test_behind_a_proxy_the_forwarded_address_is_counted_not_the_proxys(
    client, campaign_a, limits, settings
):
    settings.RATE_LIMIT_PROXY_COUNT = 1
    landing = reverse("responses:landing", args=[campaign_a.public_slug])

    def via_proxy(visitor, spoofed="1.2.3.4"):
        return client.post(
            landing,
            {"action": "start"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, {visitor}",
        ).status_code

    assert [via_proxy("203.0.113.9", spoofed=f"1.2.3.{i}") for i in range(4)] == [302] * 3 + [429]
    assert via_proxy("203.0.113.10") == 302


def test_the_shared_database_cache_counts_and_keeps_no_address(
    client, campaign_a, limits, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hrdd_cache",
        }
    }
    caches["default"].clear()
    assert [start(client, campaign_a).status_code for _ in range(4)] == [302] * 3 + [429]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM hrdd_cache")
        rows = cursor.fetchall()
    assert rows
    assert not [row for row in rows if "203.0.113.7" in str(row)]
    assert not [row for row in rows if campaign_a.public_slug in str(row)]


def test_every_anonymous_form_that_writes_or_sends_is_listed():
    assert set(LIMITED_VIEWS) >= {
        "organisations:apply",
        "responses:landing",
        "responses:answer",
        "responses:answer_page",
        "responses:email_link",
        "accounts:password_reset",
        "links:invitation",
        "namings:answer",
    }
