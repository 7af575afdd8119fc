"""A buyer's "which laws apply to us": answers saved per organisation (each save kept), the
laws with their reasons, deadlines and links to the evidence, bad answers named, and who may
read or change them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from hrdd.laws import selectors
from hrdd.laws.applicability import APPLIES, CHECK
from hrdd.laws.models import ApplicabilityAnswers
from hrdd.testing.laws import saved_answers
from hrdd.testing.world import login

pytestmark = pytest.mark.django_db


def answers(**changes):
    data = {
        "incorporated_in": "GB",
        "sells_in": ["GB", "FR"],
        "imports_into": ["US"],
        "listed_in": [],
        "turnover": "50000000",
        "currency": "GBP",
        "employees": "400",
        "year_end_month": "3",
    }
    data.update(changes)
    return data


def test_the_owner_answers_and_reads_the_laws_with_reasons_and_evidence(
    library, client, alice, org_a
):
    login(client, alice)
    url = reverse("laws:applies", args=[org_a.pk])
    assert "Laws that apply or may apply" not in client.get(url).content.decode()
    response = client.post(url, answers())
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "UK Modern Slavery Act s.54" in page
    assert "Incorporated in United Kingdom." in page
    assert "Turnover GBP 50,000,000: at least GBP 36,000,000." in page
    assert "EU Forced Labour Regulation" in page and "UFLPA" in page
    assert "German Supply Chain Act" not in page and "Australia Modern Slavery Act" not in page
    assert reverse("risk:priorities", args=[org_a.pk]) in page
    assert reverse("remediation:dashboard", args=[org_a.pk]) in page
    assert reverse("grievances:index", args=[org_a.pk]) in page
    assert reverse("cycle:cycle", args=[org_a.pk]) in page
    assert reverse("campaigns:dashboard") in page
    # The form shows the answers saved.
    assert 'value="50000000"' in page


def test_the_selector_gives_levels_reasons_and_next_report(library, org_a, alice):
    assert selectors.applicable_laws(org_a) is None
    saved_answers(org_a, by=alice, year_end_month=3)
    laws = selectors.applicable_laws(org_a, today=datetime.date(2026, 12, 5))
    by_code = {item.law.law.code: item for item in laws}
    uk = by_code["uk_msa_s54"]
    assert uk.level == APPLIES
    assert uk.next_due == datetime.date(2027, 9, 30)  # six months after a March year end
    assert by_code["eu_flr"].level == APPLIES and by_code["eu_flr"].next_due is None
    assert "ungps" in by_code and "us_uflpa" not in by_code  # no imports into the US
    # Those that apply come before those to check.
    levels = [item.level for item in laws]
    assert levels == sorted(levels, key=lambda level: level == CHECK)


def test_each_save_is_kept_and_the_newest_applies(library, client, alice, org_a):
    login(client, alice)
    url = reverse("laws:applies", args=[org_a.pk])
    client.post(url, answers())
    client.post(
        url, answers(incorporated_in="AU", sells_in=["AU"], turnover="150000000", currency="AUD")
    )
    assert ApplicabilityAnswers.objects.filter(organisation=org_a).count() == 2
    codes = {item.law.law.code for item in selectors.applicable_laws(org_a)}
    assert "au_msa" in codes and "uk_msa_s54" not in codes
    assert client.get(url).content.decode().count("Alice") >= 2


def test_bad_answers_are_named_and_nothing_is_lost(library, client, alice, org_a):
    login(client, alice)
    url = reverse("laws:applies", args=[org_a.pk])
    response = client.post(url, answers(employees="-3", sells_in=["GB", "XX"], turnover="-1"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "The number of employees cannot be negative." in page
    assert "XX is not a country we know: choose one from the list." in page
    assert "The turnover cannot be negative." in page
    assert 'value="-3"' in page  # what was typed is shown again
    response = client.post(url, answers(incorporated_in="Atlantis"))
    assert "Atlantis is not a country we know" in response.content.decode()
    assert not ApplicabilityAnswers.objects.exists()


def test_the_service_refuses_what_the_form_would(org_a):
    with pytest.raises(Exception) as refused:
        saved_answers(org_a, employees=-1, incorporated_in="QQ", turnover=Decimal(-5))
    assert set(refused.value.message_dict) == {"employees", "incorporated_in", "turnover"}


def test_a_viewer_reads_the_laws_but_cannot_change_the_answers(library, client, bob, org_a):
    saved_answers(org_a)
    login(client, bob)
    url = reverse("laws:applies", args=[org_a.pk])
    page = client.get(url).content.decode()
    assert "UK Modern Slavery Act s.54" in page
    assert "Only owners and administrators can change the answers." in page
    assert client.post(url, answers(incorporated_in="AU")).status_code == 403
    assert ApplicabilityAnswers.objects.count() == 1


def test_another_organisation_gets_404(library, client, carol, org_a):
    saved_answers(org_a)
    login(client, carol)
    url = reverse("laws:applies", args=[org_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, answers()).status_code == 404
    assert ApplicabilityAnswers.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, org_a):
    response = client.get(reverse("laws:applies", args=[org_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("laws:applies", args=[org_a.pk]), answers()).status_code == 302
    assert not ApplicabilityAnswers.objects.exists()
