"""The two built-in assessments beyond the crisis one: forced labour and trafficking risk (the
ILO's 11 indicators) and responsible recruitment of migrant workers (the Dhaka Principles).

A buyer reads their reports by indicator or principle: one never asked about is a blind spot
that looks like a clean result. Each file cites where its questions come from, and, like the
crisis file, lets a supplier say "don't know" or "prefer not to say" to every choice question.
"""

import pytest

from hrdd.questionnaires.definition import CHOICE_TYPES, load_file, parse_definition
from hrdd.questionnaires.services import BUILTIN_DIR

# The indicator_id and indicator_name columns of shared/data/ilo_forced_labour_indicators.csv
# (ILO SAP-FL, "ILO Indicators of Forced Labour", 2012). The project keeps no copy of the file.
ILO_INDICATORS = {
    "abuse_of_vulnerability": "Abuse of vulnerability",
    "deception": "Deception",
    "restriction_of_movement": "Restriction of movement",
    "isolation": "Isolation",
    "physical_and_sexual_violence": "Physical and sexual violence",
    "intimidation_and_threats": "Intimidation and threats",
    "retention_of_identity_documents": "Retention of identity documents",
    "withholding_of_wages": "Withholding of wages",
    "debt_bondage": "Debt bondage",
    "abusive_working_and_living_conditions": "Abusive working and living conditions",
    "excessive_overtime": "Excessive overtime",
}
ILO_SOURCE_URL = (
    "https://www.ilo.org/wcmsp5/groups/public/---ed_norm/---declaration/documents/"
    "publication/wcms_203832.pdf"
)

# The id and name columns of shared/data/dhaka_principles.csv (IHRB, 2012): two core
# principles (A, B) and ten principles (1-10). The questionnaire writes them as dhaka_<id>.
DHAKA_PRINCIPLES = {
    "A": "All workers are treated equally and without discrimination",
    "B": "All workers enjoy the protection of employment law",
    "1": "No fees are charged to workers",
    "2": "All worker contracts are clear and transparent",
    "3": "Policies and procedures are inclusive",
    "4": "No workers' passports or identity documents are retained",
    "5": "Wages are paid regularly, directly and on time",
    "6": "The right to worker representation is respected",
    "7": "Working conditions are safe and decent",
    "8": "Living conditions are safe and decent",
    "9": "Access to remedy is provided",
    "10": "Freedom to change employment is respected, and safe, timely return is guaranteed",
}
DHAKA_SOURCE_URL = "https://www.ihrb.org/dhaka-principles"

ASSESSMENTS = {
    "forced-labour": (ILO_INDICATORS, ILO_SOURCE_URL),
    "migrant-workers": (
        {f"dhaka_{pid.lower()}": name for pid, name in DHAKA_PRINCIPLES.items()},
        DHAKA_SOURCE_URL,
    ),
}


def builtin(code: str):
    path = BUILTIN_DIR / f"{code}.yaml"
    return parse_definition(load_file(path), source=str(path))


def option_mappings(definition) -> dict[str, list[str]]:
    """Indicator -> the "question:option" answers that signal it."""
    found: dict[str, list[str]] = {}
    for question in definition.questions:
        for option in question.options:
            for indicator in option.indicators:
                found.setdefault(indicator, []).append(f"{question.code}:{option.code}")
    return found


@pytest.mark.parametrize("code", ASSESSMENTS)
def test_every_indicator_of_the_framework_is_signalled_by_some_answer_option(code):
    definition = builtin(code)
    expected, _source = ASSESSMENTS[code]

    mappings = option_mappings(definition)

    missing = sorted(set(expected) - set(mappings))
    assert not missing, f"{code}: no answer option signals {missing}"
    # Nothing outside the framework, and each named as the framework names it.
    assert set(definition.indicators) == set(expected)
    for indicator, name in expected.items():
        assert definition.indicators[indicator].get("en") == name, indicator


@pytest.mark.parametrize("code", ASSESSMENTS)
def test_the_file_cites_its_sources_starting_with_the_framework(code):
    definition = builtin(code)
    _expected, framework_url = ASSESSMENTS[code]

    assert definition.indicator_framework is not None
    assert len(definition.sources) >= 2
    for source in definition.sources:
        assert source.get("title", "").strip(), source
        assert source.get("publisher", "").strip(), source
        assert isinstance(source.get("year"), int), source
    assert framework_url in [s.get("url") for s in definition.sources]


@pytest.mark.parametrize("code", ASSESSMENTS)
def test_every_choice_question_offers_dont_know_and_prefer_not_to_say(code):
    # As in the crisis file (test_definition.py): a supplier is never forced to guess, and a
    # special answer is never read as a risk level nor combined with another answer.
    definition = builtin(code)
    choice_questions = [q for q in definition.questions if q.type in CHOICE_TYPES]

    assert len(choice_questions) >= 15
    for q in choice_questions:
        specials = {o.special: o for o in q.options if o.special}
        assert set(specials) == {"dont_know", "prefer_not_to_say"}, q.code
        for option in specials.values():
            assert option.risk is None, (q.code, option.code)
            assert option.exclusive, (q.code, option.code)
            assert not option.indicators, (q.code, option.code)
        ordinary = [o for o in q.options if not o.special]
        assert ordinary, q.code
        assert all(o.risk in {"none", "low", "medium", "high"} for o in ordinary), q.code


@pytest.mark.parametrize("code", ASSESSMENTS)
def test_an_answer_that_signals_an_indicator_is_never_rated_no_risk(code):
    definition = builtin(code)
    for q in definition.questions:
        for option in q.options:
            if option.indicators:
                assert option.risk in {"low", "medium", "high"}, (q.code, option.code)
