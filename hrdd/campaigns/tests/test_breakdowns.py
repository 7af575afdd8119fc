"""Report breakdowns are declared when a campaign is created and frozen once anyone answers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hrdd.campaigns.models import Campaign
from hrdd.campaigns.services import campaign_set_breakdowns
from hrdd.responses.services import response_start
from hrdd.testing.world import PASSWORD, submit_response

pytestmark = pytest.mark.django_db


def test_buyer_declares_breakdowns_when_creating_a_campaign(client, alice, org_a, crisis_version):
    assert client.login(email=alice.email, password=PASSWORD)
    url = reverse("campaigns:create", args=[org_a.pk])
    form = client.get(url).content.decode()
    assert 'name="breakdowns" value="country"' in form
    assert "cannot be added or changed once a supplier has answered" in form
    now = timezone.localtime()
    page = client.post(
        url,
        {
            "name": "By country",
            "questionnaire_version": crisis_version.pk,
            "languages": ["en"],
            "mode": "confidential",
            "breakdowns": ["size", "country"],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timezone.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    campaign = Campaign.objects.get(name="By country")
    assert page["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.breakdowns == ["country", "size"]  # stored in report order
    detail = client.get(page["Location"]).content.decode()
    line = detail[detail.index('id="breakdowns"') :]
    line = line[: line.index("</p>")]
    assert "Supplier country, Supplier size" in line and "Supplier industry" not in line


def test_a_campaign_without_breakdowns_says_so(client, alice, campaign_a):
    assert client.login(email=alice.email, password=PASSWORD)
    detail = client.get(reverse("campaigns:detail", args=[campaign_a.pk])).content.decode()
    line = detail[detail.index('id="breakdowns"') :]
    assert "Report breakdowns" in line[: line.index("</p>")] and "none" in line


def test_breakdowns_change_only_while_nobody_has_answered(alice, campaign_a):
    campaign = campaign_set_breakdowns(campaign=campaign_a, breakdowns=["industry"], by=alice)
    assert campaign.breakdowns == ["industry"]
    with pytest.raises(ValidationError, match="Unknown report breakdown"):
        campaign_set_breakdowns(campaign=campaign_a, breakdowns=["buyer"], by=alice)
    # A draft is enough: the supplier has started answering under the declared breakdowns.
    response_start(campaign=campaign_a, language="en")
    with pytest.raises(ValidationError, match="cannot change once a supplier has answered"):
        campaign_set_breakdowns(campaign=campaign_a, breakdowns=["country"], by=alice)
    submit_response(campaign_a)
    with pytest.raises(ValidationError):
        campaign_set_breakdowns(campaign=campaign_a, breakdowns=[], by=alice)
    campaign_a.refresh_from_db()
    assert campaign_a.breakdowns == ["industry"]
