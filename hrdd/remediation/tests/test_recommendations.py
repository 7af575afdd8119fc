"""An impact-assessment recommendation made a finding and a plan at a supplier in one step,
linked both ways; and the public `create_finding` other apps call (grievance cases)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hrdd.impact.models import ProjectEvent
from hrdd.organisations.models import Membership
from hrdd.remediation import services
from hrdd.remediation.models import Finding
from hrdd.suppliers.services import site_create
from hrdd.testing.world import (
    impact_finding,
    impact_project,
    impact_recommendation,
    member,
    received_by,
    supplier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lan(org_a):
    return supplier(org_a, "Hanoi Garments", country="VN", language="ja")


@pytest.fixture
def recommendation(org_a, alice, lan):
    mill = site_create(supplier=lan, name="Mill 2", country="VN")
    project = impact_project(org_a, alice, sites=[mill])
    passports = impact_finding(project, alice, "Passports held by the employer")
    return impact_recommendation(project, alice, finding=passports)


def test_a_recommendation_becomes_a_finding_and_a_plan_linked_both_ways(
    client, org_a, alice, lan, recommendation
):
    client.force_login(alice)
    url = reverse("remediation:from_recommendation", args=[org_a.pk, recommendation.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Return the passports" in page.content.decode()
    mill = recommendation.project.sites.get()
    response = client.post(
        url, {"supplier": lan.pk, "site": mill.pk, "topic": "forced_labour", "severity": "priority"}
    )
    finding = Finding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("remediation:detail", args=[org_a.pk, finding.pk])
    assert finding.source == "impact" and finding.recommendation == recommendation
    assert finding.site == mill and finding.status == Finding.Status.REQUESTED
    assert "Passports held by the employer" in finding.evidence
    assert finding.cap.due_on == timezone.localdate() + timezone.timedelta(days=7)
    # The supplier got its link; the project records the hand-over and links to the plan.
    assert len(finding.cap.tokens.all()) == 1
    assert ProjectEvent.objects.filter(
        project=recommendation.project, action="recommendation_to_cap"
    ).exists()
    detail = client.get(reverse("remediation:detail", args=[org_a.pk, finding.pk])).content
    assert recommendation.project.title in detail.decode()
    project_page = client.get(
        reverse("impact:detail", args=[org_a.pk, recommendation.project.pk])
    ).content.decode()
    assert reverse("remediation:detail", args=[org_a.pk, finding.pk]) in project_page
    # A second time: back to the plan it already has, nothing new.
    again = client.post(url, {"supplier": lan.pk, "topic": "other", "severity": "minor"})
    assert again["Location"] == reverse("remediation:detail", args=[org_a.pk, finding.pk])
    assert Finding.objects.count() == 1


def test_the_supplier_must_be_the_buyers_and_the_form_says_so(
    client, org_a, org_b, alice, recommendation
):
    other = supplier(org_b, "Osaka Metals")
    client.force_login(alice)
    url = reverse("remediation:from_recommendation", args=[org_a.pk, recommendation.pk])
    response = client.post(
        url, {"supplier": other.pk, "topic": "forced_labour", "severity": "major"}
    )
    assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
    assert not Finding.objects.exists()


def test_only_the_buyers_editors_make_a_plan_from_a_recommendation(
    client, org_a, bob, carol, lan, recommendation
):
    url = reverse("remediation:from_recommendation", args=[org_a.pk, recommendation.pk])
    post = {"supplier": lan.pk, "topic": "forced_labour", "severity": "major"}
    assert client.get(url).status_code == 302  # to the login page
    analyst = member(org_a, "ann@northwind.example", Membership.Role.ANALYST)
    for reader in (bob, analyst):
        client.force_login(reader)
        assert client.post(url, post).status_code == 403
    client.force_login(carol)
    assert client.get(url).status_code == 404
    assert client.post(url, post).status_code == 404
    carol_url = reverse(
        "remediation:from_recommendation",
        args=[carol.memberships.get().organisation_id, recommendation.pk],
    )
    assert client.get(carol_url).status_code == 404  # not a recommendation of hers
    assert not Finding.objects.exists()


def test_create_finding_takes_a_grievance_case_by_reference(org_a, lan, smtp_running):
    finding = services.create_finding(
        organisation=org_a,
        supplier=lan,
        source="grievance",
        reference="GRV-2026-0042",
        topic="wages_hours",
        severity="major",
        title="Unpaid overtime",
        evidence="Reported through the grievance channel; confirmed by payroll records.",
        observed_on=timezone.localdate(),
        by=None,
    )
    assert finding.source == "grievance" and finding.reference == "GRV-2026-0042"
    assert finding.timeline.get().note == "GRV-2026-0042"
    with pytest.raises(ValidationError) as refused:
        services.create_finding(
            organisation=org_a, supplier=lan, source="grievance", topic="wages_hours",
            severity="major", title="Unpaid overtime", evidence="Reported.",
            observed_on=timezone.localdate(), by=None,
        )  # fmt: skip
    assert "reference" in refused.value.message_dict
    # The buyer's own form offers neither source.
    for source in ("grievance", "impact"):
        with pytest.raises(ValidationError) as refused:
            services.finding_create(
                organisation=org_a, supplier=lan, source=source, topic="wages_hours",
                severity="major", title="Unpaid overtime", evidence="Reported.",
                observed_on=timezone.localdate(), by=None,
            )  # fmt: skip
        assert "source" in refused.value.message_dict
    assert not received_by(smtp_running, lan.email)
