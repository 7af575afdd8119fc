"""invitations.selectors.invited_counts: the denominator of a statement's response rate."""

import pytest

from hrdd.invitations.selectors import invited_counts
from hrdd.invitations.services import campaign_invite

pytestmark = pytest.mark.django_db


def test_suppliers_sent_a_link_are_counted_per_campaign(
    campaign_a, make_campaign, org_a, suppliers
):
    other = make_campaign(org_a, name="Second")
    campaign_invite(campaign=campaign_a, suppliers=suppliers)
    campaign_invite(campaign=other, suppliers=suppliers[:1])
    assert invited_counts(campaign_ids=[campaign_a.pk, other.pk]) == {campaign_a.pk: 3, other.pk: 1}
