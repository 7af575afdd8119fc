"""Buyer pages: what members see, what viewers cannot change, what outsiders cannot know."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.testing.definitions import small_definition
from hrdd.testing.world import login, submit_response

pytestmark = pytest.mark.django_db


def buyer_urls(campaign) -> list[str]:
    return [
        reverse("campaigns:detail", args=[campaign.pk]),
        reverse("campaigns:edit_dates", args=[campaign.pk]),
        reverse("reports:summary", args=[campaign.pk]),
    ]


def test_carol_gets_404_on_every_page_of_another_buyer(client, carol, campaign_a, campaign_b):
    login(client, carol)
    for url in buyer_urls(campaign_a):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    # Her own campaign works, and her dashboard does not list the other buyer's.
    assert client.get(reverse("campaigns:detail", args=[campaign_b.pk])).status_code == 200
    dashboard = client.get(reverse("campaigns:dashboard")).content.decode()
    assert campaign_b.name in dashboard and "Northwind" not in dashboard


def test_nonexistent_campaign_looks_the_same_as_a_foreign_one(client, carol, campaign_a):
    login(client, carol)
    foreign = client.get(reverse("campaigns:detail", args=[campaign_a.pk]))
    missing = client.get(reverse("campaigns:detail", args=[999999]))
    assert foreign.status_code == missing.status_code == 404

    # Apart from the CSRF token and the page's own address, the two pages are identical.
    def normalise(page, path):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
        return text.replace(path, "PATH")

    assert normalise(foreign, f"/campaigns/{campaign_a.pk}/") == normalise(
        missing, "/campaigns/999999/"
    )


def test_anonymous_is_sent_to_login(client, campaign_a):
    for url in buyer_urls(campaign_a):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_member_sees_response_url_and_a_band_not_a_count(client, alice, campaign_a):
    for _ in range(7):
        submit_response(campaign_a)
    page = login(client, alice).get(reverse("campaigns:detail", args=[campaign_a.pk]))
    text = page.content.decode()
    assert campaign_a.response_url() in text
    assert "5 to 9" in text
    assert ">7<" not in text


def test_the_first_response_does_not_show_on_the_campaign_page(client, alice, campaign_a):
    url = reverse("campaigns:detail", args=[campaign_a.pk])
    before = login(client, alice).get(url).content.decode()
    submit_response(campaign_a)
    after = client.get(url).content.decode()
    assert ">Fewer than 5</p>" in before
    assert ">Fewer than 5</p>" in after


def test_owner_changes_dates(client, alice, campaign_a):
    login(client, alice)
    url = reverse("campaigns:edit_dates", args=[campaign_a.pk])
    page = client.post(url, {"opens_at": "2026-11-01T09:00", "closes_at": "2026-12-24T18:00"})
    assert page.status_code == 302
    campaign_a.refresh_from_db()
    assert campaign_a.closes_at.isoformat().startswith("2026-12-24T18:00")


def test_close_before_open_is_refused_next_to_the_field(client, alice, campaign_a):
    login(client, alice)
    url = reverse("campaigns:edit_dates", args=[campaign_a.pk])
    before = campaign_a.closes_at
    page = client.post(url, {"opens_at": "2026-12-01T09:00", "closes_at": "2026-11-01T09:00"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "The close date must be after the open date." in text
    assert 'id="field-closes_at"' in text
    campaign_a.refresh_from_db()
    assert campaign_a.closes_at == before


def test_a_language_the_questionnaire_lacks_is_refused_next_to_the_field(client, alice, org_a):
    basics = questionnaire_publish(data=small_definition())  # English, Japanese, Vietnamese
    login(client, alice)
    page = client.post(
        reverse("campaigns:create", args=[org_a.pk]),
        {
            "name": "Basics 2026",
            "questionnaire_version": basics.pk,
            "languages": ["en", "th", "pt"],
            "mode": "confidential",
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2026-12-31T09:00",
        },
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "This questionnaire is not available in: th, pt" in text
    assert 'id="field-languages"' in text
    assert not Campaign.objects.filter(name="Basics 2026").exists()


def test_garbage_date_is_refused(client, alice, campaign_a):
    login(client, alice)
    url = reverse("campaigns:edit_dates", args=[campaign_a.pk])
    page = client.post(url, {"opens_at": "yesterday", "closes_at": ""})
    assert page.status_code == 422
    text = page.content.decode()
    # The message repeats the one format accepted, rather than "Enter a valid date/time."
    assert "Enter a date and time as YYYY-MM-DD HH:MM, for example 2026-05-01 09:00." in text
    assert "This field is required." in text


def test_bob_the_viewer_can_read_but_not_change_dates(client, bob, campaign_a):
    login(client, bob)
    page = client.get(reverse("campaigns:detail", args=[campaign_a.pk]))
    assert page.status_code == 200
    assert "Save dates" not in page.content.decode()
    url = reverse("campaigns:edit_dates", args=[campaign_a.pk])
    before = campaign_a.closes_at
    denied = client.post(url, {"opens_at": "2026-11-01T09:00", "closes_at": "2027-01-01T09:00"})
    assert denied.status_code == 403
    campaign_a.refresh_from_db()
    assert campaign_a.closes_at == before


def test_dashboard_queries_do_not_grow_with_campaigns(
    client, alice, org_a, make_campaign, django_assert_max_num_queries
):
    login(client, alice)
    for i in range(3):
        make_campaign(org_a, name=f"Campaign {i}")
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("campaigns:dashboard"))
    for i in range(3, 12):
        make_campaign(org_a, name=f"Campaign {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("campaigns:dashboard"))
    assert page.content.decode().count("/campaigns/") >= 12


def test_operator_pages_are_invisible_to_buyers(client, alice):
    login(client, alice)
    assert client.get(reverse("organisations:operator_applications")).status_code == 404
    assert client.get(reverse("organisations:operator_application", args=[1])).status_code == 404


def test_operator_can_raise_the_minimum_for_a_questionnaire(org_a, make_campaign, crisis_version):
    from django.core.exceptions import ValidationError

    questionnaire = crisis_version.questionnaire
    questionnaire.min_responses = 8
    questionnaire.save()
    assert make_campaign(org_a).min_responses == 8
    questionnaire.min_responses = 2
    with pytest.raises(ValidationError):
        questionnaire.full_clean()


def new_campaign(client, org, version, languages, **extra):
    now = timezone.localtime()
    return client.post(
        reverse("campaigns:create", args=[org.pk]),
        {
            "name": "Draft languages",
            "questionnaire_version": version.pk,
            "languages": languages,
            "mode": "confidential",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            **extra,
        },
    )


def test_buyer_is_warned_before_offering_a_draft_translation(client, alice, org_a, crisis_version):
    """Vietnamese is a draft translation of the crisis questionnaire: the form says so before
    the buyer picks, refuses it once with the reason, and takes it when confirmed; the
    campaign page keeps saying it."""
    login(client, alice)
    form = client.get(reverse("campaigns:create", args=[org_a.pk])).content.decode()
    help_text = form[form.index('id="id_languages_helptext"') :].split("</p>")[0]
    assert "Draft translations, not checked by a reviewer yet" in help_text
    assert "Vietnamese" in help_text and "Japanese" not in help_text
    assert "accept_draft_translations" not in form

    refused = new_campaign(client, org_a, crisis_version, ["en", "vi"])

    assert refused.status_code == 422
    text = refused.content.decode()
    assert "Vietnamese is a draft translation of this questionnaire" in text
    assert 'name="accept_draft_translations"' in text
    assert not Campaign.objects.filter(name="Draft languages").exists()

    created = new_campaign(
        client, org_a, crisis_version, ["en", "vi"], accept_draft_translations="on"
    )

    campaign = Campaign.objects.get(name="Draft languages")
    assert created["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.languages == ["en", "vi"]
    page = client.get(created["Location"]).content.decode()
    warning = page[page.index('id="draft-translations"') :].split("</p>")[0]
    assert "Vietnamese is a draft translation: no reviewer has checked it yet." in warning


def test_complete_languages_need_no_confirmation_and_show_no_warning(
    client, alice, org_a, crisis_version
):
    login(client, alice)

    created = new_campaign(client, org_a, crisis_version, ["en", "ja"])

    assert created.status_code == 302
    assert 'id="draft-translations"' not in client.get(created["Location"]).content.decode()


def test_campaign_page_warning_names_the_languages_in_the_readers_language_until_reviewed(
    client, alice, org_a, make_campaign
):
    campaign = make_campaign(org_a, languages=["en", "vi", "th"])
    login(client, alice)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    url = reverse("campaigns:detail", args=[campaign.pk])

    page = client.get(url).content.decode()
    warning = page[page.index('id="draft-translations"') :].split("</p>")[0]
    assert "ベトナム語" in warning and "タイ語" in warning

    version = campaign.questionnaire_version
    version.reviewed_translations = {
        lang: {"by": "Reviewer", "at": "2026-12-01"} for lang in ("vi", "th")
    }
    version.save()
    assert 'id="draft-translations"' not in client.get(url).content.decode()
