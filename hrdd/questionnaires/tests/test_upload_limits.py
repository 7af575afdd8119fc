"""Questionnaire uploads are bounded: YAML aliases are refused, every file has a size cap."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrdd.questionnaires.definition import DefinitionError
from hrdd.questionnaires.models import QuestionnaireDraft
from hrdd.questionnaires.services import parse_source

pytestmark = pytest.mark.django_db

# Each level refers nine times to the one before: 9**9 strings once expanded (the 409-byte
# file that took 22 s and 3.4 GB had this shape).
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)


@pytest.fixture
def operator(client, olivia):
    client.force_login(olivia)
    return client


def test_yaml_aliases_are_refused_at_once_with_the_line_named():
    assert len(BOMB.encode()) < 500
    started = time.perf_counter()
    with pytest.raises(DefinitionError) as refused:
        parse_source(BOMB)
    assert time.perf_counter() - started < 1
    message = " ".join(refused.value.errors)
    assert "aliases (*a) are not allowed" in message
    assert "line 2" in message


def test_an_uploaded_yaml_bomb_becomes_a_draft_that_says_why_it_is_invalid(operator):
    page = operator.post(
        reverse("questionnaires:list"), {"file": SimpleUploadedFile("bomb.yaml", BOMB.encode())}
    )
    draft = QuestionnaireDraft.objects.get()
    page = operator.get(reverse("questionnaires:draft", args=[draft.pk]))
    assert "aliases (*a) are not allowed in questionnaire files" in page.content.decode()


def test_a_questionnaire_file_over_the_cap_is_refused_naming_the_limit(operator, settings):
    settings.UPLOAD_MAX_BYTES_QUESTIONNAIRE = 1000
    page = operator.post(
        reverse("questionnaires:list"),
        {"file": SimpleUploadedFile("big.yaml", b"title: x\n" + b"#" * 2000)},
    )
    assert "The file is larger than the limit of 1000\xa0bytes (it has 2.0\xa0KB)." in (
        page.content.decode()
    )
    assert not QuestionnaireDraft.objects.exists()


def test_an_edited_definition_over_the_cap_is_refused_naming_the_limit(
    operator, settings, crisis_version
):
    operator.post(reverse("questionnaires:new_draft", args=[crisis_version.pk]))
    draft = QuestionnaireDraft.objects.get()
    settings.UPLOAD_MAX_BYTES_QUESTIONNAIRE = 1000
    page = operator.post(
        reverse("questionnaires:draft", args=[draft.pk]),
        {"action": "save", "source": "title: x\n" + "#" * 2000},
    )
    assert "The definition is larger than the limit of 1000\xa0bytes." in page.content.decode()
    draft.refresh_from_db()
    assert "#" * 2000 not in draft.source


def test_a_translation_file_over_the_cap_is_refused_naming_the_limit(
    operator, settings, crisis_version
):
    settings.UPLOAD_MAX_BYTES_TRANSLATIONS = 1000
    page = operator.post(
        reverse("questionnaires:import_translations", args=[crisis_version.pk]),
        {"file": SimpleUploadedFile("ja.po", b"#" * 2000)},
    )
    assert "The file is larger than the limit of 1000\xa0bytes (it has 2.0\xa0KB)." in (
        page.content.decode()
    )
