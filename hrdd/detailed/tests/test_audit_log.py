"""Who may read the audit log of per-supplier access: the buyer's owner for its own campaigns,
the operator for every buyer (page and read-only administration), nobody else."""

import pytest
from django.urls import reverse

from hrdd.campaigns.models import Campaign
from hrdd.detailed import services as detailed_services
from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Organisation
from hrdd.testing.world import make_superuser, submit_disclosed

pytestmark = pytest.mark.django_db

OPERATOR_AUDIT = reverse("detailed:operator_audit")


@pytest.fixture
def entries(alice, bob, carol, org_b, disclosed, make_campaign):
    """Bob read Saigon Knits' answers at Northwind; Carol exported Kansai's campaign."""
    saigon = submit_disclosed(disclosed, "Saigon Knits")
    detailed_services.audit(
        campaign=disclosed, user=bob, action=AuditEntry.Action.SUPPLIER_ANSWERS, response=saigon
    )
    org_b.plan = Organisation.Plan.PAID
    org_b.save()
    kansai = make_campaign(org_b, name="Kansai disclosed")
    kansai.mode = Campaign.Mode.DISCLOSED
    kansai.save()
    osaka = submit_disclosed(kansai, "Osaka Foods")
    detailed_services.audit(
        campaign=kansai, user=carol, action=AuditEntry.Action.EXPORT_PDF, response=osaka
    )
    return disclosed, kansai


def test_operator_reads_the_entries_of_every_buyer(client, olivia, entries, org_b):
    client.force_login(olivia)
    page = client.get(OPERATOR_AUDIT).content.decode()
    assert "bob@a.example" in page and "Saigon Knits" in page and "Northwind" in page
    assert "carol@b.example" in page and "Osaka Foods" in page and "Kansai" in page

    one_buyer = client.get(OPERATOR_AUDIT, {"organisation": org_b.pk}).content.decode()
    assert "Osaka Foods" in one_buyer and "Saigon Knits" not in one_buyer


def test_operator_page_queries_do_not_grow_with_entries(
    client, olivia, entries, django_assert_max_num_queries
):
    disclosed, _kansai = entries
    client.force_login(olivia)
    client.get(OPERATOR_AUDIT)
    for _ in range(30):
        detailed_services.audit(
            campaign=disclosed, user=olivia, action=AuditEntry.Action.SUPPLIER_LIST
        )
    with django_assert_max_num_queries(8):
        assert client.get(OPERATOR_AUDIT).status_code == 200


def test_buyer_owner_reads_only_its_own_entries_and_nobody_else_reads_the_operator_log(
    client, alice, bob, carol, entries
):
    disclosed, kansai = entries
    client.force_login(alice)
    own = client.get(reverse("detailed:audit", args=[disclosed.pk])).content.decode()
    assert "Saigon Knits" in own and "Osaka Foods" not in own
    assert client.get(reverse("detailed:audit", args=[kansai.pk])).status_code == 404
    for user in (alice, bob, carol):
        client.force_login(user)
        assert client.get(OPERATOR_AUDIT).status_code == 404
    client.logout()
    assert client.get(OPERATOR_AUDIT).status_code == 302  # to the login page


def test_administration_shows_audit_entries_read_only(client, entries):
    admin = make_superuser()
    client.force_login(admin)
    entry = AuditEntry.objects.get(supplier_name="Saigon Knits")
    listing = client.get(reverse("admin:detailed_auditentry_changelist")).content.decode()
    assert "Saigon Knits" in listing and "Osaka Foods" in listing

    change = client.get(reverse("admin:detailed_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert (
        client.post(reverse("admin:detailed_auditentry_change", args=[entry.pk])).status_code == 403
    )
    assert client.get(reverse("admin:detailed_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:detailed_auditentry_delete", args=[entry.pk])).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk, supplier_name="Saigon Knits").exists()
