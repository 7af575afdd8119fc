"""The inherent-risk method and pages, as a buyer and the operator see them."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from hrdd.accounts.models import User
from hrdd.reference import selectors as reference
from hrdd.reference.services import edition_load, shipped_load_all
from hrdd.risk import method
from hrdd.risk.models import PriorityRun, RiskAssessment
from hrdd.risk.services import assessment_compute
from hrdd.suppliers.models import Supplier
from hrdd.testing.world import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(db):
    shipped_load_all()
    return assessment_compute()


def cell(assessment, country, sector, topic):
    return assessment.results["cells"][country][sector][topic]


def test_a_listed_good_makes_its_sector_high_and_the_cell_explains_itself(assessment):
    # Thailand: shrimp and fish are on the TVPRA list for forced labour (Agriculture).
    result = cell(assessment, "TH", "Agriculture", method.FORCED)
    assert result["level"] == method.HIGH
    datasets = {item["dataset"] for item in result["explanation"]}
    assert {"tvpra", "wgi"} <= datasets
    listed = [i for i in result["explanation"] if i["signal"] == "tvpra_forced"]
    assert any("Shrimp" in i["value"] for i in listed)
    assert all(i["edition_id"] == assessment.edition_ids[i["dataset"]] for i in listed)


def test_no_data_is_unknown_never_low():
    empty = method.Inputs(rows={"tip": [], "wgi": []}, edition_ids={"tip": 1, "wgi": 2})
    assert method.score_topic(method.FORCED, [])["level"] == method.UNKNOWN
    assert method.assess(empty)["cells"] == {}
    # A country only on the WGI list has no child-labour signal but rule of law: the TVPRA's
    # silence about it lowers nothing.
    inputs = method.Inputs(
        rows={
            "wgi": [{"country_iso2": "NO", "rl_pctrank": "99", "va_pctrank": "", "ge_pctrank": ""}]
        },
        edition_ids={"wgi": 7},
    )
    result = method.assess(inputs)["cells"]["NO"]["Mining"]
    assert result[method.ASSOCIATION]["level"] == method.LOW  # rule of law is a signal
    assert [i["signal"] for i in result[method.CHILD]["explanation"]] == ["wgi_rl"]


def test_absence_from_the_tip_list_is_no_signal():
    inputs = method.Inputs(
        rows={"tip": [{"country_iso2": "KP", "tier": "Tier 3", "tip_report_year": "2025"}]},
        edition_ids={"tip": 3},
    )
    cells = method.assess(inputs)["cells"]
    assert set(cells) == {"KP"}  # nobody else is made "low" for not being listed
    assert cells["KP"]["Other"][method.MIGRANT]["level"] == method.HIGH
    assert cells["KP"]["Other"][method.SAFETY]["level"] == method.UNKNOWN


def test_a_newer_edition_changes_nothing_until_recomputed(client, alice, olivia, assessment):
    before = cell(assessment, "TH", "Agriculture", method.FORCED)
    tvpra_2022 = reference.current_edition("tvpra")
    edition_load(
        dataset_code="tvpra",
        content=b"country,good,sector,child_labor,forced_labor\nNorway,Salmon,Agriculture,no,yes\n",
        filename="tvpra_2030.csv",
        edition="2030",
        source="Test list",
        licence="Public domain",
    )
    client.force_login(alice)
    page = client.get(reverse("risk:heat_map")).content.decode()
    assert "Newer editions are loaded but not used by this assessment" in page
    assessment.refresh_from_db()
    assert cell(assessment, "TH", "Agriculture", method.FORCED) == before
    assert assessment.edition_ids["tvpra"] == tvpra_2022.pk
    # Only the operator can recompute; the new assessment uses the 2030 list.
    assert client.post(reverse("risk:compute")).status_code == 404
    client.force_login(olivia)
    client.post(reverse("risk:compute"))
    latest = RiskAssessment.objects.order_by("-pk").first()
    assert latest.pk != assessment.pk
    assert latest.edition_ids["tvpra"] == reference.current_edition("tvpra").pk
    assert cell(latest, "NO", "Agriculture", method.FORCED)["level"] == method.HIGH
    assert latest.results["goods"]["TH"] == {}  # Thailand has no goods on the 2030 test list


def test_the_heat_map_shows_levels_explanations_and_provenance(client, alice, assessment):
    client.force_login(alice)
    page = client.get(reverse("risk:heat_map"), {"topic": method.CHILD}).content.decode()
    assert "Child labour" in page
    assert "risk-unknown" in page or "risk-high" in page
    assert "Listed for child labour (TVPRA)" in page
    assert "Share of children working" in page
    assert "CC BY 4.0" in page and "public domain" in page  # licences on the page
    assert "edition 2022" in page


def test_unknown_is_shown_as_unknown(client, alice, db):
    edition_load(
        dataset_code="tip",
        content=b"tip_report_year,tier,country_as_published\n2025,Tier 3,Burma\n",
        filename="tip.csv",
        edition="test",
        source="Test",
        licence="Public domain",
    )
    assessment_compute()
    client.force_login(alice)
    page = client.get(reverse("risk:heat_map"), {"topic": method.SAFETY}).content.decode()
    assert "No source has data for this country, sector and topic: unknown, not low." in page
    assert ">unknown<" in page.replace("</summary>", "<")


def test_the_world_map_is_drawn_here(client, alice, assessment):
    client.force_login(alice)
    response = client.get(reverse("risk:world_map"), {"topic": method.FORCED})
    page = response.content.decode()
    assert "<svg" in page and "<path d=" in page
    assert "Thailand: high" in page
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    )


def test_outsiders_get_404(client, alice, assessment):
    stranger = User.objects.create_user(email="x@example.com", password="pw-long-enough-123")
    client.force_login(stranger)
    for name in ("risk:heat_map", "risk:world_map"):
        assert client.get(reverse(name)).status_code == 404
    client.logout()
    assert client.get(reverse("risk:heat_map")).status_code == 302


def test_the_demo_loads_the_reference_data_a_first_assessment_and_rankings(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=io.StringIO())
    assert reference.current_edition("tvpra").row_count == 467
    first = RiskAssessment.objects.get()
    run_tasks()
    ranked = PriorityRun.objects.filter(status=PriorityRun.Status.DONE)
    assert ranked.count() == 3  # one per demo buyer
    assert sum(run.supplier_count for run in ranked) == Supplier.objects.count() > 0
    call_command("demo", stdout=io.StringIO())  # twice: nothing new
    assert RiskAssessment.objects.get() == first


def test_the_pages_read_the_stored_assessment_in_a_few_queries(
    client, alice, assessment, django_assert_max_num_queries
):
    client.force_login(alice)
    for name in ("risk:heat_map", "risk:world_map"):
        client.get(reverse(name))
        with django_assert_max_num_queries(12):  # session, user, membership, assessment, editions
            assert client.get(reverse(name)).status_code == 200


def test_a_country_page_scores_each_listed_good_on_its_own(client, alice, assessment):
    client.force_login(alice)
    page = client.get(reverse("risk:country", args=["cn"])).content.decode()
    assert "Listed goods of China by risk topic" in page
    assert "Polysilicon" in page and "Listed for forced labour (TVPRA): Polysilicon" in page
    # Each good only brings its own listing: Christmas decorations are listed for forced
    # labour, not child labour, so their child-labour cell names no TVPRA listing.
    start = page.index("Christmas Decorations")
    row = page[start : page.index("</tr>", start)]
    assert "Listed for child labour (TVPRA)" not in row
    assert client.get(reverse("risk:country", args=["ZZ"])).status_code == 404
