"""Findings and their corrective action plans through the API: the buyer's own, as its
findings pages show them, with the plan's actions counted; filters checked by name."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.remediation import services as remediation
from hrdd.testing import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(suppliers, alice):
    observed = world.finding_at(suppliers[0], by=alice)
    planned = world.finding_at(
        suppliers[1], by=alice, severity="priority", topic="forced_labour", title="Passports held"
    )
    cap, _token = world.cap_opened(planned, by=alice)
    world.cap_proposed(cap)
    remediation.cap_accept(cap=cap, by=alice)
    action = cap.actions.order_by("position").first()
    remediation.action_complete(action=action, note="Unlocked, checked by the guard.")
    return observed, planned


def test_findings_with_their_plans_newest_first(api, key_a, findings):
    observed, planned = findings
    client = api(key_a)
    rows = client.get(reverse("api:v1_findings")).json()["results"]
    assert [r["id"] for r in rows] == [planned.pk, observed.pk]
    assert rows[1]["plan"] is None and rows[1]["status"] == "new"
    assert rows[0]["status"] == "accepted" and rows[0]["supplier_name"] == planned.supplier.name
    assert rows[0]["plan"]["actions"] == {"total": 2, "done": 1, "overdue": 0}

    got = client.get(reverse("api:v1_findings"), {"severity": "priority", "status": "open"})
    assert [r["id"] for r in got.json()["results"]] == [planned.pk]
    wrong = client.get(reverse("api:v1_findings"), {"severity": "urgent"})
    assert wrong.status_code == 400
    assert [e["field"] for e in wrong.json()["errors"]] == ["severity"]

    detail = client.get(reverse("api:v1_finding", args=[planned.pk])).json()
    assert detail["evidence"] == planned.evidence
    assert detail["plan"]["root_cause"] == "The key was kept by the night guard."
    assert [(a["owner"], a["status"]) for a in detail["plan"]["action_list"]] == [
        ("Ms Lan", "done"),
        ("Mr Minh", "planned"),
    ]


def test_an_overdue_action_is_counted_and_the_list_does_not_grow_queries(
    api, key_a, findings, suppliers, django_assert_max_num_queries
):
    _observed, planned = findings
    planned.cap.actions.filter(status="planned").update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    for n in range(5):
        world.finding_at(suppliers[2], title=f"Overtime {n}")
    client = api(key_a)
    with django_assert_max_num_queries(3):  # the key, its last use, the page
        rows = client.get(reverse("api:v1_findings")).json()["results"]
    assert len(rows) == 7
    assert next(r for r in rows if r["id"] == planned.pk)["plan"]["actions"]["overdue"] == 1
