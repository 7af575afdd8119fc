"""A supplier names its own suppliers through a personal link; the buyer reviews and adds
them to its list as tier-2 suppliers. Played end to end through the pages and a real SMTP
server."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.core.logging import redact
from hrdd.namings.models import SupplierNamingRequest
from hrdd.notifications.models import OutboundEmail
from hrdd.suppliers.models import Site, Supplier, SupplierChange, SupplierLink
from hrdd.suppliers.services import supplier_link_add
from hrdd.testing.world import (
    NAMING_LINK,
    ask_to_name,
    body,
    deliver,
    named,
    received_by,
    supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_visitor(client):
    """Suppliers' pages in English (Hanoi Garments writes Vietnamese), unless a test drops
    the choice to see the supplier's own language."""
    client.cookies["django_language"] = "en"


def rows(*entries: dict, count: int = 5) -> dict:
    """The supplier page's form: `entries` in rows 1, 2, ..., the other rows empty."""
    data = {"rows": str(max(count, len(entries))), "action": "send"}
    for number, entry in enumerate(entries, start=1):
        for name, value in entry.items():
            data[f"row-{number}-{name}"] = value
    return data


def answer_url(token: str) -> str:
    return reverse("namings:answer", args=[token])


def review_url(naming) -> str:
    return reverse("namings:review", args=[naming.organisation_id, naming.pk])


# --- Asking, and the e-mail ------------------------------------------------------------------


def test_asking_sends_the_supplier_a_working_link_in_its_language(
    client, alice, suppliers, smtp_running, django_capture_on_commit_callbacks
):
    kansai = suppliers[1]  # Sato writes Japanese
    client.force_login(alice)
    url = reverse("namings:ask", args=[kansai.organisation_id, kansai.pk])
    page = deliver(django_capture_on_commit_callbacks, lambda: client.post(url, follow=True))
    assert "was sent a personal link to name its own suppliers" in page.content.decode()

    [mail] = received_by(smtp_running, "sato@kansai-parts.example")
    assert "Northwind" in mail.message["Subject"]
    assert "仕入先" in mail.message["Subject"]
    text = body(mail)
    assert "Northwind" in text and "社名" in text  # visible under its name, in Japanese
    token = NAMING_LINK.search(text).group(1)
    naming = SupplierNamingRequest.objects.get()
    assert naming.token_hash != token and token not in naming.token_hash
    # The link is not kept in the outbox once sent.
    assert OutboundEmail.objects.get(to="sato@kansai-parts.example").body_text == ""

    client.logout()
    client.cookies.pop("django_language", None)
    opened = client.get(answer_url(token))
    assert opened.status_code == 200
    assert "Kansai Parts" in opened.content.decode()


def test_asking_again_replaces_the_unanswered_link(client, alice, suppliers):
    first, old = ask_to_name(suppliers[0], by=alice, token="OLD1")
    _second, new = ask_to_name(suppliers[0], by=alice, token="NEW1")
    first.refresh_from_db()
    assert first.status == SupplierNamingRequest.Status.REPLACED
    assert client.get(answer_url(old)).status_code == 410
    assert "no longer in use" in client.get(answer_url(old)).content.decode()
    assert client.get(answer_url(new)).status_code == 200


def test_readers_cannot_ask(client, bob, suppliers):
    client.force_login(bob)
    url = reverse("namings:ask", args=[suppliers[0].organisation_id, suppliers[0].pk])
    assert client.post(url).status_code == 403
    assert not SupplierNamingRequest.objects.exists()


# --- The supplier's page ---------------------------------------------------------------------


def test_the_page_is_in_the_suppliers_language_and_says_the_buyer_sees_it(client, suppliers):
    _naming, token = ask_to_name(suppliers[1])  # Japanese
    client.cookies.pop("django_language", None)
    page = client.get(answer_url(token))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'lang="ja"' in text
    assert "仕入先" in text
    assert "Northwind" in text and "Kansai Parts" in text
    assert "機密" in text  # not the confidential questionnaire
    assert page.cookies["django_language"].value == "ja"
    # The language switch is there, and English on request.
    assert 'name="language" value="en"' in text
    client.cookies["django_language"] = "en"
    english = client.get(answer_url(token)).content.decode()
    assert "Everything you enter here will be visible to Northwind" in english


def test_the_supplier_sends_its_suppliers_and_the_page_then_says_so(client, suppliers):
    naming, token = ask_to_name(suppliers[0])
    sent = client.post(
        answer_url(token),
        rows(
            {"name": "Saigon Spinning", "country": "VN", "email": "ops@spin.example"},
            {"name": "Dye House", "country": "KH", "goods": "dyes; finishing", "region": "Kandal"},
        ),
    )
    assert sent.status_code == 302
    naming.refresh_from_db()
    assert naming.status == SupplierNamingRequest.Status.TO_REVIEW
    assert [r["name"] for r in naming.named] == ["Saigon Spinning", "Dye House"]
    assert naming.named[1] == {
        "name": "Dye House",
        "country": "KH",
        "email": "",
        "goods": "dyes; finishing",
        "region": "Kandal",
    }
    after = client.get(answer_url(token))
    assert "Thank you: your list was sent" in after.content.decode()
    # A second post (another tab, a double click) changes nothing.
    client.post(answer_url(token), rows({"name": "Other", "country": "VN"}))
    naming.refresh_from_db()
    assert len(naming.named) == 2


def test_every_bad_row_is_named_and_nothing_typed_is_lost(client, suppliers):
    naming, token = ask_to_name(suppliers[0])
    page = client.post(
        answer_url(token),
        rows(
            {"name": "Good Mill", "country": "VN", "email": "a@mill.example"},
            {"name": "", "country": "VN", "goods": "cotton"},
            {"name": "No Country"},
            {"name": "Bad Mail", "country": "TH", "email": "not-an-address"},
            {"name": "Twin", "country": "VN", "email": "A@mill.example"},
        ),
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "Row 2, Company name" in text and "Enter the company&#x27;s name." in text
    assert "Row 3, Country" in text and "Choose the country where it works." in text
    assert "Row 4, Contact e-mail (optional)" in text and "Enter a valid email address." in text
    assert "Row 5, Contact e-mail (optional)" in text
    assert "The same e-mail address is already on row 1." in text
    for typed in ["Good Mill", "cotton", "No Country", "not-an-address", "Twin"]:
        assert typed in text
    naming.refresh_from_db()
    assert naming.submitted_at is None


def test_an_empty_list_is_refused_with_a_message(client, suppliers):
    _naming, token = ask_to_name(suppliers[0])
    page = client.post(answer_url(token), rows())
    assert page.status_code == 422
    assert "Enter at least one supplier" in page.content.decode()


def test_rows_are_added_and_removed_without_javascript_keeping_what_was_typed(client, suppliers):
    _naming, token = ask_to_name(suppliers[0])
    data = rows({"name": "First", "country": "VN"}, {"name": "Second", "country": "TH"})
    more = client.post(answer_url(token), {**data, "action": "more"})
    text = more.content.decode()
    assert more.status_code == 200
    assert 'name="rows" value="10"' in text
    assert "row-10-name" in text and "First" in text and "Second" in text
    assert "errors" not in text  # adding rows shows no error for the empty ones
    removed = client.post(answer_url(token), {**data, "action": "remove-1"})
    text = removed.content.decode()
    assert 'name="rows" value="4"' in text
    assert "First" not in text and 'value="Second"' in text


@pytest.mark.parametrize("token", ["NO-SUCH-LINK", "x" * 300])
def test_an_unknown_link_is_a_clear_page(client, token):
    page = client.get(answer_url(token))
    assert page.status_code == 404
    assert "This link does not work" in page.content.decode()
    assert client.post(answer_url(token), rows()).status_code == 404


def test_an_expired_link_is_a_clear_page_and_takes_nothing(client, suppliers):
    naming, token = ask_to_name(suppliers[0])
    SupplierNamingRequest.objects.filter(pk=naming.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = client.get(answer_url(token))
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    posted = client.post(answer_url(token), rows({"name": "Late", "country": "VN"}))
    assert posted.status_code == 410
    naming.refresh_from_db()
    assert naming.submitted_at is None


def test_guessing_links_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "link": {"address": "3/m"}}
    statuses = [client.post(answer_url(f"GUESS-{i}"), rows()).status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_link_is_redacted_from_logs():
    assert redact("Not Found: /n/secrettoken/") == "Not Found: /n/[redacted]/"


# --- The buyer's review ----------------------------------------------------------------------


def test_the_review_shows_matches_and_new_suppliers(client, alice, org_a, suppliers):
    known = supplier(org_a, "Saigon Spinning")  # saigon.spinning@example.com
    naming = named(
        ask_to_name(suppliers[0])[0],
        {"name": "Other Name", "country": "TH", "email": "SAIGON.SPINNING@example.com"},
        {"name": "kansai  parts", "country": "JP"},
        {"name": "Dye House", "country": "KH"},
    )
    client.force_login(alice)
    page = client.get(review_url(naming))
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("Already in your list") == 2
    assert f"Already in your list: {known.name}" in text
    assert "Already in your list: Kansai Parts" in text
    assert "<strong>New</strong>" in text
    assert 'name="email_3"' in text  # named without an address: the buyer gives one


def test_adding_creates_tier_2_suppliers_linked_to_the_asked_one(client, alice, org_a, suppliers):
    hanoi = suppliers[0]
    known = supplier(org_a, "Known Mill", country="TH")
    naming = named(
        ask_to_name(hanoi)[0],
        {
            "name": "Saigon Spinning",
            "country": "VN",
            "email": "ops@spin.example",
            "region": "Binh Duong",
        },
        {"name": "Dye House", "country": "KH", "goods": "dyes"},
        {"name": "Known Mill", "country": "TH"},
    )
    client.force_login(alice)
    missing = client.post(review_url(naming), {"add_1": "on", "add_2": "on", "add_3": "on"})
    assert missing.status_code == 422
    assert "Row 2 (Dye House): enter an e-mail address" in missing.content.decode()
    assert Supplier.objects.filter(organisation=org_a).count() == 4

    done = client.post(
        review_url(naming),
        {"add_1": "on", "add_2": "on", "add_3": "on", "email_2": "info@dye.example"},
        follow=True,
    )
    assert "2 new suppliers were added to your list." in done.content.decode()
    assert "3 suppliers are now linked as suppliers of Hanoi Garments" in done.content.decode()
    spinning = Supplier.objects.get(organisation=org_a, email="ops@spin.example")
    dye = Supplier.objects.get(organisation=org_a, email="info@dye.example")
    assert (spinning.tier, dye.tier, dye.goods, dye.language) == (2, 2, "dyes", "en")
    known.refresh_from_db()
    assert known.tier == hanoi.tier + 1 == 2
    assert set(
        SupplierLink.objects.filter(customer=hanoi).values_list("supplier_id", flat=True)
    ) == {
        spinning.pk,
        dye.pk,
        known.pk,
    }
    assert Site.objects.get(supplier=spinning).region == "Binh Duong"
    logged = set(
        SupplierChange.objects.filter(organisation=org_a).values_list(
            "supplier_name", "action", "user"
        )
    )
    assert ("Dye House", "added", alice.pk) in logged
    assert ("Known Mill", "linked", alice.pk) in logged
    naming.refresh_from_db()
    assert (naming.status, naming.added_count) == ("added", 2)
    # Adding again (a second tab) adds nothing.
    again = client.post(review_url(naming), {"add_1": "on"}, follow=True)
    assert Supplier.objects.filter(organisation=org_a).count() == 6
    assert "Add to my list" not in again.content.decode()


def test_a_loop_is_refused_naming_it_and_nothing_is_added(client, alice, org_a, suppliers):
    hanoi, kansai = suppliers[0], suppliers[1]
    supplier_link_add(supplier=hanoi, customer=kansai)  # Hanoi supplies Kansai
    naming = named(
        ask_to_name(hanoi)[0],
        {"name": "New Mill", "country": "VN", "email": "mill@new.example"},
        {"name": "Kansai Parts", "country": "JP"},  # Kansai would supply Hanoi: a loop
    )
    client.force_login(alice)
    page = client.post(review_url(naming), {"add_1": "on", "add_2": "on"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "Row 2 (Kansai Parts)" in text
    assert "This link would make a loop: Kansai Parts → Hanoi Garments → Kansai Parts" in text
    assert not Supplier.objects.filter(email="mill@new.example").exists()
    naming.refresh_from_db()
    assert naming.status == SupplierNamingRequest.Status.TO_REVIEW
    # Without the looping row it goes through.
    client.post(review_url(naming), {"add_1": "on"})
    assert Supplier.objects.get(email="mill@new.example").tier == hanoi.tier + 1


def test_dismissing_adds_nothing(client, alice, org_a, suppliers):
    naming = named(ask_to_name(suppliers[0])[0], {"name": "Mill", "country": "VN"})
    client.force_login(alice)
    client.post(reverse("namings:dismiss", args=[org_a.pk, naming.pk]))
    naming.refresh_from_db()
    assert naming.status == SupplierNamingRequest.Status.DISMISSED
    assert Supplier.objects.filter(organisation=org_a).count() == 3


def test_other_buyers_cannot_see_or_review_and_readers_cannot_add(
    client, alice, bob, carol, org_a, suppliers
):
    naming = named(
        ask_to_name(suppliers[0])[0],
        {"name": "Mill", "country": "VN", "email": "mill@example.com"},
    )
    client.force_login(carol)
    assert client.get(review_url(naming)).status_code == 404
    assert client.post(review_url(naming), {"add_1": "on"}).status_code == 404
    assert (
        "Hanoi Garments"
        not in client.get(
            reverse("namings:list", args=[carol.memberships.get().organisation_id])
        ).content.decode()
    )
    client.force_login(bob)
    assert client.get(review_url(naming)).status_code == 200
    assert client.post(review_url(naming), {"add_1": "on"}).status_code == 403
    assert Supplier.objects.filter(organisation=org_a).count() == 3


def test_the_supplier_page_and_the_list_show_the_requests(client, alice, org_a, suppliers):
    naming = named(ask_to_name(suppliers[0])[0], {"name": "Mill", "country": "VN"})
    client.force_login(alice)
    detail = client.get(reverse("suppliers:detail", args=[org_a.pk, suppliers[0].pk]))
    text = detail.content.decode()
    assert "Ask this supplier to name its suppliers" in text
    assert review_url(naming) in text
    listing = client.get(reverse("namings:list", args=[org_a.pk])).content.decode()
    assert "Answered: waiting for your review" in listing
