"""Which laws apply: each shipped law at the edges of its thresholds (just under, at, just
over), the places that count, conversions near a threshold, and report due dates."""

import datetime

import pytest

from hrdd.laws.applicability import APPLIES, CHECK, next_due, validate_rules
from hrdd.testing.laws import applies, profile


def level(code, facts):
    result = applies(code, facts)
    return result.level if result else None


# --- UK Modern Slavery Act s.54: at least GBP 36m, carrying on business in the UK ---


@pytest.mark.parametrize(
    ("turnover", "expected"), [(35_999_999, None), (36_000_000, APPLIES), (36_000_001, APPLIES)]
)
def test_uk_threshold_is_at_least_36_million_pounds(turnover, expected):
    assert level("uk_msa_s54", profile("GB", turnover=turnover, currency="GBP")) == expected


def test_uk_selling_from_abroad_is_to_check_and_says_why():
    result = applies("uk_msa_s54", profile("JP", sells=["GB"], turnover=40_000_000, currency="GBP"))
    assert result.level == CHECK
    assert result.reasons[0] == "Sells in United Kingdom."
    assert "Turnover GBP 40,000,000: at least GBP 36,000,000." in result.reasons
    assert any("carry on a business" in reason for reason in result.reasons)


def test_uk_does_not_apply_with_no_presence_in_the_uk():
    assert level("uk_msa_s54", profile("FR", sells=["DE"], turnover=10**9)) is None


def test_a_converted_turnover_near_the_threshold_is_to_check():
    # EUR 41.4m is about GBP 36.0m at 0.87: too close to call with approximate rates.
    result = applies("uk_msa_s54", profile("GB", turnover=41_400_000, currency="EUR"))
    assert result.level == CHECK
    assert any("close to the threshold" in reason for reason in result.reasons)
    # Well above or below after conversion, the answer is plain.
    assert level("uk_msa_s54", profile("GB", turnover=60_000_000, currency="EUR")) == APPLIES
    assert level("uk_msa_s54", profile("GB", turnover=30_000_000, currency="EUR")) is None


# --- Australia: at least AUD 100m ---


@pytest.mark.parametrize(("turnover", "expected"), [(99_999_999, None), (100_000_000, APPLIES)])
def test_australia_threshold(turnover, expected):
    assert level("au_msa", profile("AU", turnover=turnover, currency="AUD")) == expected


def test_australia_selling_there_is_to_check():
    facts = profile("JP", sells=["AU"], turnover=200_000_000, currency="AUD")
    assert level("au_msa", facts) == CHECK


# --- Canada S-211: listed, or two of three size tests ---


def test_canada_listed_entity_applies_whatever_its_size():
    result = applies("ca_s211", profile("US", listed=["CA"], employees=3))
    assert result.level == APPLIES
    assert result.reasons[0] == "Listed on a stock exchange in Canada."


@pytest.mark.parametrize(
    ("turnover", "employees", "expected"),
    [
        (40_000_000, 250, APPLIES),  # both tests met at the edge
        (39_999_999, 250, CHECK),  # one: depends on assets
        (40_000_000, 249, CHECK),
        (39_999_999, 249, None),  # none
    ],
)
def test_canada_size_tests(turnover, employees, expected):
    facts = profile("CA", turnover=turnover, currency="CAD", employees=employees)
    assert level("ca_s211", facts) == expected


def test_canada_importer_counts_and_one_test_says_to_check_assets():
    facts = profile("JP", imports=["CA"], turnover=10**6, currency="CAD", employees=300)
    result = applies("ca_s211", facts)
    assert result.level == CHECK
    assert "Imports into Canada." in result.reasons
    assert any("CAD 20 million" in reason for reason in result.reasons)


# --- Germany LkSG: at least 1,000 employees in Germany ---


@pytest.mark.parametrize(("employees", "expected"), [(999, None), (1000, CHECK)])
def test_lksg_threshold(employees, expected):
    assert level("de_lksg", profile("DE", employees=employees)) == expected


def test_lksg_says_the_count_is_employees_in_germany():
    result = applies("de_lksg", profile("DE", employees=5000))
    assert any("work in Germany" in reason for reason in result.reasons)


# --- France duty of vigilance: 5,000 / 10,000 ---


@pytest.mark.parametrize(
    ("employees", "expected"), [(4999, None), (5000, CHECK), (9999, CHECK), (10000, APPLIES)]
)
def test_france_thresholds(employees, expected):
    assert level("fr_devoir_vigilance", profile("FR", employees=employees)) == expected


def test_france_needs_a_company_established_in_france():
    assert level("fr_devoir_vigilance", profile("DE", sells=["FR"], employees=50000)) is None


# --- EU CSDDD: more than 1,000 and EUR 450m as adopted; 5,000 and EUR 1.5bn after Omnibus I ---


@pytest.mark.parametrize(
    ("employees", "turnover", "expected"),
    [
        (1000, 450_000_001, None),  # "more than": 1,000 is not enough
        (1001, 450_000_000, None),
        (1001, 450_000_001, CHECK),
        (5000, 1_500_000_001, CHECK),
        (5001, 1_500_000_000, CHECK),
        (5001, 1_500_000_001, APPLIES),
    ],
)
def test_csddd_thresholds(employees, turnover, expected):
    assert level("eu_csddd", profile("NL", employees=employees, turnover=turnover)) == expected


def test_csddd_for_a_company_formed_outside_the_eu_counts_eu_turnover():
    result = applies("eu_csddd", profile("JP", sells=["FR"], turnover=2_000_000_000, employees=9))
    assert result.level == CHECK
    assert any("generated in the EU" in reason for reason in result.reasons)
    assert level("eu_csddd", profile("JP", sells=["FR"], turnover=450_000_000)) is None


# --- EU Forced Labour Regulation: every operator on the EU market ---


@pytest.mark.parametrize(
    "facts",
    [profile("JP", sells=["IT"]), profile("JP", imports=["PL"]), profile("SE")],
)
def test_eu_flr_applies_to_any_size_on_the_eu_market(facts):
    assert level("eu_flr", facts) == APPLIES


def test_eu_flr_does_not_apply_outside_the_eu():
    assert level("eu_flr", profile("JP", sells=["GB", "NO", "CH"])) is None


# --- US import bans and California ---


@pytest.mark.parametrize("code", ["us_tariff_act_307", "us_uflpa"])
def test_us_import_bans(code):
    assert level(code, profile("JP", imports=["US"])) == APPLIES
    assert level(code, profile("JP", sells=["US"])) == CHECK
    assert level(code, profile("JP", sells=["CA"], imports=["CA"])) is None


@pytest.mark.parametrize(("turnover", "expected"), [(100_000_000, None), (100_000_001, CHECK)])
def test_california_is_more_than_100_million_dollars(turnover, expected):
    facts = profile("JP", sells=["US"], turnover=turnover, currency="USD")
    assert level("us_ca_tisca", facts) == expected


# --- Norway: more than two of three ---


@pytest.mark.parametrize(
    ("turnover", "employees", "expected"),
    [
        (70_000_001, 51, APPLIES),
        (70_000_000, 51, CHECK),
        (70_000_001, 50, CHECK),
        (70_000_000, 50, None),
    ],
)
def test_norway_size_tests(turnover, employees, expected):
    facts = profile("NO", turnover=turnover, currency="NOK", employees=employees)
    assert level("no_transparency_act", facts) == expected


# --- Japan's guidelines and the international standards ---


def test_japan_guidelines_apply_to_any_enterprise_doing_business_in_japan():
    assert level("jp_hr_guidelines", profile("JP", employees=1)) == APPLIES
    assert level("jp_hr_guidelines", profile("VN", sells=["JP"])) == APPLIES
    assert level("jp_hr_guidelines", profile("VN", sells=["TH"])) is None


@pytest.mark.parametrize(
    "code", ["ungps", "oecd_mne_guidelines", "oecd_dd_guidance", "ilo_core_conventions"]
)
def test_international_standards_apply_to_everyone(code):
    assert level(code, profile("KE")) == APPLIES


# --- dates and rules ---


def test_next_report_due_months_after_the_year_end():
    six = {"months_after_year_end": 6}
    assert next_due(six, 12, datetime.date(2026, 6, 30)) == datetime.date(2026, 6, 30)
    assert next_due(six, 12, datetime.date(2026, 7, 1)) == datetime.date(2027, 6, 30)
    # Year ending in March: due at the end of September.
    assert next_due(six, 3, datetime.date(2026, 12, 5)) == datetime.date(2027, 9, 30)
    assert next_due({"months_after_year_end": 4}, 8, datetime.date(2026, 12, 5)) == datetime.date(
        2026, 12, 31
    )


def test_next_report_due_on_a_fixed_day():
    may = {"every_year": "05-31"}
    assert next_due(may, 12, datetime.date(2026, 5, 31)) == datetime.date(2026, 5, 31)
    assert next_due(may, 12, datetime.date(2026, 6, 1)) == datetime.date(2027, 5, 31)
    assert next_due({}, 12, datetime.date(2026, 6, 1)) is None


def test_bad_rules_are_named():
    errors = validate_rules([{"level": "maybe", "presence": ["lives"], "places": ["XX"]}])
    assert "Rule 1: the level must be applies or check." in errors
    assert any("presence must list" in e for e in errors)
    assert any("unknown: XX" in e for e in errors)
    assert validate_rules([]) == ["The rules must be a list with at least one rule."]
