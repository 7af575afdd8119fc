"""Forced-labour import-ban screening: the rules on the shipped TVPRA list, and the pages."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from hrdd.reference import selectors as reference
from hrdd.reference.services import edition_load, shipped_load_all
from hrdd.reference.specs import DATA_DIR
from hrdd.risk import bans
from hrdd.risk.services import assessment_compute
from hrdd.risk.views import CSV_COLUMNS
from hrdd.suppliers.services import site_create
from hrdd.testing.world import supplier

BEFORE = date(2026, 12, 5)
AFTER = date(2028, 1, 10)


@pytest.fixture(scope="module")
def screening():
    with open(DATA_DIR / "dol_ilab_tvpra_goods_2022.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return bans.Screening(rows, edition_id=7, edition_label="2022")


def screen(screening, country, goods=(), region="", today=BEFORE):
    return screening.screen(
        bans.Place(name="Site", country=country, region=region, goods=tuple(goods)), today=today
    )


def by_rule(exposure):
    return {(f.rule.id, f.good): f for f in exposure.flags}


def test_chinese_cotton_meets_every_forced_labour_ban_and_needs_tracing(screening):
    exposure = screen(screening, "CN", ["cotton"], region="Jiangsu")
    flags = by_rule(exposure)
    assert set(flags) == {
        (bans.TARIFF_ACT_307, "cotton"),
        (bans.EU_FLR, "cotton"),
        (bans.CA_TARIFF, "cotton"),
        (bans.UFLPA, "cotton"),
    }
    tariff = flags[(bans.TARIFF_ACT_307, "cotton")]
    assert tariff.listed_good == "Cotton" and tariff.edition_id == 7
    assert tariff.law == "us_tariff_act_307"
    assert tariff.data["forced_labor"] == "yes"
    assert flags[(bans.UFLPA, "cotton")].kind == bans.TRACE
    assert "Trace that no input comes from Xinjiang" in flags[(bans.UFLPA, "cotton")].message
    assert any("Entity List" in str(e) for e in flags[(bans.UFLPA, "cotton")].evidence)


def test_polysilicon_and_the_solar_goods_made_with_it(screening):
    flags = by_rule(screen(screening, "CN", ["Polysilicon", "solar modules"]))
    assert flags[(bans.TARIFF_ACT_307, "Polysilicon")].kind == bans.LISTED
    module = flags[(bans.TARIFF_ACT_307, "solar modules")]
    assert module.kind == bans.INPUTS
    assert module.data["input"] == "Polysilicon"
    assert module.data["input_source_country"] == "China"
    assert "Polysilicon from China" in module.message
    # No region given for a Chinese place: it must be established.
    assert flags[(bans.UFLPA, "solar modules")].kind == bans.REGION_UNKNOWN
    assert "not given" in flags[(bans.UFLPA, "solar modules")].message


def test_batteries_name_their_drc_cobalt_and_meet_only_the_child_labour_ban(screening):
    flags = by_rule(screen(screening, "CN", ["Lithium-ion batteries"], region="Guangdong"))
    # DRC cobalt is listed for child labour, not forced labour: Canada's ban only.
    assert set(flags) == {(bans.CA_TARIFF, "Lithium-ion batteries")}
    flag = flags[(bans.CA_TARIFF, "Lithium-ion batteries")]
    assert flag.data["input"] == "Cobalt ore (heterogenite)"
    assert flag.data["input_source_country"] == "Congo, Democratic Republic of the"
    assert "Democratic Republic of the Congo" in flag.message
    assert flag.data["input_child_labor"] == "yes"


def test_malaysian_rubber_gloves_and_no_uflpa_outside_china(screening):
    flags = by_rule(screen(screening, "MY", ["rubber gloves"]))
    assert set(flags) == {
        (bans.TARIFF_ACT_307, "rubber gloves"),
        (bans.EU_FLR, "rubber gloves"),
        (bans.CA_TARIFF, "rubber gloves"),
    }
    assert flags[(bans.TARIFF_ACT_307, "rubber gloves")].listed_good == "Rubber Gloves"


@pytest.mark.parametrize(
    "region",
    [
        "Xinjiang",
        "XUAR",
        "xinjiang uyghur autonomous region",
        "Xinjiang Uygur Autonomous Region",
        "Sinkiang",
        "新疆",
        "新疆维吾尔自治区",
        "  XIN JIANG ",
        "Urumqi, Xinjiang",
    ],
)
def test_every_spelling_of_xinjiang_is_the_uflpa_region(screening, region):
    exposure = screen(screening, "CN", [], region=region)
    assert [(f.rule.id, f.kind) for f in exposure.flags] == [(bans.UFLPA, bans.REGION)]
    assert "presumed made with forced labour" in exposure.flags[0].message


@pytest.mark.parametrize("region", ["Jiangsu", "Guangdong", "Xuanwu", "Shanxi"])
def test_other_regions_are_not_xinjiang(region):
    assert not bans.is_xinjiang(region)


def test_a_xinjiang_site_with_listed_goods_is_presumed_not_asked_to_trace(screening):
    exposure = screen(screening, "CN", ["tomato products"], region="XUAR")
    uflpa = [f for f in exposure.flags if f.rule.id == bans.UFLPA]
    assert [f.kind for f in uflpa] == [bans.REGION]
    assert (bans.TARIFF_ACT_307, "tomato products") in by_rule(exposure)


def test_the_eu_regulation_says_when_it_applies(screening):
    before = by_rule(screen(screening, "MY", ["Palm fruit"], today=BEFORE))
    after = by_rule(screen(screening, "MY", ["Palm fruit"], today=AFTER))
    assert "Applies from 14 December 2027." in before[(bans.EU_FLR, "Palm fruit")].message
    assert "Applies since 14 December 2027." in after[(bans.EU_FLR, "Palm fruit")].message
    assert "2027" not in before[(bans.TARIFF_ACT_307, "Palm fruit")].message


def test_child_labour_alone_meets_only_canadas_ban(screening):
    flags = by_rule(screen(screening, "VN", ["Tobacco"]))
    assert set(flags) == {(bans.CA_TARIFF, "Tobacco")}


def test_unknown_goods_countries_and_places_without_goods_each_say_so(screening):
    widgets = screen(screening, "MY", ["widgets", "Rubber gloves"])
    assert [n.good for n in widgets.notes] == ["widgets"]
    assert "no listing for Malaysia" in widgets.notes[0].message
    assert not screen(screening, "XX", ["cotton"]).flags
    assert "not recognised" in screen(screening, "XX", ["cotton"]).notes[0].message
    assert "not recognised" in screen(screening, "", ["cotton"]).notes[0].message
    assert "No goods given" in screen(screening, "MY").notes[0].message
    norway = screen(screening, "NO", ["salmon"])
    assert not norway.flags and "not a clearance" in norway.notes[0].message
    china = screen(screening, "CN", ["widgets"])
    assert any("Region not given" in n.message for n in china.notes)


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def assessment(db):
    shipped_load_all()
    return assessment_compute()


@pytest.fixture
def northwind_suppliers(org_a):
    mill = supplier(org_a, "Kashgar Mill", country="CN", goods="cotton; yarn")
    site_create(supplier=mill, name="Kashgar plant", country="CN", region="Xinjiang")
    gloves = supplier(org_a, "Penang Gloves", country="MY", goods="Rubber gloves")
    quiet = supplier(org_a, "Oslo Salmon", country="NO", goods="salmon")
    return mill, gloves, quiet


@pytest.mark.django_db
def test_the_buyer_sees_its_suppliers_flags_with_disclaimer_and_sources(
    client, alice, assessment, northwind_suppliers
):
    client.force_login(alice)
    org = northwind_suppliers[0].organisation
    assert client.get(reverse("risk:bans_home")).url == reverse("risk:bans", args=[org.pk])
    page = client.get(reverse("risk:bans", args=[org.pk])).content.decode()
    assert "Kashgar Mill" in page and "Penang Gloves" in page
    assert "Oslo Salmon" not in page  # no flag
    assert "a screening aid, not legal advice" in page.lower()
    assert "UFLPA Entity List" in page
    assert "edition 2022" in page and "public domain" in page
    assert "Supply-chain human-rights laws" in page
    only_uflpa = client.get(reverse("risk:bans", args=[org.pk]), {"rule": bans.UFLPA})
    assert "Kashgar Mill" in only_uflpa.content.decode()
    assert "Penang Gloves" not in only_uflpa.content.decode()
    detail = client.get(reverse("suppliers:detail", args=[org.pk, northwind_suppliers[2].pk]))
    text = detail.content.decode()
    assert "Import-ban screening" in text and "No good of Norway is on the TVPRA list" in text
    assert "not legal advice" in text


@pytest.mark.django_db
def test_another_buyer_gets_404(client, carol, assessment, northwind_suppliers):
    client.force_login(carol)
    org = northwind_suppliers[0].organisation
    assert client.get(reverse("risk:bans", args=[org.pk])).status_code == 404
    assert client.get(reverse("risk:bans_csv", args=[org.pk])).status_code == 404
    own = client.get(reverse("risk:bans_home"), follow=True).content.decode()
    assert "Kashgar Mill" not in own


@pytest.mark.django_db
def test_the_csv_has_one_row_per_flag(client, bob, assessment, northwind_suppliers):
    client.force_login(bob)  # a viewer reads it too
    org = northwind_suppliers[0].organisation
    response = client.get(reverse("risk:bans_csv", args=[org.pk]), {"rule": bans.TARIFF_ACT_307})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r["rule"] for r in rows} == {bans.TARIFF_ACT_307}
    gloves = next(r for r in rows if r["supplier"] == "Penang Gloves")
    assert gloves["listed_good"] == "Rubber Gloves" and gloves["good_as_written"] == "Rubber gloves"
    assert gloves["dataset"] == "tvpra" and gloves["edition"] == "2022"
    assert "forced_labor=yes" in gloves["data"]
    assert gloves["law_id"] == "us_tariff_act_307"


@pytest.mark.django_db
def test_a_newer_tvpra_edition_changes_nothing_until_recomputed(
    client, alice, assessment, northwind_suppliers
):
    org = northwind_suppliers[0].organisation
    edition_load(
        dataset_code="tvpra",
        content=b"country,good,sector,child_labor,forced_labor\nNorway,Salmon,Agriculture,no,yes\n",
        filename="tvpra_2030.csv",
        edition="2030",
        source="Test list",
        licence="Public domain",
    )
    client.force_login(alice)
    page = client.get(reverse("risk:bans", args=[org.pk])).content.decode()
    assert "Penang Gloves" in page and "Oslo Salmon" not in page
    assert "Newer editions are loaded but not used" in page
    assessment_compute()
    assert reference.current_edition("tvpra").edition == "2030"
    page = client.get(reverse("risk:bans", args=[org.pk])).content.decode()
    assert "Oslo Salmon" in page and "Penang Gloves" not in page


@pytest.mark.django_db
def test_the_page_stays_a_few_queries_for_many_suppliers(
    client, alice, assessment, org_a, django_assert_max_num_queries
):
    for number in range(40):
        s = supplier(org_a, f"Maker {number}", country="CN", goods="garments")
        site_create(supplier=s, name="Plant", country="CN", region="Jiangsu")
    client.force_login(alice)
    client.get(reverse("risk:bans", args=[org_a.pk]))
    with django_assert_max_num_queries(16):
        page = client.get(reverse("risk:bans", args=[org_a.pk]))
    assert "Maker 0" in page.content.decode()
