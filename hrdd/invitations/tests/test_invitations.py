"""Personal links, end to end through a real SMTP server: invite, open, answer, re-send,
withdraw, remind (only those who have not answered), opt out; and what the buyer sees of it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hrdd.invitations import services as invitations
from hrdd.invitations.models import Invitation, ReminderRun
from hrdd.notifications.models import OutboundEmail
from hrdd.organisations.models import Membership
from hrdd.responses.models import Response
from hrdd.responses.services import response_save_draft, response_submit
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import (
    OPT_OUT,
    VALID_ANSWERS,
    body,
    deliver,
    member,
    received_by,
    token_of,
)

pytestmark = pytest.mark.django_db


def test_invitations_arrive_once_each_in_the_supplier_language_with_a_working_link(
    client, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    count = deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )

    assert count == 3
    assert len(smtp_running.received) == 3
    [japanese] = received_by(smtp_running, "sato@kansai-parts.example")
    assert "Northwind" in japanese.message["Subject"]
    assert "アンケート" in japanese.message["Subject"]
    # Vietnamese is not offered by this campaign (en, ja): English, the campaign's first.
    [english] = received_by(smtp_running, "lan@hanoi-garments.example")
    assert english.message["Subject"].startswith("Northwind asks you")
    assert "Dear Ms Lan (Hanoi Garments)" in body(english)
    assert OPT_OUT.search(body(english))
    # Nothing kept in the outbox that would open the link.
    for message in OutboundEmail.objects.filter(campaign=campaign_a):
        assert message.status == OutboundEmail.Status.SENT
        assert message.context == {} and message.body_text == ""

    page = client.get(f"/i/{token_of(japanese)}/")
    assert page.status_code == 200
    assert "Kansai Parts" in page.content.decode()

    # Inviting again sends nothing to those already invited.
    assert (
        deliver(
            django_capture_on_commit_callbacks,
            lambda: invitations.campaign_invite(campaign=campaign_a),
        )
        == 0
    )
    assert len(smtp_running.received) == 3


def test_opening_a_link_changes_nothing_and_starting_twice_makes_one_response(
    client, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )
    token = token_of(received_by(smtp_running, "lan@hanoi-garments.example")[0])

    for _ in range(3):  # a mail scanner, then the supplier, then again
        assert client.get(f"/i/{token}/").status_code == 200
    assert Response.objects.count() == 0

    first = client.post(f"/i/{token}/", {"action": "start"})
    second = client.post(f"/i/{token}/", {"action": "start"})

    assert first.status_code == second.status_code == 302
    assert first["Location"].startswith(f"/r/{campaign_a.public_slug}/a/{token}/")
    [response] = Response.objects.all()
    # The supplier list's dimensions go with the response, for declared breakdowns.
    assert (response.supplier_country, response.supplier_industry, response.supplier_size) == (
        "VN",
        "apparel",
        "250-999",
    )
    assert response.supplier_name == ""  # confidential: no name stored with the answers
    assert client.get(first["Location"]).status_code == 200


def test_a_new_link_works_alongside_the_old_and_withdrawing_stops_both(
    client, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )
    old = token_of(received_by(smtp_running, "sato@kansai-parts.example")[0])
    client.post(f"/i/{old}/", {"action": "start"})
    invitation = Invitation.objects.get(supplier=suppliers[1])

    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.invitation_resend(invitation=invitation),
    )
    new = token_of(received_by(smtp_running, "sato@kansai-parts.example")[1])
    assert new != old
    answer_url = f"/r/{campaign_a.public_slug}/a/{{}}/"
    assert client.get(answer_url.format(old)).status_code == 200
    assert client.get(answer_url.format(new)).status_code == 200  # leads to the same draft

    invitations.invitation_revoke(invitation=invitation)

    for token in (old, new):
        page = client.get(f"/i/{token}/")
        assert page.status_code == 404
        # In Sato's language, which its first visit through the link chose.
        assert "このリンクは使えません" in page.content.decode()
        assert client.get(answer_url.format(token)).status_code == 404


def test_reminders_go_only_to_those_who_have_not_answered_and_did_not_opt_out(
    client, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )
    lan, sato, bkk = (received_by(smtp_running, s.email)[0] for s in suppliers)
    # Lan answers and submits; Sato opts out of reminders; Bangkok does nothing.
    client.post(f"/i/{token_of(lan)}/", {"action": "start"})
    response = Response.objects.get()
    response_submit(response=response_save_draft(response=response, answers=VALID_ANSWERS))
    opt_out = OPT_OUT.search(body(sato)).group(0)
    assert client.get(opt_out).status_code == 200
    assert Supplier.objects.get(pk=suppliers[1].pk).reminders_opted_out_at is None  # GET: no
    assert "no more reminders" in client.post(opt_out).content.decode()

    key = invitations.manual_reminder_key()
    sent = deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.reminders_send(campaign=campaign_a, key=key),
    )
    again = invitations.reminders_send(campaign=campaign_a, key=key)

    assert sent == 1
    assert again is None
    reminders = [r for r in smtp_running.received if r.message["Subject"].startswith("Reminder")]
    assert [r.rcpt_tos for r in reminders] == [["office@bkk-seafood.example"]]
    # The reminder's link is new, and the invitation's link still works too.
    assert token_of(reminders[0]) != token_of(bkk)
    assert client.get(f"/i/{token_of(bkk)}/").status_code == 200
    assert client.get(f"/i/{token_of(reminders[0])}/").status_code == 200


def test_automatic_reminders_are_scheduled_at_launch_and_follow_the_close_date(
    campaign_a, suppliers, django_capture_on_commit_callbacks
):
    campaign_a.reminder_days = [7, 2]
    campaign_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.campaign_invite(campaign=campaign_a)

    runs = DBTaskResult.objects.filter(task_path="hrdd.invitations.tasks.send_reminders")
    due = sorted((r.args_kwargs["kwargs"]["key"], r.run_after) for r in runs)
    assert [k for k, _ in due] == ["2d", "7d"]
    assert due[0][1] == campaign_a.closes_at - timedelta(days=2)
    assert due[1][1] == campaign_a.closes_at - timedelta(days=7)

    # Run early (the close date moved later): the reminder waits for its new date.
    from hrdd.invitations.tasks import send_reminders

    assert send_reminders.call(campaign_id=campaign_a.pk, key="7d") is None
    assert not ReminderRun.objects.exists()


def test_no_links_or_reminders_once_the_campaign_is_closed(
    client, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    deliver(
        django_capture_on_commit_callbacks,
        lambda: invitations.campaign_invite(campaign=campaign_a),
    )
    token = token_of(smtp_running.received[0])
    campaign_a.closes_at = timezone.now() - timedelta(minutes=1)
    campaign_a.opens_at = campaign_a.closes_at - timedelta(days=10)
    campaign_a.save()

    assert client.get(f"/i/{token}/").status_code == 410
    assert invitations.reminders_send(campaign=campaign_a, key="manual-x") is None
    with pytest.raises(Exception, match="closed"):
        invitations.invitation_resend(invitation=Invitation.objects.first())


# --- What the buyer sees ------------------------------------------------------------------------


def test_confidential_buyer_sees_delivery_and_failures_but_never_who_answered(
    client, alice, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks
):
    from hrdd.notifications.testing import REFUSED

    Supplier.objects.filter(pk=suppliers[2].pk).update(email=REFUSED)
    client.force_login(alice)
    deliver(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/campaigns/{campaign_a.pk}/links/invite/"),
    )
    lan = received_by(smtp_running, "lan@hanoi-garments.example")[0]
    client.post(f"/i/{token_of(lan)}/", {"action": "start"})
    response = Response.objects.get()
    response_submit(response=response_save_draft(response=response, answers=VALID_ANSWERS))
    deliver(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/campaigns/{campaign_a.pk}/links/remind/", follow=True),
    )

    page = client.get(f"/campaigns/{campaign_a.pk}/links/").content.decode()

    assert "Bangkok Seafood" in page and REFUSED in page  # the delivery problem, by name
    assert "Failed permanently" in page
    assert "Submitted" not in page and "Started" not in page
    # One reminder went out (to Sato); it is neither counted nor listed for the buyer.
    assert OutboundEmail.objects.filter(template="reminder").count() == 1
    counts = re.findall(r"<dt>Sent</dt><dd>(\d+)</dd>", page)
    assert counts == ["2"]  # the two delivered invitations, not the reminder


def test_disclosed_buyer_sees_who_answered(
    client, alice, smtp_running, disclosed, suppliers, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    deliver(
        django_capture_on_commit_callbacks,
        lambda: client.post(f"/campaigns/{disclosed.pk}/links/invite/"),
    )
    lan = received_by(smtp_running, "lan@hanoi-garments.example")[0]
    landing = client.get(f"/i/{token_of(lan)}/").content.decode()
    assert 'value="Hanoi Garments"' in landing  # the consent form, filled from the list
    refused = client.post(f"/i/{token_of(lan)}/", {"action": "start"})
    assert refused.status_code == 422  # consent is required
    client.post(
        f"/i/{token_of(lan)}/",
        {"action": "start", "supplier_name": "Hanoi Garments", "consent": "on"},
    )

    page = client.get(f"/campaigns/{disclosed.pk}/links/").content.decode()

    assert re.search(r"Hanoi Garments.*?Started", page, re.S)
    assert page.count("Not started") == 2


def test_other_tenants_get_404_and_viewers_cannot_send(client, carol, org_a, campaign_a, suppliers):
    client.force_login(carol)
    assert client.get(f"/campaigns/{campaign_a.pk}/links/").status_code == 404
    assert client.post(f"/campaigns/{campaign_a.pk}/links/invite/").status_code == 404

    viewer = member(org_a, "vera@northwind.example", Membership.Role.VIEWER)
    client.force_login(viewer)
    assert client.get(f"/campaigns/{campaign_a.pk}/links/").status_code == 200
    assert client.post(f"/campaigns/{campaign_a.pk}/links/invite/").status_code == 403
    assert not Invitation.objects.exists()


def test_reminder_schedule_form_says_what_is_wrong(client, alice, campaign_a):
    client.force_login(alice)
    bad = client.post(f"/campaigns/{campaign_a.pk}/links/reminders/", {"days": "7, soon"})
    assert bad.status_code == 422
    assert "“soon” is not a number of days between 1 and 90." in bad.content.decode()

    client.post(f"/campaigns/{campaign_a.pk}/links/reminders/", {"days": "2, 7, 7"})
    campaign_a.refresh_from_db()
    assert campaign_a.reminder_days == [7, 2]


def test_inviting_ten_thousand_queues_with_bulk_queries_not_one_per_supplier(
    campaign_a, org_a, django_assert_max_num_queries
):
    Supplier.objects.bulk_create(
        [
            Supplier(organisation=org_a, name=f"S{i}", country="VN", email=f"s{i}@x.example")
            for i in range(10_000)
        ]
    )
    # Bulk inserts in chunks (SQLite allows 999 parameters per statement): a few hundred
    # statements on SQLite, a few dozen on PostgreSQL, never one (or more) per supplier.
    with django_assert_max_num_queries(500):
        assert invitations.campaign_invite(campaign=campaign_a) == 10_000
    assert OutboundEmail.objects.filter(campaign=campaign_a, status="queued").count() == 10_000


def test_command_line_invites_and_reminds(campaign_a, suppliers, capsys):
    from django.core.management import CommandError, call_command

    call_command("invite_suppliers", str(campaign_a.pk))
    call_command("remind_suppliers", str(campaign_a.pk))
    with pytest.raises(CommandError, match="sent today already"):
        call_command("remind_suppliers", str(campaign_a.pk))

    out = capsys.readouterr().out
    assert "3 invitation(s) queued" in out
    assert "3 reminder(s) queued" in out
    assert OutboundEmail.objects.filter(template="reminder").count() == 3
