"""The operator's questionnaire screens and commands: upload, check, preview, publish,
compare, translate. Nobody else can see them."""

import io
from pathlib import Path

import openpyxl
import polib
import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hrdd.questionnaires.models import Questionnaire, QuestionnaireDraft, QuestionnaireVersion
from hrdd.questionnaires.services import BUILTIN_DIR, questionnaire_publish
from hrdd.testing.definitions import small_definition
from hrdd.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


DRAFT_NOTICE = (
    "This translation is a draft: it has not been checked by a reviewer yet. If a question is "
    "unclear, switch to English with the language buttons above."
)


def upload(client, name: str, content: bytes):
    return client.post(reverse("questionnaires:list"), {"file": SimpleUploadedFile(name, content)})


def test_only_the_operator_sees_questionnaire_screens(client, alice, crisis):
    assert client.login(email=alice.email, password=PASSWORD)
    for url in [
        reverse("questionnaires:list"),
        reverse("questionnaires:version", args=[crisis.pk]),
        reverse("questionnaires:export", args=[crisis.pk, "yaml"]),
        reverse("questionnaires:preview", args=["version", crisis.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("questionnaires:new_draft", args=[crisis.pk])).status_code == 404
    assert not QuestionnaireDraft.objects.exists()


def test_upload_check_and_publish_a_questionnaire(operator):
    page = upload(operator, "basics.yaml", yaml.safe_dump(small_definition()).encode())
    draft = QuestionnaireDraft.objects.get()
    assert page["Location"] == reverse("questionnaires:draft", args=[draft.pk])
    text = operator.get(page["Location"]).content.decode()
    assert "Valid: supplier-basics version 1, 2 questions." in text
    published = operator.post(
        page["Location"], {"source": draft.source, "action": "publish"}, follow=True
    )
    version = QuestionnaireVersion.objects.get(questionnaire__code="supplier-basics")
    assert "Published as supplier-basics v1." in published.content.decode()
    assert version.parsed.question("q02_published").show_if == {
        "question": "q01_policy",
        "equals": "yes",
    }


def test_invalid_draft_lists_every_problem_and_cannot_be_published(operator):
    data = small_definition()
    data["sections"][0]["questions"][1]["show_if"] = {"question": "q09_later", "equals": "yes"}
    del data["sections"][0]["questions"][0]["text"]["ja"]
    upload(operator, "basics.yaml", yaml.safe_dump(data).encode())
    draft = QuestionnaireDraft.objects.get()
    page = operator.post(
        reverse("questionnaires:draft", args=[draft.pk]),
        {"source": draft.source, "action": "publish"},
    )
    assert page.status_code == 422
    text = page.content.decode()
    assert "2 problems to fix before publishing" in text
    assert "question &#x27;q01_policy&#x27; &gt; text: missing text for language(s) ja" in text
    assert "refers to &#x27;q09_later&#x27;, which is not an earlier question" in text
    assert not Questionnaire.objects.filter(code="supplier-basics").exists()


def test_broken_yaml_and_wrong_file_type_are_refused(operator):
    broken = upload(operator, "basics.yaml", b"code: [unclosed")
    draft = QuestionnaireDraft.objects.get()  # kept, so the author can fix it in place
    text = operator.get(reverse("questionnaires:draft", args=[draft.pk])).content.decode()
    assert "not valid YAML" in text
    assert broken.status_code == 302
    wrong = upload(operator, "basics.docx", b"PK")
    assert wrong.status_code == 422
    assert "Upload a .yaml, .yml, .json or .xlsx file." in wrong.content.decode()


def test_published_version_can_only_change_through_a_new_draft(operator, crisis):
    page = operator.post(reverse("questionnaires:new_draft", args=[crisis.pk]))
    draft = QuestionnaireDraft.objects.get()
    assert yaml.safe_load(draft.source)["version"] == crisis.version + 1
    data = yaml.safe_load(draft.source)
    data["sections"][0]["questions"][0]["text"]["en"] = "How did orders change?"
    operator.post(page["Location"], {"source": yaml.safe_dump(data), "action": "publish"})
    new = QuestionnaireVersion.objects.get(questionnaire__code="crisis-impact", version=3)
    crisis.refresh_from_db()
    assert crisis.parsed.question("q01_business_impact").text.get("en").startswith("Over the")
    diff = operator.get(reverse("questionnaires:diff", args=[new.pk]) + f"?other={crisis.pk}")
    text = diff.content.decode()
    assert "q01_business_impact" in text and "How did orders change?" in text
    assert "Differences between crisis-impact v2 and crisis-impact v3" in text


def test_translation_round_trip_through_xlsx(operator, crisis):
    exported = operator.get(reverse("questionnaires:export", args=[crisis.pk, "translations"]))
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book["translations"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["key", "en", "ja"] and "vi" in header
    vi = header.index("vi") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "questions.q01_business_impact.text":
            row[vi - 1].value = "Đơn hàng của quý công ty thay đổi thế nào?"
        if row[0].value == "questions.q02_operational_status.text":
            row[vi - 1].value = None  # an emptied cell keeps the earlier translation
    out = io.BytesIO()
    book.save(out)
    page = operator.post(
        reverse("questionnaires:import_translations", args=[crisis.pk]),
        {"file": SimpleUploadedFile("vi.xlsx", out.getvalue())},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Đơn hàng của quý công ty thay đổi thế nào?" in text  # shown as changed
    assert "Changed: 1. New: 0. Still missing: 0." in text
    draft = QuestionnaireDraft.objects.get()
    data = yaml.safe_load(draft.source)
    assert data["version"] == crisis.version + 1
    q01 = data["sections"][0]["questions"][0]
    assert q01["text"]["vi"] == "Đơn hàng của quý công ty thay đổi thế nào?"
    q02 = data["sections"][0]["questions"][1]
    assert q02["text"]["vi"] == crisis.definition["sections"][0]["questions"][1]["text"]["vi"]
    assert q01["text"]["ja"] == crisis.definition["sections"][0]["questions"][0]["text"]["ja"]


def test_translator_export_for_one_language_round_trips(operator, crisis):
    url = reverse("questionnaires:export", args=[crisis.pk, "translations"]) + "?language=vi"
    version_page = operator.get(reverse("questionnaires:version", args=[crisis.pk]))
    assert f'href="{url}"'.replace("&", "&amp;") in version_page.content.decode()

    exported = operator.get(url)

    assert exported["Content-Disposition"] == (
        f'attachment; filename="crisis-impact-v{crisis.version}-translations-vi.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book["translations"]
    assert [c.value for c in sheet[1]] == ["key", "en", "vi"]  # English and the one language
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "questions.q01_business_impact.text":
            assert row[2].value == crisis.parsed.question("q01_business_impact").text.get("vi")
            row[2].value = "Đơn hàng của quý công ty thay đổi thế nào?"
    out = io.BytesIO()
    book.save(out)
    page = operator.post(
        reverse("questionnaires:import_translations", args=[crisis.pk]),
        {"file": SimpleUploadedFile("vi.xlsx", out.getvalue())},
    )
    assert "Changed: 1. New: 0. Still missing: 0." in page.content.decode()
    data = yaml.safe_load(QuestionnaireDraft.objects.get().source)
    assert data["sections"][0]["questions"][0]["text"]["vi"] == (
        "Đơn hàng của quý công ty thay đổi thế nào?"
    )
    # The languages left out of the file are kept as they were.
    original = crisis.definition["sections"][0]["questions"][0]["text"]["ja"]
    assert data["sections"][0]["questions"][0]["text"]["ja"] == original
    unknown = reverse("questionnaires:export", args=[crisis.pk, "translations"]) + "?language=ko"
    assert operator.get(unknown).status_code == 404


def test_translator_export_command_for_one_language(crisis, tmp_path):
    path = tmp_path / "th.xlsx"

    call_command(
        "export_questionnaire",
        "crisis-impact",
        format="translations",
        language="th",
        output=path,
        stdout=io.StringIO(),
    )

    sheet = openpyxl.load_workbook(path)["translations"]
    assert [c.value for c in sheet[1]] == ["key", "en", "th"]
    title = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "title")
    assert title == ("title", crisis.parsed.title.get("en"), crisis.parsed.title.get("th"))
    everything = tmp_path / "all.xlsx"
    call_command("export_questionnaire", "crisis-impact", format="translations", output=everything)
    header = [c.value for c in openpyxl.load_workbook(everything)["translations"][1]]
    assert header == ["key", *crisis.parsed.languages]
    with pytest.raises(CommandError, match="--language must be one of en, ja"):
        call_command(
            "export_questionnaire",
            "crisis-impact",
            format="translations",
            language="ko",
            output=path,
        )


def test_translation_round_trip_through_po(crisis, tmp_path):
    path = tmp_path / "ja.po"
    call_command("export_questionnaire", "crisis-impact", format="po", language="ja", output=path)
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == "questions.q01_business_impact.text")
    assert entry.msgid.startswith("Over the last 3 months")
    entry.msgstr = "過去3か月の受注はどう変わりましたか？"
    po.save(str(path))
    out = io.StringIO()
    call_command("import_translations", "crisis-impact", str(path), "--publish", stdout=out)
    assert "1 changed" in out.getvalue()
    newest = QuestionnaireVersion.objects.filter(questionnaire__code="crisis-impact").latest(
        "version"
    )
    assert newest.parsed.question("q01_business_impact").text.get("ja").startswith("過去3か月")


def test_import_reports_texts_still_missing(operator):
    version = questionnaire_publish(data=small_definition())
    po = polib.POFile()
    po.metadata = {"Language": "vi", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgctxt="questions.q01_policy.text", msgid="", msgstr="Có chính sách?"))
    page = operator.post(
        reverse("questionnaires:import_translations", args=[version.pk]),
        {"file": SimpleUploadedFile("vi.po", str(po).encode())},
    )
    text = page.content.decode()
    assert "New: 1." in text
    assert "questions.q02_published.text" in text  # still missing: English is shown instead


def test_a_translation_file_with_unknown_keys_imports_nothing(operator, crisis):
    po = polib.POFile()
    po.metadata = {"Language": "vi", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgctxt="questions.q99_missing.text", msgid="x", msgstr="y"))
    page = operator.post(
        reverse("questionnaires:import_translations", args=[crisis.pk]),
        {"file": SimpleUploadedFile("vi.po", str(po).encode())},
    )
    assert page.status_code == 422
    assert "unknown key &#x27;questions.q99_missing.text&#x27;" in page.content.decode()
    assert not QuestionnaireDraft.objects.exists()


def test_reviewer_marks_a_draft_translation_reviewed(operator, crisis, campaign_a):
    assert crisis.is_draft_translation("vi")
    operator.post(reverse("questionnaires:reviewed", args=[crisis.pk]), {"language": "vi"})
    crisis.refresh_from_db()
    assert not crisis.is_draft_translation("vi")
    assert crisis.reviewed_translations["vi"]["by"] == "olivia@alliance.example"
    bad = operator.post(
        reverse("questionnaires:reviewed", args=[crisis.pk]), {"language": "en"}, follow=True
    )
    assert "not a draft translation" in bad.content.decode()


def test_preview_in_every_language_and_on_a_phone(operator, crisis):
    url = reverse("questionnaires:preview", args=["version", crisis.pk])
    for language in crisis.parsed.languages:
        frame = operator.get(url + f"?lang={language}&page=1&frame=1")
        assert frame.status_code == 200
        text = frame.content.decode()
        assert crisis.parsed.title.get(language) in text
        assert frame.headers.get("X-Frame-Options") == "SAMEORIGIN"
    # The draft notice is in the previewed language, as the supplier reads it.
    with translation.override("vi"):
        notice = gettext(DRAFT_NOTICE)
    assert notice != DRAFT_NOTICE
    assert notice in operator.get(url + "?lang=vi&frame=1").content.decode()
    phone = operator.get(url + "?lang=ja&phone=1").content.decode()
    assert 'class="preview phone"' in phone


def test_preview_shows_the_interface_in_the_previewed_language_as_a_supplier_sees_it(
    operator, crisis
):
    url = reverse("questionnaires:preview", args=["version", crisis.pk])
    pages = len(crisis.parsed.sections)

    japanese = operator.get(url + "?lang=ja&page=1&frame=1")
    text = japanese.content.decode()
    assert japanese.headers["Content-Language"] == "ja"
    assert '<html lang="ja">' in text
    assert f"{pages}ページ中1ページ目" in text
    assert ">保存して後で続ける</button>" in text and ">次へ</button>" in text
    assert "Save and continue later" not in text and "Page 1 of" not in text
    last = operator.get(url + f"?lang=ja&page={pages}&frame=1").content.decode()
    assert ">戻る</button>" in last and ">回答を送信</button>" in last

    # The operator's own controls around the frame stay in the operator's language.
    outer = operator.get(url + "?lang=ja").content.decode()
    assert "Phone size" in outer

    # An operator working in Japanese previews the English questionnaire in English.
    operator.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    english = operator.get(url + "?lang=en&page=1&frame=1").content.decode()
    assert f"Page 1 of {pages}" in english and ">Next</button>" in english
    assert "次へ" not in english
    # Vietnamese, whatever the operator's language: the supplier pages' draft interface
    # translation where it has one, English for the rest, as a Vietnamese supplier reads it.
    vietnamese = operator.get(url + "?lang=vi&page=1&frame=1").content.decode()
    with translation.override("vi"):
        expected = [
            gettext(DRAFT_NOTICE),
            gettext("Page %(page)s of %(page_count)s") % {"page": 1, "page_count": pages},
            f">{gettext('Next')}</button>",
        ]
    assert expected[1] != f"Page 1 of {pages}"
    for piece in expected:
        assert piece in vietnamese
    assert "次へ" not in vietnamese
    assert crisis.parsed.sections[0].title.get("vi") in vietnamese


def test_preview_with_a_page_that_is_not_a_number_shows_the_first_page(operator, crisis):
    url = reverse("questionnaires:preview", args=["version", crisis.pk])

    frame = operator.get(url + "?lang=en&page=two&frame=1")

    assert frame.status_code == 200
    assert "Page 1 of" in frame.content.decode()


def test_exports_download(operator, crisis):
    yaml_export = operator.get(reverse("questionnaires:export", args=[crisis.pk, "yaml"]))
    assert yaml.safe_load(yaml_export.content) == crisis.definition
    po = operator.get(reverse("questionnaires:export", args=[crisis.pk, "po"]) + "?language=xx")
    assert po.status_code == 404


def test_publish_command_and_export_command_agree(tmp_path):
    path = tmp_path / "basics.yaml"
    path.write_text(yaml.safe_dump(small_definition(), allow_unicode=True))
    call_command("publish_questionnaire", str(path), stdout=io.StringIO())
    out = tmp_path / "out.yaml"
    call_command("export_questionnaire", "supplier-basics", output=out, stdout=io.StringIO())
    assert yaml.safe_load(out.read_text()) == small_definition()
    with pytest.raises(CommandError, match="No published version"):
        call_command("export_questionnaire", "nope", stdout=io.StringIO())


def test_builtin_assessments_are_published():
    codes = {p.stem for p in Path(BUILTIN_DIR).glob("*.yaml")}
    assert codes <= set(Questionnaire.objects.values_list("code", flat=True))


def test_draft_translation_exported_as_fuzzy(operator, crisis):
    """Vietnamese is a draft: a translator's tool shows its entries as needing review."""
    version = crisis
    url = reverse("questionnaires:export", args=[version.pk, "po"])
    vi = polib.pofile(operator.get(url, {"language": "vi"}).content.decode())
    translated = [e for e in vi if e.msgstr]
    assert translated and all("fuzzy" in e.flags for e in translated)
    ja = polib.pofile(operator.get(url, {"language": "ja"}).content.decode())
    assert not any("fuzzy" in e.flags for e in ja)


def test_new_language_exported_for_a_translator_and_imported_as_draft(operator, crisis):
    """Korean is not in the questionnaire: its PO has every text, nothing translated; the
    translator's file comes back as a new draft with Korean as a draft language."""
    version = crisis
    url = reverse("questionnaires:export", args=[version.pk, "po"])
    page = operator.get(url, {"language": "ko"})
    assert page.status_code == 200
    ko = polib.pofile(page.content.decode())
    assert ko.metadata["Language"] == "ko"
    assert len(ko) == len(polib.pofile(operator.get(url, {"language": "ja"}).content.decode()))
    assert all(e.msgid and not e.msgstr for e in ko)
    assert operator.get(url, {"language": "xx"}).status_code == 404
    entry = next(e for e in ko if e.msgctxt == "questions.q01_business_impact.text")
    entry.msgstr = "지난 3개월 동안 주문이나 매출은 어떻게 변했습니까?"
    page = operator.post(
        reverse("questionnaires:import_translations", args=[version.pk]),
        {"file": SimpleUploadedFile("ko.po", str(ko).encode())},
    )
    assert page.status_code == 200 and "New: 1." in page.content.decode()
    draft = yaml.safe_load(QuestionnaireDraft.objects.latest("pk").source)
    assert "ko" in draft["languages"] and "ko" in draft["draft_languages"]
    q01 = draft["sections"][0]["questions"][0]
    assert q01["code"] == "q01_business_impact" and q01["text"]["ko"].startswith("지난")


def test_export_command_refuses_an_unknown_language(crisis, tmp_path):
    with pytest.raises(CommandError, match="'xx' is neither"):
        call_command(
            "export_questionnaire",
            "crisis-impact",
            format="po",
            language="xx",
            output=tmp_path / "x.po",
        )
