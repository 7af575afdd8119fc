"""The hostile buyer against personal links, end to end over HTTP.

The buyer is logged in and uses only its own pages (supplier list, personal links, campaign
dates); its mailbox is whatever reaches the addresses it controls on the real SMTP server.
Each test tries one route of docs/privacy.md, "Personal links and reminders": taking over a
supplier's link by changing its address, learning who answered from reminders, and answering
through the public response URL of a personal-link campaign.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hrdd.responses.models import Response
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import VALID_ANSWERS, body, deliver, received_by, token_of

pytestmark = pytest.mark.django_db

FREE_TEXT = VALID_ANSWERS["q11_comments"]
DRAFT_TEXT = "Dormitory doors are locked at night."
BUYER_DOMAIN = "buyer-a.example"


def links_url(campaign) -> str:
    return f"/campaigns/{campaign.pk}/links/"


def resend_url(buyer: Client, campaign, supplier_name: str) -> str:
    """The "Send a new link" button of one supplier, as the buyer finds it on its page."""
    page = buyer.get(links_url(campaign)).content.decode()
    found = re.search(
        r'action="(/campaigns/\d+/links/\d+/resend/)"[^>]*>\s*(?:<input[^>]*>)?\s*'
        rf'<button[^>]*>[^<]*<span class="visually-hidden"> {re.escape(supplier_name)}<',
        page,
    )
    assert found, f"no 'Send a new link' button for {supplier_name}"
    return found.group(1)


def change_address(buyer: Client, supplier: Supplier, email: str) -> None:
    """The buyer edits one supplier of its list, changing only the address."""
    supplier.refresh_from_db()
    page = buyer.post(
        f"/suppliers/{supplier.organisation_id}/{supplier.pk}/edit/",
        {
            "name": supplier.name,
            "country": str(supplier.country),
            "industry": supplier.industry,
            "size_band": supplier.size_band,
            "contact_name": supplier.contact_name,
            "email": email,
            "language": supplier.language,
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]


def set_close(buyer: Client, campaign, closes_at) -> None:
    fmt = "%Y-%m-%dT%H:%M"
    page = buyer.post(
        f"/campaigns/{campaign.pk}/dates/",
        {
            "opens_at": timezone.localtime(campaign.opens_at).strftime(fmt),
            "closes_at": timezone.localtime(closes_at).strftime(fmt),
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]


def answer_through_link(received, *, submit: bool) -> None:
    """The real supplier, in its own browser: starts, writes free text, maybe submits."""
    supplier = Client()
    token = token_of(received)
    start = supplier.post(f"/i/{token}/", {"action": "start"})
    assert start.status_code == 302
    response = Response.objects.order_by("-pk").first()
    answers = dict(VALID_ANSWERS)
    if not submit:
        answers["q11_comments"] = DRAFT_TEXT
    from hrdd.responses.services import response_save_draft, response_submit

    response = response_save_draft(response=response, answers=answers)
    if submit:
        response_submit(response=response)


def everything_a_link_opens(token: str, campaign) -> list[tuple[str, int, str]]:
    """Every supplier page a personal link's token reaches: (url, status, text)."""
    visitor = Client()
    urls = [
        f"/i/{token}/",
        f"/r/{campaign.public_slug}/a/{token}/",
        f"/r/{campaign.public_slug}/a/{token}/receipt/",
    ] + [f"/r/{campaign.public_slug}/a/{token}/p/{n}/" for n in range(2, 8)]
    seen = []
    for url in urls:
        page = visitor.get(url, follow=True)
        seen.append((url, page.status_code, page.content.decode()))
    return seen


def delivery_section(page: str) -> str:
    return re.search(r"<h2>Delivery</h2>.*?</section>", page, re.S).group(0)


def assert_opens_nothing_of(token: str, campaign) -> None:
    for url, _status, text in everything_a_link_opens(token, campaign):
        assert FREE_TEXT not in text, url
        assert DRAFT_TEXT not in text, url
    # Nothing was started or submitted behind this link: its answer pages are not found.
    status = Client().get(f"/r/{campaign.public_slug}/a/{token}/").status_code
    assert status == 404


@pytest.fixture
def buyer(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def launched(buyer, smtp_running, campaign_a, suppliers, django_capture_on_commit_callbacks):
    """The buyer sends personal links; Lan submits (with free text), Sato keeps a draft."""
    deliver(
        django_capture_on_commit_callbacks,
        lambda: buyer.post(f"{links_url(campaign_a)}invite/"),
    )
    lan, sato, _bkk = suppliers
    answer_through_link(received_by(smtp_running, lan.email)[0], submit=True)
    answer_through_link(received_by(smtp_running, sato.email)[0], submit=False)
    return campaign_a


def test_link_takeover_by_changing_the_address_opens_no_answers_no_draft_no_receipt(
    buyer,
    smtp_running,
    launched,
    suppliers,
    django_capture_on_commit_callbacks,
):
    campaign = launched
    lan, sato, _bkk = suppliers
    for supplier in (lan, sato):
        mine = f"{supplier.pk}@{BUYER_DOMAIN}"
        change_address(buyer, supplier, mine)
        deliver(
            django_capture_on_commit_callbacks,
            lambda supplier=supplier: buyer.post(resend_url(buyer, campaign, supplier.name)),
        )
        [link] = received_by(smtp_running, mine)
        assert_opens_nothing_of(token_of(link), campaign)

    # The real suppliers still hold theirs: Lan's receipt, Sato's draft.
    lan_token = token_of(received_by(smtp_running, "lan@hanoi-garments.example")[0])
    receipt = Client().get(f"/r/{campaign.public_slug}/a/{lan_token}/receipt/")
    assert FREE_TEXT in receipt.content.decode()
    sato_token = token_of(received_by(smtp_running, "sato@kansai-parts.example")[0])
    # (It continues on the page where Sato stopped.)
    resumed = Client().get(f"/r/{campaign.public_slug}/a/{sato_token}/", follow=True)
    assert resumed.status_code == 200 and 'name="revision"' in resumed.content.decode()


def test_link_takeover_after_closing_and_reopening_the_campaign(
    buyer,
    smtp_running,
    launched,
    suppliers,
    django_capture_on_commit_callbacks,
):
    campaign = launched
    lan, sato, _bkk = suppliers
    set_close(buyer, campaign, timezone.now() - timedelta(minutes=5))
    campaign.refresh_from_db()
    assert not campaign.is_open
    for supplier in (lan, sato):
        change_address(buyer, supplier, f"{supplier.pk}@{BUYER_DOMAIN}")
    set_close(buyer, campaign, timezone.now() + timedelta(days=10))
    for supplier in (lan, sato):
        mine = f"{supplier.pk}@{BUYER_DOMAIN}"
        deliver(
            django_capture_on_commit_callbacks,
            lambda supplier=supplier: buyer.post(resend_url(buyer, campaign, supplier.name)),
        )
        [link] = received_by(smtp_running, mine)
        assert_opens_nothing_of(token_of(link), campaign)


def test_reminders_to_redirected_addresses_do_not_tell_who_answered(
    buyer,
    smtp_running,
    launched,
    suppliers,
    django_capture_on_commit_callbacks,
):
    """Lan submitted, Sato has a draft, Bangkok did nothing: after the buyer points all three
    at its own mailboxes, each of them gets a reminder, and none opens anything."""
    campaign = launched
    mine = {}
    for supplier in suppliers:
        mine[supplier.name] = f"plus+{supplier.pk}@{BUYER_DOMAIN}"
        change_address(buyer, supplier, mine[supplier.name])
    # The new addresses start uninvited: the buyer sends them their first links.
    deliver(django_capture_on_commit_callbacks, lambda: buyer.post(f"{links_url(campaign)}invite/"))
    before = {name: len(received_by(smtp_running, address)) for name, address in mine.items()}
    links_page_before = buyer.get(links_url(campaign)).content.decode()

    deliver(django_capture_on_commit_callbacks, lambda: buyer.post(f"{links_url(campaign)}remind/"))

    reminded = {
        name
        for name, address in mine.items()
        if len(received_by(smtp_running, address)) > before[name]
    }
    assert reminded == set(mine)  # whoever answered or not: the same set as nobody answering
    for address in mine.values():
        reminder = received_by(smtp_running, address)[-1]
        assert_opens_nothing_of(token_of(reminder), campaign)
    # The delivery screens say nothing more after the reminders than before them.
    links_page_after = buyer.get(links_url(campaign)).content.decode()
    assert delivery_section(links_page_after) == delivery_section(links_page_before)


def test_public_url_refuses_answers_in_a_personal_link_campaign(
    buyer,
    smtp_running,
    campaign_a,
    suppliers,
    django_capture_on_commit_callbacks,
):
    # A supplier that had the response URL before the buyer switched to personal links.
    early = Client()
    started = early.post(f"/r/{campaign_a.public_slug}/", {"action": "start"})
    assert started.status_code == 302
    early_answer_url = started["Location"].split("?")[0]

    deliver(
        django_capture_on_commit_callbacks,
        lambda: buyer.post(f"{links_url(campaign_a)}invite/"),
    )
    before = Response.objects.count()

    fake = Client()
    landing = fake.get(f"/r/{campaign_a.public_slug}/")
    posted = fake.post(f"/r/{campaign_a.public_slug}/", {"action": "start"})

    assert posted.status_code == 403
    assert Response.objects.count() == before
    for page in (landing, posted):
        text = page.content.decode()
        assert "personal link" in text
        assert 'value="start"' not in text
    # The campaign page tells the buyer so.
    detail = buyer.get(f"/campaigns/{campaign_a.pk}/").content.decode()
    assert "The response URL no longer accepts new responses" in detail
    # A response started there earlier is still the supplier's to finish.
    assert early.get(early_answer_url).status_code == 200


def test_previous_address_is_told_in_its_language_and_the_change_is_audited(
    buyer,
    smtp_running,
    launched,
    suppliers,
    olivia,
    django_capture_on_commit_callbacks,
):
    campaign = launched
    sato = suppliers[1]
    deliver(
        django_capture_on_commit_callbacks,
        lambda: change_address(buyer, sato, f"sato@{BUYER_DOMAIN}"),
    )
    [link, notice] = received_by(smtp_running, "sato@kansai-parts.example")
    text = body(notice)
    assert "Acme" in text or campaign.organisation.name in text
    assert "メールアドレス" in notice.message["Subject"]  # Sato reads Japanese
    assert token_of(link) not in text  # no link travels in the notice

    for reader in (buyer, Client()):
        if reader is not buyer:
            reader.force_login(olivia)
        url = (
            f"/suppliers/{sato.organisation_id}/changes/"
            if reader is buyer
            else "/suppliers/changes/"
        )
        page = reader.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "sato@kansai-parts.example" in text
        assert f"sato@{BUYER_DOMAIN}" in text
