"""The buyer's buttons for one personal link (send a new link, withdraw), who may press them,
what a disclosed campaign shows of who answered (and records in the audit log), and the
opt-out link in every reminder."""

import pytest
from django.conf import settings
from django.test import Client

from hrdd import policy
from hrdd.detailed.models import AuditEntry
from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation
from hrdd.notifications.models import OutboundEmail
from hrdd.organisations.models import Organisation
from hrdd.responses.models import Response
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import OPT_OUT, VALID_ANSWERS, body, deliver, received_by, token_of

pytestmark = pytest.mark.django_db

SATO = "sato@kansai-parts.example"
LAN = "lan@hanoi-garments.example"


def links_url(campaign) -> str:
    return f"/campaigns/{campaign.pk}/links/"


def action_url(invitation, action) -> str:
    return f"/campaigns/{invitation.campaign_id}/links/{invitation.pk}/{action}/"


def submit_through_link(received) -> Response:
    """The supplier, in its own browser (its language must not leak into the buyer's)."""
    Client().post(f"/i/{token_of(received)}/", {"action": "start"})
    response = Response.objects.get()
    return response_submit(response=response_save_draft(response=response, answers=VALID_ANSWERS))[
        0
    ]


@pytest.fixture
def invited(smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )
    return {s.email: Invitation.objects.get(supplier=s) for s in suppliers}


def test_owner_sends_a_new_link_and_withdraws_it(
    client, alice, smtp_running, invited, django_capture_on_commit_callbacks
):
    sato = invited[SATO]
    old = token_of(received_by(smtp_running, SATO)[0])
    client.force_login(alice)

    page = deliver(
        django_capture_on_commit_callbacks,
        lambda: client.post(action_url(sato, "resend"), follow=True),
    )
    assert f"A new link is on its way to {SATO}." in page.content.decode()
    new = token_of(received_by(smtp_running, SATO)[1])
    assert new != old
    supplier = Client()
    assert supplier.get(f"/i/{new}/").status_code == 200

    page = client.post(action_url(sato, "revoke"), follow=True)
    assert f"The links sent to {SATO} no longer work." in page.content.decode()
    assert supplier.get(f"/i/{old}/").status_code == 404
    assert supplier.get(f"/i/{new}/").status_code == 404


def test_a_viewer_cannot_resend_or_withdraw_and_another_buyer_gets_404(
    client, bob, carol, smtp_running, invited
):
    sato = invited[SATO]
    token = token_of(received_by(smtp_running, SATO)[0])
    for user, status in ((bob, 403), (carol, 404)):
        client.force_login(user)
        assert client.post(action_url(sato, "resend")).status_code == status
        assert client.post(action_url(sato, "revoke")).status_code == status
    sato.refresh_from_db()
    assert sato.revoked_at is None and sato.send_count == 1
    assert len(received_by(smtp_running, SATO)) == 1
    assert Client().get(f"/i/{token}/").status_code == 200


def test_confidential_resend_and_withdraw_do_not_tell_who_answered(
    client, alice, smtp_running, campaign_a, invited, django_capture_on_commit_callbacks
):
    submit_through_link(received_by(smtp_running, LAN)[0])  # Lan answered, Sato not
    client.force_login(alice)
    pages = {}
    for email in (LAN, SATO):
        resent = deliver(
            django_capture_on_commit_callbacks,
            lambda email=email: client.post(action_url(invited[email], "resend"), follow=True),
        )
        withdrawn = client.post(action_url(invited[email], "revoke"), follow=True)
        pages[email] = (resent, withdrawn)

    for email, (resent, withdrawn) in pages.items():
        assert resent.status_code == withdrawn.status_code == 200
        assert f"A new link is on its way to {email}." in resent.content.decode()
        assert f"The links sent to {email} no longer work." in withdrawn.content.decode()
        for page in (resent, withdrawn):
            text = page.content.decode()
            assert "Submitted" not in text and "Started" not in text
        assert len(received_by(smtp_running, email)) == 2  # the answered one got a link too
    # Apart from the address, the buyer is told the same about both suppliers.
    said = {
        e: [m.message.replace(e, "ADDRESS") for p in pages[e] for m in p.context["messages"]]
        for e in (LAN, SATO)
    }
    assert len(said[LAN]) == 2 and said[LAN] == said[SATO]
    assert not AuditEntry.objects.exists()  # nothing per supplier was shown


def test_who_answered_is_shown_only_where_the_policy_allows_it(campaign_a, disclosed):
    assert policy.response_status_access(campaign_a) is False
    assert policy.response_status_access(disclosed) is True
    disclosed.organisation.plan = Organisation.Plan.FREE
    # The suppliers agreed to be seen; the plan gates their answers, not their status.
    assert policy.response_status_access(disclosed) is True
    assert policy.detailed_report_access(disclosed) == policy.DETAILED_NEEDS_PLAN


@pytest.mark.parametrize("plan", [Organisation.Plan.PAID, Organisation.Plan.FREE])
def test_disclosed_status_is_shown_and_every_showing_is_audited(
    client,
    alice,
    bob,
    smtp_running,
    disclosed,
    suppliers,
    django_capture_on_commit_callbacks,
    plan,
):
    Organisation.objects.filter(pk=disclosed.organisation_id).update(plan=plan)
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=disclosed),
    )
    Client().post(
        f"/i/{token_of(received_by(smtp_running, LAN)[0])}/",
        {"action": "start", "supplier_name": "Hanoi Garments", "consent": "on"},
    )
    client.force_login(bob)

    page = client.get(links_url(disclosed)).content.decode()

    assert "Hanoi Garments" in page and "Started" in page and page.count("Not started") == 2
    [entry] = AuditEntry.objects.all()
    assert (entry.user, entry.campaign, entry.action) == (
        bob,
        disclosed,
        AuditEntry.Action.SUPPLIER_STATUS,
    )
    client.get(links_url(disclosed))
    assert AuditEntry.objects.count() == 2  # every showing, like the supplier table
    client.force_login(alice)
    log = client.get(f"/reports/detailed/campaigns/{disclosed.pk}/audit/").content.decode()
    assert "Viewed who has answered (personal links)" in log and "bob@a.example" in log


def test_confidential_links_page_writes_no_audit_entry(client, alice, campaign_a, invited):
    client.force_login(alice)
    page = client.get(links_url(campaign_a)).content.decode()
    assert "Kansai Parts" in page and "Not started" not in page
    assert not AuditEntry.objects.exists()


def test_reminders_carry_a_working_opt_out_link_in_text_and_html(
    client, smtp_running, campaign_a, invited, django_capture_on_commit_callbacks
):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.reminders_send(
            campaign=campaign_a, key=invitations.manual_reminder_key()
        ),
    )
    # Each supplier's second message is its reminder, in its own language (vi, ja, th).
    reminders = [received_by(smtp_running, email)[1] for email in invited]
    for reminder in reminders:
        text = body(reminder)
        html = reminder.message.get_body(preferencelist=("html",)).get_content()
        opt_out = OPT_OUT.search(text).group(0)
        assert f'<a href="{settings.SITE_URL}{opt_out}">' in html
    assert OutboundEmail.objects.filter(template="reminder").count() == 3

    opt_out = OPT_OUT.search(body(received_by(smtp_running, SATO)[-1])).group(0)
    assert client.get(opt_out).status_code == 200
    client.post(opt_out)
    assert Supplier.objects.get(email=SATO).reminders_opted_out_at is not None
