"""The owners' page of API keys: made, shown once, stored hashed, revoked; owners only."""

import hashlib
import re

import pytest
from django.urls import reverse

from hrdd.api.models import ApiToken
from hrdd.organisations.models import Membership
from hrdd.testing import world

pytestmark = pytest.mark.django_db


def make_key(client, org, **data):
    form = {"name": "SAP Ariba", "scopes": ["suppliers:read"], "days": "90", **data}
    return client.post(reverse("api:tokens", args=[org.pk]), form)


def test_an_owner_makes_a_key_shown_once_and_stored_only_as_a_digest(client, org_a, alice):
    world.login(client, alice)
    page = make_key(client, org_a)
    assert page.status_code == 200
    secret = re.search(r'id="new-key">([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert token.prefix == secret[:12] and token.scopes == ["suppliers:read"]
    assert token.created_by == alice
    # The next visit lists the key by its prefix, never the secret again.
    again = client.get(reverse("api:tokens", args=[org_a.pk])).content.decode()
    assert token.prefix in again and secret not in again


def test_the_form_names_what_is_wrong(client, org_a, alice):
    world.login(client, alice)
    page = make_key(client, org_a, name="", scopes=[], days="0")
    assert page.status_code == 400
    assert not ApiToken.objects.exists()
    errors = page.context["form"].errors
    assert {"name", "scopes", "days"} <= set(errors)


def test_an_owner_revokes_a_key_and_it_stops_working(client, api, org_a, alice):
    secret = world.api_key(org_a, by=alice)
    assert api(secret).get("/api/v1/suppliers/").status_code == 200
    world.login(client, alice)
    token = ApiToken.objects.get()
    got = client.post(reverse("api:token_revoke", args=[org_a.pk, token.pk]))
    assert got.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == alice
    assert api(secret).get("/api/v1/suppliers/").status_code == 401


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.VIEWER])
def test_members_who_are_not_owners_get_403(client, org_a, alice, role):
    token_id = ApiToken.objects.get(digest=_digest(world.api_key(org_a, by=alice))).pk
    user = world.member(org_a, f"{role}@northwind.example", role)
    world.login(client, user)
    assert client.get(reverse("api:tokens", args=[org_a.pk])).status_code == 403
    assert make_key(client, org_a).status_code == 403
    revoke = reverse("api:token_revoke", args=[org_a.pk, token_id])
    assert client.post(revoke).status_code == 403
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_another_buyer_gets_404_and_anonymous_goes_to_log_in(client, org_a, alice, carol):
    token_id = ApiToken.objects.get(digest=_digest(world.api_key(org_a, by=alice))).pk
    list_url = reverse("api:tokens", args=[org_a.pk])
    revoke = reverse("api:token_revoke", args=[org_a.pk, token_id])
    assert client.get(list_url).status_code == 302
    assert client.post(revoke).status_code == 302
    world.login(client, carol)
    assert client.get(list_url).status_code == 404
    assert client.post(revoke).status_code == 404
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_dashboard_links_owners_to_their_keys(client, org_a, alice, bob):
    url = reverse("api:tokens", args=[org_a.pk])
    world.login(client, alice)
    assert url in client.get(reverse("campaigns:dashboard")).content.decode()
    world.login(client, bob)
    assert url not in client.get(reverse("campaigns:dashboard")).content.decode()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
