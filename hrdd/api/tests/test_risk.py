"""Risk priorities through the API: the latest ranking's rows, in rank order, as the
priorities page shows them, and only the key's organisation's."""

import pytest
from django.urls import reverse

from hrdd.reference.services import shipped_load_all
from hrdd.risk.models import SupplierPriority
from hrdd.risk.services import assessment_compute, priorities_request
from hrdd.testing import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(org_a, django_capture_on_commit_callbacks):
    shipped_load_all()
    assessment_compute()
    world.supplier(org_a, "Xinjiang Silicon", country="CN", goods="polysilicon")
    world.supplier(org_a, "Oslo Furniture", country="NO", industry="retail")
    with django_capture_on_commit_callbacks(execute=True):
        priorities_request(organisation=org_a)
    world.run_tasks()
    return org_a


def test_the_ranking_in_rank_order_with_why(api, ranked, key_a, key_b):
    url = reverse("api:v1_priorities")
    rows = api(key_a).get(url).json()["results"]
    expected = list(
        SupplierPriority.objects.order_by("rank").values_list("supplier__name", "level")
    )
    assert [(r["supplier_name"], r["level"]) for r in rows] == expected
    assert rows[0]["supplier_name"] == "Xinjiang Silicon" and rows[0]["why"]
    assert api(key_a).get(url, {"level": rows[-1]["level"]}).json()["results"][-1] == rows[-1]
    assert api(key_b).get(url).json()["results"] == []


def test_no_ranking_yet_is_an_empty_list(api, key_a, suppliers):
    assert api(key_a).get(reverse("api:v1_priorities")).json()["results"] == []
