"""Questionnaire definitions: the built-in file, the errors an author sees, frozen versions.

An author writes a YAML file and publishes it with `manage.py publish_questionnaire`. What they
must be able to rely on: every mistake is reported at once and located by question code and
field, an invalid file publishes nothing, and a published version never changes.
"""

import copy
import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from hrdd.questionnaires.definition import (
    CHOICE_TYPES,
    DefinitionError,
    Text,
    load_file,
    parse_definition,
)
from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion
from hrdd.questionnaires.services import BUILTIN_DIR, questionnaire_publish

BUILTIN_FILE = BUILTIN_DIR / "crisis-impact.yaml"

# Reports count answers by these codes; renaming one silently breaks every comparison.
CRISIS_QUESTION_CODES = [
    "q01_business_impact",
    "q02_operational_status",
    "q03_health_safety_measures",
    "q04_wages_paid",
    "q05_working_hours",
    "q06_freedom_to_leave",
    "q07_collective_voice",
    "q08_equal_treatment",
    "q09_health_data_privacy",
    "q10_support_needed",
    "q11_comments",
]
CODE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
# Version 2 added eight translations, not yet reviewed: they are drafts, en and ja complete.
CRISIS_LANGUAGES = ("en", "ja", "vi", "th", "id", "zh-hans", "my", "ne", "tl", "pt")
CRISIS_DRAFT_LANGUAGES = ("vi", "th", "id", "zh-hans", "my", "ne", "tl", "pt")


@pytest.fixture(scope="module")
def builtin_data() -> dict:
    return yaml.safe_load(BUILTIN_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def data(builtin_data) -> dict:
    """A fresh, valid definition to break; published under its own code and as version 1,
    so that it never collides with the built-in's published version."""
    result = copy.deepcopy(builtin_data)
    result["code"] = "test-q"
    result["version"] = 1
    return result


def first_question(data: dict) -> dict:
    return data["sections"][0]["questions"][0]


def errors_of(data: dict) -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse_definition(data, source="test.yaml")
    assert info.value.source == "test.yaml"
    return info.value.errors


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- The built-in crisis questionnaire ------------------------------------------------------


def test_builtin_file_is_valid_with_eleven_questions_in_stable_order():
    definition = parse_definition(load_file(BUILTIN_FILE), source=str(BUILTIN_FILE))

    assert definition.code == "crisis-impact"
    assert definition.version == 2
    assert [q.code for q in definition.questions] == CRISIS_QUESTION_CODES


def test_builtin_file_has_every_declared_language_for_every_text():
    definition = parse_definition(load_file(BUILTIN_FILE))
    assert definition.languages == CRISIS_LANGUAGES
    assert definition.draft_languages == CRISIS_DRAFT_LANGUAGES
    assert definition.complete_languages == ("en", "ja")

    texts = [("title", definition.title), ("description", definition.description)]
    texts += [(f"topic {code}", text) for code, text in definition.topics.items()]
    for section in definition.sections:
        texts.append((f"section {section.code}", section.title))
        for q in section.questions:
            texts.append((q.code, q.text))
            if q.help is not None:
                texts.append((f"{q.code} help", q.help))
            texts += [(f"{q.code} > {o.code}", o.text) for o in q.options]

    assert len(texts) > 60
    for where, text in texts:
        assert text is not None, where
        assert set(text.values) == set(CRISIS_LANGUAGES), where
        assert all(value.strip() for value in text.values.values()), where
        # A translation that is a copy of the English text is an untranslated text.
        for language in CRISIS_LANGUAGES[1:]:
            assert text.values[language] != text.values["en"], (where, language)


def test_builtin_codes_are_well_formed_and_unique():
    definition = parse_definition(load_file(BUILTIN_FILE))

    section_codes = [s.code for s in definition.sections]
    question_codes = [q.code for q in definition.questions]
    assert len(set(section_codes)) == len(section_codes)
    assert len(set(question_codes)) == len(question_codes)
    for q in definition.questions:
        assert CODE.match(q.code), q.code
        assert q.topic in definition.topics, q.code
        assert len(set(q.option_codes)) == len(q.option_codes), q.code
        assert all(CODE.match(code) for code in q.option_codes), q.code


def test_every_builtin_choice_question_offers_dont_know_and_prefer_not_to_say():
    definition = parse_definition(load_file(BUILTIN_FILE))
    choice_questions = [q for q in definition.questions if q.type in CHOICE_TYPES]

    assert len(choice_questions) == 10
    for q in choice_questions:
        specials = {o.special: o for o in q.options if o.special}
        assert set(specials) == {"dont_know", "prefer_not_to_say"}, q.code
        for option in specials.values():
            # No risk level, and never combined with another answer.
            assert option.risk is None, (q.code, option.code)
            assert option.exclusive, (q.code, option.code)
        ordinary = [o for o in q.options if not o.special]
        assert ordinary, q.code
        assert all(o.risk in {"none", "low", "medium", "high"} for o in ordinary), q.code


def test_builtin_questionnaire_is_published_in_a_fresh_database(db, builtin_data):
    questionnaire = Questionnaire.objects.get(code="crisis-impact")
    version = questionnaire.latest_version()

    assert str(version) == "crisis-impact v2"
    assert list(questionnaire.versions.values_list("version", flat=True)) == [2]
    assert version.definition == builtin_data
    assert version.parsed.checksum == version.checksum
    assert questionnaire.title_in("ja") == builtin_data["title"]["ja"]
    assert questionnaire.title_in("vi") == builtin_data["title"]["vi"]
    # A language the questionnaire does not have falls back to English.
    assert questionnaire.title_in("ko") == builtin_data["title"]["en"]


# --- Errors an author sees --------------------------------------------------------------------


def test_missing_japanese_text_on_one_option_names_question_option_field_and_language(data):
    del first_question(data)["options"][1]["text"]["ja"]

    errors = errors_of(data)

    assert len(errors) == 1
    assert "question 'q01_business_impact' > option 'down_10_to_29' > text" in errors[0]
    assert "ja" in errors[0].split(">")[-1]


def test_blank_text_counts_as_missing(data):
    first_question(data)["text"]["ja"] = "   "

    errors = errors_of(data)

    assert len(errors) == 1
    assert "question 'q01_business_impact' > text" in errors[0]
    assert "missing" in errors[0]
    assert "ja" in errors[0].split(">")[-1]


def test_text_in_an_undeclared_language_is_reported(data):
    first_question(data)["text"]["ko"] = "질문"

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > text" in error
    assert "ko" in error
    assert "not declared" in error


def test_missing_text_in_a_draft_language_is_not_an_error(data):
    # A draft translation may be incomplete: the supplier then sees the English text.
    del first_question(data)["options"][1]["text"]["vi"]
    del first_question(data)["text"]["vi"]

    definition = parse_definition(data, source="test.yaml")

    question = definition.question("q01_business_impact")
    assert question.text.resolve("vi") == (first_question(data)["text"]["en"], True)
    assert question.options[1].text.resolve("vi") == (
        first_question(data)["options"][1]["text"]["en"],
        True,
    )
    assert question.options[0].text.resolve("vi")[1] is False


def test_missing_text_in_a_complete_language_is_an_error_even_with_drafts(data):
    assert "ja" not in data["draft_languages"]
    del first_question(data)["text"]["ja"]

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > text" in error
    assert "missing" in error
    assert "ja" in error.split(">")[-1]


def test_unknown_topic_is_named(data):
    data["sections"][1]["questions"][0]["topic"] = "hygiene"

    [error] = errors_of(data)

    assert "question 'q03_health_safety_measures' > topic" in error
    assert "'hygiene'" in error


def test_duplicate_question_code_is_reported(data):
    data["sections"][1]["questions"][0]["code"] = "q01_business_impact"

    [error] = errors_of(data)

    assert "question 'q01_business_impact'" in error
    assert "duplicate question code" in error


def test_duplicate_option_code_is_reported(data):
    first_question(data)["options"][1]["code"] = "down_30_or_more"

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > option 'down_30_or_more'" in error
    assert "duplicate option code" in error


def test_choice_question_without_options_is_reported(data):
    del first_question(data)["options"]

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > options" in error
    assert "needs options" in error


def test_wrong_type_value_names_the_path_in_the_file(data):
    first_question(data)["type"] = "choice"

    [error] = errors_of(data)

    assert "sections 'business' > questions 'q01_business_impact' > type" in error
    assert "'choice'" in error


def test_special_option_with_a_risk_is_reported(data):
    options = first_question(data)["options"]
    dont_know = next(o for o in options if o.get("special") == "dont_know")
    dont_know["risk"] = "low"

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > option 'dont_know'" in error
    assert "risk" in error


def test_ordinary_option_without_a_risk_is_reported(data):
    del first_question(data)["options"][0]["risk"]

    [error] = errors_of(data)

    assert "question 'q01_business_impact' > option 'down_30_or_more' > risk" in error


def test_english_is_required_as_the_fallback_language(data):
    data["languages"] = ["ja"]

    errors = errors_of(data)

    assert any(e.startswith("languages:") and "'en'" in e for e in errors)


def test_every_problem_is_reported_at_once(data):
    del first_question(data)["options"][1]["text"]["ja"]
    data["sections"][1]["questions"][0]["topic"] = "hygiene"

    errors = errors_of(data)

    assert len(errors) == 2
    assert any("option 'down_10_to_29' > text" in e for e in errors)
    assert any("question 'q03_health_safety_measures' > topic" in e for e in errors)


def test_every_schema_problem_is_reported_at_once(data):
    first_question(data)["type"] = "choice"
    data["sections"][1]["questions"][0]["required"] = "yes"

    errors = errors_of(data)

    assert len(errors) == 2
    assert any("questions 'q01_business_impact' > type" in e for e in errors)
    assert any("questions 'q03_health_safety_measures' > required" in e for e in errors)


def test_error_message_starts_with_the_file_and_lists_every_problem(data):
    del first_question(data)["options"][1]["text"]["ja"]
    data["sections"][1]["questions"][0]["topic"] = "hygiene"

    with pytest.raises(DefinitionError) as info:
        parse_definition(data, source="suppliers.yaml")

    message = str(info.value)
    assert message.startswith("suppliers.yaml: ")
    assert all(error in message for error in info.value.errors)


def test_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- code: q01\n- code: q02\n", encoding="utf-8")

    with pytest.raises(DefinitionError) as info:
        load_file(path)

    assert info.value.source == str(path)
    assert info.value.errors == ["the file must contain a mapping at the top level"]


def test_invalid_yaml_syntax_is_refused_with_the_file_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: test-q\ntitle: {en: 'unclosed\n", encoding="utf-8")

    with pytest.raises(DefinitionError) as info:
        load_file(path)

    assert info.value.source == str(path)
    [error] = info.value.errors
    assert "not valid YAML" in error


def test_missing_file_is_refused_with_a_clear_error(tmp_path):
    path = tmp_path / "missing.yaml"

    with pytest.raises(DefinitionError) as info:
        load_file(path)

    [error] = info.value.errors
    assert "cannot read the file" in error


def test_json_file_is_read_like_yaml(tmp_path, builtin_data):
    import json

    path = tmp_path / "crisis.json"
    path.write_text(json.dumps(builtin_data), encoding="utf-8")

    assert parse_definition(load_file(path)).questions == parse_definition(builtin_data).questions


# --- Text fallback ------------------------------------------------------------------------------


def test_text_falls_back_to_english_and_says_so():
    text = Text({"en": "Wages", "ja": "賃金"})

    assert text.resolve("ja") == ("賃金", False)
    assert text.resolve("ja-JP") == ("賃金", False)
    assert text.resolve("en") == ("Wages", False)
    assert text.resolve("vi") == ("Wages", True)
    assert text.get("vi") == "Wages"


def test_builtin_question_with_a_missing_vietnamese_text_is_shown_in_english(data):
    # The built-in file has every Vietnamese text; a copy with one removed stands for a draft
    # translation that is not finished yet.
    wages = next(
        q for s in data["sections"] for q in s["questions"] if q["code"] == "q04_wages_paid"
    )
    del wages["text"]["vi"]
    question = parse_definition(data).question("q04_wages_paid")

    text, fallback = question.text.resolve("vi")

    assert fallback is True
    assert text == question.text.values["en"]


def test_builtin_question_in_an_undeclared_language_is_shown_in_english(builtin_data):
    question = parse_definition(builtin_data).question("q04_wages_paid")

    assert question.text.resolve("vi") == (question.text.values["vi"], False)
    assert question.text.resolve("ko") == (question.text.values["en"], True)


# --- Publishing: nothing half-loaded, versions frozen -------------------------------------------


def test_publish_stores_a_new_questionnaire_version(db, data):
    version = questionnaire_publish(data=data, source="test.yaml")

    assert str(version) == "test-q v1"
    assert version.definition == data
    assert version.questionnaire.title == data["title"]
    assert [q.code for q in version.parsed.questions] == CRISIS_QUESTION_CODES


def test_invalid_definition_publishes_nothing(db, data):
    questionnaires = Questionnaire.objects.count()
    versions = QuestionnaireVersion.objects.count()
    del first_question(data)["options"][1]["text"]["ja"]

    with pytest.raises(DefinitionError):
        questionnaire_publish(data=data, source="test.yaml")

    assert Questionnaire.objects.count() == questionnaires
    assert QuestionnaireVersion.objects.count() == versions
    assert not Questionnaire.objects.filter(code="test-q").exists()


def test_publishing_identical_content_again_returns_the_same_version(db, data):
    first = questionnaire_publish(data=data, source="test.yaml")

    again = questionnaire_publish(data=copy.deepcopy(data), source="test.yaml")

    assert again.pk == first.pk
    assert QuestionnaireVersion.objects.filter(questionnaire__code="test-q").count() == 1


def test_the_same_content_spelt_differently_is_the_same_version(db, data):
    # As after an export to XLSForm and back: defaults written out, the "text" alias renamed.
    first = questionnaire_publish(data=data, source="test.yaml")
    spelt = copy.deepcopy(data)
    comments = spelt["sections"][-1]["questions"][-1]
    assert comments["type"] == "text" and comments["required"] is False
    comments["type"] = "long_text"  # what "text" stands for
    del comments["required"]  # false is the default

    again = questionnaire_publish(data=spelt, source="test.yaml")

    assert again.pk == first.pk
    assert again.definition == data  # the stored file is the first one


def test_publishing_changed_content_under_the_same_version_is_refused(db, data):
    questionnaire_publish(data=data, source="test.yaml")
    changed = copy.deepcopy(data)
    changed["title"]["en"] = "Crisis impact, revised"
    first_question(changed)["text"]["en"] = "How did your orders change?"

    with pytest.raises(DefinitionError) as info:
        questionnaire_publish(data=changed, source="test.yaml")

    [error] = info.value.errors
    assert "already published" in error
    stored = QuestionnaireVersion.objects.get(questionnaire__code="test-q")
    assert stored.definition == data
    # The refused upload left nothing behind, not even its new title.
    assert Questionnaire.objects.get(code="test-q").title == data["title"]


def test_changed_content_is_published_as_a_new_version(db, data):
    questionnaire_publish(data=data, source="test.yaml")
    changed = copy.deepcopy(data)
    changed["version"] = 2
    first_question(changed)["text"]["en"] = "How did your orders change?"

    version = questionnaire_publish(data=changed, source="test.yaml")

    assert str(version) == "test-q v2"
    assert version.questionnaire.latest_version() == version
    assert version.parsed.question("q01_business_impact").text.get("en") == (
        "How did your orders change?"
    )


def test_republishing_an_old_version_keeps_the_latest_title(db, data):
    # Every `migrate` republishes the built-in files (idempotently); that must not undo a
    # newer version's title.
    questionnaire_publish(data=data, source="test.yaml")
    newer = copy.deepcopy(data)
    newer["version"] = 2
    newer["title"] = {"en": "Crisis impact 2027", "ja": "危機影響アセスメント 2027"}
    questionnaire_publish(data=newer, source="test.yaml")

    questionnaire_publish(data=copy.deepcopy(data), source="test.yaml")

    assert Questionnaire.objects.get(code="test-q").title == newer["title"]


def test_stored_version_cannot_be_changed(db, crisis_version):
    changed = copy.deepcopy(crisis_version.definition)
    first_question(changed)["text"]["en"] = "Edited after publication"
    crisis_version.definition = changed
    crisis_version.checksum = parse_definition(changed).checksum

    with pytest.raises(ValidationError):
        crisis_version.save()

    crisis_version.refresh_from_db()
    assert first_question(crisis_version.definition)["text"]["en"] != "Edited after publication"


def test_stored_definition_cannot_be_changed_behind_an_unchanged_checksum(db, crisis_version):
    changed = copy.deepcopy(crisis_version.definition)
    first_question(changed)["text"]["en"] = "Edited after publication"
    crisis_version.definition = changed

    with pytest.raises(ValidationError):
        crisis_version.save()

    crisis_version.refresh_from_db()
    assert first_question(crisis_version.definition)["text"]["en"] != "Edited after publication"


def test_saving_an_unchanged_version_is_allowed(db, crisis_version):
    crisis_version.save()

    crisis_version.refresh_from_db()
    assert crisis_version.parsed.code == "crisis-impact"


# --- The publish_questionnaire command -----------------------------------------------------------


def test_command_publishes_a_valid_file(db, data, tmp_path):
    path = write_yaml(tmp_path / "test-q.yaml", data)
    out = StringIO()

    call_command("publish_questionnaire", str(path), stdout=out)

    assert "published test-q v1" in out.getvalue()
    version = Questionnaire.objects.get(code="test-q").latest_version()
    assert version.version == 1
    assert version.definition == data


def test_command_is_idempotent_for_the_same_file(db, data, tmp_path):
    path = write_yaml(tmp_path / "test-q.yaml", data)

    call_command("publish_questionnaire", str(path), stdout=StringIO())
    call_command("publish_questionnaire", str(path), stdout=StringIO())

    assert QuestionnaireVersion.objects.filter(questionnaire__code="test-q").count() == 1


def test_command_refuses_an_invalid_file_and_lists_every_error(db, data, tmp_path):
    del first_question(data)["options"][1]["text"]["ja"]
    data["sections"][1]["questions"][0]["topic"] = "hygiene"
    path = write_yaml(tmp_path / "test-q.yaml", data)

    with pytest.raises(CommandError) as info:
        call_command("publish_questionnaire", str(path), stdout=StringIO())

    message = str(info.value)
    assert str(path) in message
    assert "nothing was published" in message
    assert "question 'q01_business_impact' > option 'down_10_to_29' > text" in message
    assert "question 'q03_health_safety_measures' > topic" in message
    assert not Questionnaire.objects.filter(code="test-q").exists()


def test_command_publishes_nothing_when_one_of_several_files_is_invalid(db, data, tmp_path):
    good = write_yaml(tmp_path / "good.yaml", data)
    other = copy.deepcopy(data)
    other["code"] = "test-other"
    first_question(other)["topic"] = "hygiene"
    bad = write_yaml(tmp_path / "bad.yaml", other)

    with pytest.raises(CommandError) as info:
        call_command("publish_questionnaire", str(good), str(bad), stdout=StringIO())

    # The message promises that nothing was published; that must be true.
    assert "nothing was published" in str(info.value)
    assert not Questionnaire.objects.filter(code__in=["test-q", "test-other"]).exists()


def test_command_refuses_a_file_that_is_not_yaml(db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")

    with pytest.raises(CommandError) as info:
        call_command("publish_questionnaire", str(path), stdout=StringIO())

    assert "not valid YAML" in str(info.value)
    assert "nothing was published" in str(info.value)


def test_command_without_files_explains_its_usage(db):
    with pytest.raises(CommandError) as info:
        call_command("publish_questionnaire", stdout=StringIO())

    assert "--builtin" in str(info.value)


def test_command_builtin_republishes_without_duplicating(db):
    out = StringIO()

    call_command("publish_questionnaire", "--builtin", stdout=out)

    assert "published crisis-impact v2" in out.getvalue()
    assert QuestionnaireVersion.objects.filter(questionnaire__code="crisis-impact").count() == 1


def test_a_default_must_be_an_answer_the_question_accepts(data):
    question = data["sections"][0]["questions"][0]
    question["default"] = "no_such_option"

    errors = errors_of(data)

    assert any(
        e.startswith(f"question {question['code']!r} > default: 'no_such_option' is not one")
        for e in errors
    ), errors
