"""The supplier list through the API: pages, filters, writes through the suppliers app's
services (same rules, same change log), the bulk upsert, errors, ETags, rate limits."""

import pytest
from django.urls import reverse

from hrdd.suppliers.models import Supplier, SupplierChange
from hrdd.testing import world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/suppliers/"
BULK = "/api/v1/suppliers/bulk/"


def test_pages_follow_the_cursor_through_the_whole_list(api, org_a, key_a):
    for number in range(7):
        world.supplier(org_a, f"Mill {number}")
    client = api(key_a)
    seen, url = [], f"{LIST}?page_size=3"
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 3
        seen += [row["name"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == [f"Mill {n}" for n in range(7)]


def test_filters(api, org_a, key_a):
    world.supplier(org_a, "Hanoi Garments", reference="HN-1", tier=2)
    world.supplier(org_a, "Kansai Parts", country="JP")
    client = api(key_a)

    def names(query):
        return [row["name"] for row in client.get(LIST, query).json()["results"]]

    assert names({"country": "jp"}) == ["Kansai Parts"]
    assert names({"tier": "2"}) == ["Hanoi Garments"]
    assert names({"reference": "HN-1"}) == ["Hanoi Garments"]
    assert names({"q": "kansai"}) == ["Kansai Parts"]
    assert names({"updated_since": "2999-01-01T00:00:00Z"}) == []
    bad = client.get(LIST, {"updated_since": "yesterday", "tier": "x"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] in {"updated_since", "tier"}


def test_creating_follows_the_lists_rules_and_names_the_field(api, org_a, key_a, suppliers):
    client = api(key_a)
    taken = {"name": "Copy", "country": "VN", "email": "LAN@hanoi-garments.example"}
    got = client.post(LIST, taken, format="json")
    assert got.status_code == 400
    assert got["Content-Type"] == "application/problem+json"
    assert got.json()["errors"] == [
        {"field": "email", "detail": "A supplier with this e-mail address is already in your list."}
    ]
    good = {**taken, "email": "new@example.com", "reference": "V-9", "goods": "cotton;  yarn"}
    created = client.post(LIST, good, format="json")
    assert created.status_code == 201
    assert Supplier.objects.get(reference="V-9", organisation=org_a).goods == "cotton; yarn"


def test_a_change_is_logged_like_one_made_on_the_page(api, org_a, alice, suppliers):
    secret = world.api_key(org_a, by=alice)
    url = reverse("api:v1_supplier", args=[suppliers[0].pk])
    got = api(secret).patch(url, {"contact_name": "Ms Lan Pham"}, format="json")
    assert got.status_code == 200 and got.json()["contact_name"] == "Ms Lan Pham"
    change = SupplierChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.user) == (
        "contact_name",
        "Ms Lan",
        "Ms Lan Pham",
        alice,
    )


def test_bulk_upsert_answers_row_by_row_and_writes_the_valid_rows(api, org_a, key_a):
    world.supplier(org_a, "Hanoi Garments", reference="HN-1")
    rows = [
        {"reference": "HN-1", "name": "Hanoi Garments Ltd"},
        {"reference": "HN-1", "name": "Twice"},
        {"reference": "BD-7", "name": "Dhaka Knits", "country": "BD", "email": "d@dhaka.example"},
        {"reference": "XX-1", "name": "Nowhere", "country": "XX", "email": "not-an-address"},
        {
            "reference": "TY-1",
            "name": "Typed",
            "country": "VN",
            "email": "t@t.example",
            "tier": "2",
        },
        {"reference": "SM-1", "name": "Same", "country": "VN", "email": "d@DHAKA.example"},
    ]
    got = api(key_a).post(BULK, {"suppliers": rows}, format="json")
    assert got.status_code == 200
    body = got.json()
    assert [r["status"] for r in body["results"]] == [
        "updated",
        "invalid",
        "created",
        "invalid",
        "invalid",
        "invalid",
    ]
    assert (body["created"], body["updated"], body["invalid"]) == (1, 1, 4)
    errors = {r["row"]: {e["field"] for e in r["errors"]} for r in body["results"]}
    assert errors[1] == {"reference"}
    assert errors[3] == {"country", "email"}
    assert errors[4] == {"tier"}
    assert errors[5] == {"email"}
    names = set(Supplier.objects.filter(organisation=org_a).values_list("name", flat=True))
    assert names == {"Hanoi Garments Ltd", "Dhaka Knits"}
    # Sending the same rows again changes nothing.
    again = api(key_a).post(BULK, {"suppliers": rows[:1] + rows[2:3]}, format="json").json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "unchanged"]


def test_a_null_character_is_refused_by_field_and_the_other_rows_still_land(api, org_a, key_a):
    # PostgreSQL cannot store NUL; the row says which field holds it instead of a 500.
    rows = [
        {"reference": "NU\u0000L", "name": "Null ref", "country": "VN", "email": "n@n.example"},
        {"reference": "OK-1", "name": "Mill\u0000", "country": "VN", "email": "m@n.example"},
        {"reference": "OK-2", "name": "Clean Mill", "country": "VN", "email": "c@n.example"},
    ]
    got = api(key_a).post(BULK, {"suppliers": rows}, format="json")
    assert got.status_code == 200
    results = got.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "created"]
    assert [{e["field"] for e in r["errors"]} for r in results[:2]] == [{"reference"}, {"name"}]
    assert "null character" in results[1]["errors"][0]["detail"]
    names = list(Supplier.objects.filter(organisation=org_a).values_list("name", flat=True))
    assert names == ["Clean Mill"]


def test_a_bulk_request_that_is_not_a_list_names_the_field(api, key_a):
    got = api(key_a).post(BULK, {"suppliers": "all of them"}, format="json")
    assert got.status_code == 400
    assert got.json()["errors"] == [{"field": "suppliers", "detail": "Give a list of suppliers."}]


def test_a_read_answers_304_when_nothing_changed(api, key_a, suppliers):
    client = api(key_a)
    first = client.get(LIST)
    etag = first["ETag"]
    assert client.get(LIST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    url = reverse("api:v1_supplier", args=[suppliers[0].pk])
    client.patch(url, {"contact_name": "Someone else"}, format="json")
    changed = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_too_many_requests_answer_429_with_retry_after(api, key_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/minute"},
    }
    client = api(key_a)
    statuses = [client.get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(LIST)
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
