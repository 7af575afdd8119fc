"""Goods a buyer writes against the goods the TVPRA list names."""

import csv
from pathlib import Path

import pytest

from hrdd.risk.goods import GoodsIndex, good_key, listed_keys, sectors_for_industry

TVPRA = Path(__file__).resolve().parents[2] / "reference" / "data" / "dol_ilab_tvpra_goods_2022.csv"


@pytest.fixture(scope="module")
def index():
    with TVPRA.open(encoding="utf-8") as f:
        return GoodsIndex({row["good"] for row in csv.DictReader(f)})


@pytest.mark.parametrize(
    ("written", "listed"),
    [
        ("cotton", ["Cotton"]),
        ("  GARMENT ", ["Garments"]),
        ("bricks", ["Bricks", "Bricks (clay)"]),
        ("Chestnuts", ["Brazil Nuts/Chestnuts"]),
        ("cobalt", ["Cobalt ore (heterogenite)"]),
        ("coltan", ["Tantalum ore (coltan)"]),
        ("Strawberries", ["Strawberries"]),
        ("tomatoes", ["Tomatoes"]),
        ("polysilicon", ["Polysilicon"]),
    ],
)
def test_what_buyers_write_matches_the_listed_good(index, written, listed):
    assert index.match(written) == listed


@pytest.mark.parametrize("written", ["tinned tomatoes", "steel", "mineral", "clay", "", "ore"])
def test_nothing_fuzzier_matches(index, written):
    assert index.match(written) == []


def test_keys_ignore_case_spacing_and_plural():
    assert good_key("Rubber  Gloves") == good_key("rubber glove")
    assert good_key("Cherries") == "cherry"
    assert "tin" in listed_keys("Tin ore (cassiterite)")
    assert "cassiterite" in listed_keys("Tin ore (cassiterite)")


def test_an_unknown_industry_may_be_in_every_sector():
    assert sectors_for_industry("") == ("Agriculture", "Manufacturing", "Mining", "Other")
    assert sectors_for_industry("other") == ("Agriculture", "Manufacturing", "Mining", "Other")
    assert sectors_for_industry("agriculture") == ("Agriculture",)
