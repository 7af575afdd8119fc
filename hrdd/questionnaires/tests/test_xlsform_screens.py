"""XLSForm through the operator's screen and the commands: what an operator does with a form
made in KoboToolbox or ODK, and with a version they want to edit there.

The mapping itself is tested in test_xlsform.py; here, the ways in and out: the upload on the
Questionnaires page, the XLSForm download of a version, `import_xlsform` and
`export_questionnaire --format xlsform`. A refused file must say which row is wrong on the
page the operator is looking at, and leave nothing behind.
"""

import io

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from hrdd.questionnaires.definition import parse_definition
from hrdd.questionnaires.models import Questionnaire, QuestionnaireDraft, QuestionnaireVersion
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.questionnaires.xlsform import xlsform_to_definition
from hrdd.testing.world import PASSWORD
from hrdd.testing.xlsform import (
    CHOICES,
    KOBO_CHOICES,
    KOBO_SETTINGS,
    KOBO_SURVEY,
    SETTINGS,
    survey_with,
    workbook,
)

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def kobo() -> bytes:
    return workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)


@pytest.fixture
def with_geopoint() -> bytes:
    """A form that asks for a location (row 5), which the platform cannot represent."""
    return workbook(survey_with(["geopoint", "site", "Where is the site?"]), CHOICES, SETTINGS)


def upload(client, name: str, content: bytes):
    return client.post(reverse("questionnaires:list"), {"file": SimpleUploadedFile(name, content)})


# --- The operator's screens -----------------------------------------------------------------


def test_uploading_an_xlsform_creates_a_draft_to_check_and_publish(operator, kobo):
    page = upload(operator, "worker-survey.xlsx", kobo)

    draft = QuestionnaireDraft.objects.get()
    assert page.status_code == 302
    assert page["Location"] == reverse("questionnaires:draft", args=[draft.pk])
    assert draft.note == "worker-survey.xlsx"
    text = operator.get(page["Location"]).content.decode()
    assert "Valid: worker_survey-2024 version 1, 6 questions." in text
    # The draft is the mapped definition, as YAML the operator can edit.
    definition = parse_definition(yaml.safe_load(draft.source))
    assert definition.question("age").show_if == {"question": "consent", "equals": "yes"}
    assert definition.question("wage").required_if == {"question": "age", "gt": 17}
    assert not Questionnaire.objects.filter(code="worker_survey-2024").exists()  # not yet

    operator.post(page["Location"], {"source": draft.source, "action": "publish"})
    version = QuestionnaireVersion.objects.get(questionnaire__code="worker_survey-2024")
    assert version.parsed == definition


def test_an_xlsform_with_an_unsupported_feature_is_refused_on_the_page_by_row(
    operator, with_geopoint
):
    page = upload(operator, "sites.xlsx", with_geopoint)

    assert page.status_code == 422
    text = page.content.decode()
    refused = "survey row 5 (name &#x27;site&#x27;): type &#x27;geopoint&#x27; is not supported"
    assert refused in text
    assert not QuestionnaireDraft.objects.exists()


def test_every_refused_row_is_listed_on_the_page(operator):
    content = workbook(
        survey_with(["geopoint", "total", "Total"], ["image", "kids", "Children"]),
        CHOICES,
        SETTINGS,
    )

    text = upload(operator, "many.xlsx", content).content.decode()

    assert "survey row 5 (name &#x27;total&#x27;)" in text
    assert "survey row 6 (name &#x27;kids&#x27;)" in text
    assert not QuestionnaireDraft.objects.exists()


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(operator):
    page = upload(operator, "form.xlsx", b"type,name\ntext,q1\n")

    assert page.status_code == 422
    assert "the file is not an .xlsx" in page.content.decode()
    assert not QuestionnaireDraft.objects.exists()


def test_xlsform_download_of_a_version_imports_back_to_the_same_questionnaire(operator, crisis):
    download = operator.get(reverse("questionnaires:export", args=[crisis.pk, "xlsform"]))

    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == (
        f'attachment; filename="crisis-impact-v{crisis.version}-xlsform.xlsx"'
    )
    assert parse_definition(xlsform_to_definition(download.content)) == crisis.parsed


def test_buyers_can_neither_upload_nor_download_xlsforms(client, alice, crisis, kobo):
    assert client.login(email=alice.email, password=PASSWORD)

    assert upload(client, "worker-survey.xlsx", kobo).status_code == 404
    export = client.get(reverse("questionnaires:export", args=[crisis.pk, "xlsform"]))
    assert export.status_code == 404
    assert not QuestionnaireDraft.objects.exists()


# --- The commands -----------------------------------------------------------------------------


def test_import_xlsform_makes_a_draft_and_publishes_nothing(tmp_path, kobo):
    path = tmp_path / "worker-survey.xlsx"
    path.write_bytes(kobo)
    out = io.StringIO()

    call_command("import_xlsform", str(path), stdout=out)

    draft = QuestionnaireDraft.objects.get()
    assert out.getvalue() == (
        f"draft {draft.pk}: worker_survey-2024 v1, 6 questions, languages en\n"
    )
    assert draft.published_version is None
    assert not Questionnaire.objects.filter(code="worker_survey-2024").exists()


def test_import_xlsform_with_publish_publishes_the_draft(tmp_path, kobo):
    path = tmp_path / "worker-survey.xlsx"
    path.write_bytes(kobo)
    out = io.StringIO()

    call_command("import_xlsform", str(path), "--publish", stdout=out)

    version = QuestionnaireVersion.objects.get(questionnaire__code="worker_survey-2024")
    assert out.getvalue().splitlines()[-1] == "published worker_survey-2024 v1"
    assert QuestionnaireDraft.objects.get().published_version == version
    assert version.parsed.question("story").type == "long_text"


def test_import_xlsform_refuses_an_unsupported_file_and_imports_nothing(tmp_path, with_geopoint):
    path = tmp_path / "sites.xlsx"
    path.write_bytes(with_geopoint)

    with pytest.raises(CommandError) as info:
        call_command("import_xlsform", str(path), "--publish", stdout=io.StringIO())

    message = str(info.value)
    assert message.startswith(f"{path}: nothing was imported:")
    assert "survey row 5 (name 'site'): type 'geopoint' is not supported" in message
    assert not QuestionnaireDraft.objects.exists()
    assert not Questionnaire.objects.filter(code="test").exists()


def test_import_xlsform_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_xlsform", str(tmp_path / "nope.xlsx"), stdout=io.StringIO())
    assert not QuestionnaireDraft.objects.exists()


def test_export_as_xlsform_then_import_with_publish_is_the_same_version(crisis, tmp_path):
    path = tmp_path / "crisis.xlsx"
    out = io.StringIO()

    call_command("export_questionnaire", "crisis-impact", format="xlsform", output=path, stdout=out)

    assert out.getvalue() == f"wrote {path} (crisis-impact v{crisis.version})\n"
    assert parse_definition(xlsform_to_definition(path.read_bytes())) == crisis.parsed
    # Unchanged content under the same version number publishes nothing new.
    result = io.StringIO()
    call_command("import_xlsform", str(path), "--publish", stdout=result)
    assert result.getvalue().splitlines()[-1] == f"published crisis-impact v{crisis.version}"
    assert QuestionnaireVersion.objects.filter(questionnaire__code="crisis-impact").count() == 1


def test_import_xlsform_with_publish_refuses_a_changed_form_under_a_published_version(
    crisis, tmp_path
):
    path = tmp_path / "crisis.xlsx"
    call_command("export_questionnaire", "crisis-impact", format="xlsform", output=path)
    book = openpyxl.load_workbook(path)
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    label = header.index("label::English (en)")
    row = next(r for r in survey.iter_rows(min_row=2) if r[1].value == "q01_business_impact")
    row[label].value = "How did your orders change?"
    book.save(path)

    with pytest.raises(CommandError) as info:
        call_command("import_xlsform", str(path), "--publish", stdout=io.StringIO())

    assert f"crisis-impact version {crisis.version} is already published" in str(info.value)
    assert not QuestionnaireDraft.objects.exists()  # nothing half-imported
    crisis.refresh_from_db()
    assert crisis.parsed.question("q01_business_impact").text.get("en").startswith("Over the")


def test_export_as_xlsform_of_an_older_version_by_number(crisis, tmp_path):
    data = dict(crisis.definition, version=crisis.version + 1)
    data["title"] = dict(data["title"], en="Crisis impact, revised")
    questionnaire_publish(data=data)
    path = tmp_path / "old.xlsx"

    call_command(
        "export_questionnaire",
        "crisis-impact",
        format="xlsform",
        version=crisis.version,
        output=path,
        stdout=io.StringIO(),
    )

    assert parse_definition(xlsform_to_definition(path.read_bytes())) == crisis.parsed


def test_export_as_xlsform_needs_an_output_file(crisis):
    with pytest.raises(CommandError, match="spreadsheet: give a file with -o"):
        call_command("export_questionnaire", "crisis-impact", format="xlsform")
