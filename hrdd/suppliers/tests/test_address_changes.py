"""What a change of a supplier's address does: new blank invitations, the old ones kept for
their holder and out of the buyer's reach, the notice, and the supplier-list change log
(who may read it)."""

import pytest
from django.test import Client

from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation
from hrdd.notifications.models import OutboundEmail
from hrdd.suppliers.models import Supplier, SupplierChange
from hrdd.suppliers.services import supplier_delete, supplier_update

pytestmark = pytest.mark.django_db


def test_a_new_address_gets_a_blank_unsent_invitation_and_the_old_one_is_kept(
    campaign_a,
    suppliers,
    alice,
):
    lan = suppliers[0]
    invitations.campaign_invite(campaign=campaign_a)
    old = Invitation.objects.get(supplier=lan)

    supplier_update(supplier=lan, email="new@hanoi-garments.example", by=alice)

    old.refresh_from_db()
    new = Invitation.objects.get(supplier=lan, superseded_at=None)
    assert old.superseded_at is not None and old.email == "lan@hanoi-garments.example"
    assert (new.email, new.response, new.send_count) == ("new@hanoi-garments.example", None, 0)
    # Only the new one is the buyer's to send; the old one sends nothing more.
    with pytest.raises(Exception, match="address has changed"):
        invitations.invitation_resend(invitation=old)
    client = Client()
    client.force_login(alice)
    resend_old = client.post(f"/campaigns/{campaign_a.pk}/links/{old.pk}/resend/")
    assert resend_old.status_code == 404
    assert invitations.campaign_invite(campaign=campaign_a) == 1
    new.refresh_from_db()
    assert new.send_count == 1
    assert OutboundEmail.objects.filter(to="new@hanoi-garments.example").count() == 1


def test_a_change_of_letter_case_only_is_not_a_new_address(
    campaign_a,
    suppliers,
):
    invitations.campaign_invite(campaign=campaign_a)
    supplier_update(supplier=suppliers[0], email="LAN@hanoi-garments.example")
    assert Invitation.objects.filter(supplier=suppliers[0]).count() == 1
    assert not OutboundEmail.objects.filter(template=invitations.ADDRESS_CHANGED).exists()


def test_an_address_never_written_to_is_not_told(
    suppliers,
    alice,
):
    supplier_update(supplier=suppliers[0], email="new@hanoi-garments.example", by=alice)
    assert not OutboundEmail.objects.filter(template=invitations.ADDRESS_CHANGED).exists()
    [change] = SupplierChange.objects.all()
    assert (change.field, change.old_value, change.new_value, change.user) == (
        "email",
        "lan@hanoi-garments.example",
        "new@hanoi-garments.example",
        alice,
    )


def test_every_attribute_change_and_removal_is_logged(
    suppliers,
    alice,
):
    lan = suppliers[0]
    supplier_update(
        supplier=lan, country="KH", industry="food", size_band="1-9", name="X", by=alice
    )
    supplier_update(supplier=lan, country="KH", by=alice)  # no change: nothing logged
    supplier_delete(supplier=lan, by=alice)
    logged = {(c.field, c.old_value, c.new_value, c.action) for c in SupplierChange.objects.all()}
    assert logged == {
        ("country", "VN", "KH", "changed"),
        ("industry", "apparel", "food", "changed"),
        ("size_band", "250-999", "1-9", "changed"),
        ("name", "Hanoi Garments", "X", "changed"),
        ("email", "lan@hanoi-garments.example", "", "removed"),
    }
    # The log outlives the supplier entry.
    assert not Supplier.objects.filter(pk=lan.pk).exists()


def test_the_change_log_is_for_the_owner_and_the_operator(
    client,
    org_a,
    alice,
    bob,
    carol,
    olivia,
    suppliers,
):
    supplier_update(supplier=suppliers[0], email="new@hanoi-garments.example", by=alice)
    own, everyone = f"/suppliers/{org_a.pk}/changes/", "/suppliers/changes/"
    client.force_login(alice)
    assert "new@hanoi-garments.example" in client.get(own).content.decode()
    assert client.get(everyone).status_code == 404
    client.force_login(bob)  # a viewer of the same buyer
    assert client.get(own).status_code == 403
    client.force_login(carol)  # another buyer
    assert client.get(own).status_code == 404
    client.force_login(olivia)
    page = client.get(everyone, {"organisation": org_a.pk}).content.decode()
    assert "new@hanoi-garments.example" in page and org_a.name in page


def test_the_operator_changing_an_address_in_the_admin_goes_through_the_same_rules(
    client,
    campaign_a,
    suppliers,
    olivia,
):
    olivia.is_staff = olivia.is_superuser = True
    olivia.save()
    invitations.campaign_invite(campaign=campaign_a)
    lan = suppliers[0]
    client.force_login(olivia)
    page = client.post(
        f"/admin/suppliers/supplier/{lan.pk}/change/",
        {
            "organisation": lan.organisation_id,
            "name": lan.name,
            "country": "VN",
            "industry": lan.industry,
            "size_band": lan.size_band,
            "contact_name": lan.contact_name,
            "email": "ops@hanoi-garments.example",
            "language": lan.language,
            "tier": lan.tier,
            "migrant_share": lan.migrant_share,
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]
    assert Invitation.objects.get(supplier=lan, superseded_at=None).email == (
        "ops@hanoi-garments.example"
    )
    assert SupplierChange.objects.get().user == olivia
