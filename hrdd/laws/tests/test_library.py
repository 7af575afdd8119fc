"""The library as buyers read it and as the operator keeps it: filters, an entry in the
reader's language, versions with a change log, the loader run twice, and who may do what."""

import datetime
import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from hrdd.laws import selectors
from hrdd.laws.applicability import validate_rules
from hrdd.laws.models import Law, LawVersion
from hrdd.laws.services import DATA_FILE, law_version_add, library_load
from hrdd.testing.world import login

pytestmark = pytest.mark.django_db

REQUIRED = {
    "jp_hr_guidelines",
    "uk_msa_s54",
    "au_msa",
    "ca_s211",
    "de_lksg",
    "fr_devoir_vigilance",
    "eu_csddd",
    "eu_flr",
    "us_tariff_act_307",
    "us_uflpa",
    "us_ca_tisca",
    "ungps",
    "oecd_mne_guidelines",
    "oecd_dd_guidance",
    "ilo_core_conventions",
}


def test_the_shipped_file_is_complete_in_both_languages():
    entries = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    assert {entry["code"] for entry in entries} >= REQUIRED
    for entry in entries:
        assert validate_rules(entry["rules"]) == [], entry["code"]
        for field in ("summary", "obligations"):
            assert entry[f"{field}_en"].strip() and entry[f"{field}_ja"].strip(), entry["code"]
        assert (entry["note_en"] == "") == (entry["note_ja"] == ""), entry["code"]
        for rule in entry["rules"]:
            assert bool(rule.get("note_en")) == bool(rule.get("note_ja")), entry["code"]
        assert entry["source_url"].startswith("https://"), entry["code"]
        assert isinstance(entry["review_by"], datetime.date), entry["code"]


def test_loading_twice_changes_nothing_and_keeps_the_operators_edits(library, olivia):
    assert Law.objects.count() >= 15 and LawVersion.objects.count() == Law.objects.count()
    out = io.StringIO()
    call_command("load_laws", stdout=out)
    assert "added 0, updated 0" in out.getvalue()
    assert LawVersion.objects.count() == Law.objects.count()
    law = Law.objects.get(code="uk_msa_s54")
    content = {**model_to_dict(law.current), "summary_en": "Edited by hand"}
    law_version_add(law=law, content=content, change_note="Summary shortened", by=olivia)
    outcome = library_load()
    assert outcome["kept"] == 1 and outcome["updated"] == 0
    law.refresh_from_db()
    assert law.current.summary_en == "Edited by hand" and law.current.number == 2


def test_a_changed_file_adds_a_version_to_entries_not_edited(library, tmp_path):
    entries = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    entries[0]["review_by"] = datetime.date(2030, 1, 1)
    changed = tmp_path / "laws.yaml"
    changed.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    assert library_load(path=changed)["updated"] == 1
    law = Law.objects.get(code=entries[0]["code"])
    assert law.current.number == 2 and law.current.review_by == datetime.date(2030, 1, 1)


def test_the_library_filters_by_jurisdiction_kind_and_topic(library, client, bob):
    login(client, bob)
    url = reverse("laws:library")
    page = client.get(url).content.decode()
    assert "UK Modern Slavery Act s.54" in page and "UFLPA" in page
    assert "Which laws apply to Northwind?" in page
    page = client.get(url, {"jurisdiction": "US"}).content.decode()
    assert "UFLPA" in page and "UK Modern Slavery Act" not in page
    page = client.get(url, {"kind": "guidance"}).content.decode()
    assert "UN Guiding Principles" in page and "UFLPA" not in page
    page = client.get(url, {"topic": "freedom_of_association"}).content.decode()
    assert "German Supply Chain Act" in page and "UFLPA" not in page
    # A filter that means nothing shows everything rather than an error.
    assert client.get(url, {"kind": "nonsense"}).status_code == 200


def test_the_library_page_reads_a_fixed_number_of_queries(
    library, client, bob, django_assert_max_num_queries
):
    login(client, bob)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("laws:library")).content.decode()
    assert page.count('href="/laws/') >= 16


def test_an_entry_in_the_readers_language_with_its_dates_source_and_review(library, client, bob):
    login(client, bob)
    url = reverse("laws:detail", args=["ca_s211"])
    page = client.get(url).content.decode()
    assert "by 31 May each year" in page
    assert "https://laws-lois.justice.gc.ca/eng/acts/F-10.6/" in page
    assert "2024-01-01" in page and "2027-06-30" in page
    assert "Loaded from the library's data file." in page
    client.cookies["django_language"] = "ja"
    page = client.get(url).content.decode()
    assert "毎年5月31日までに" in page and "変更履歴" in page
    assert "Edit this entry" not in page and "このエントリを編集" not in page


def test_an_entry_to_verify_says_so(library, client, bob):
    login(client, bob)
    page = client.get(reverse("laws:detail", args=["eu_csddd"])).content.decode()
    assert "Some of this entry's data is to verify" in page


def edit_data(version, **changes):
    data = {
        "short_name": version.short_name,
        "title": version.title,
        "jurisdiction": version.jurisdiction,
        "kind": version.kind,
        "binding": "on" if version.binding else "",
        "in_force_from": version.in_force_from or "",
        "applies_from": version.applies_from or "",
        "source_url": version.source_url,
        "summary_en": version.summary_en,
        "summary_ja": version.summary_ja,
        "obligations_en": version.obligations_en,
        "obligations_ja": version.obligations_ja,
        "note_en": version.note_en,
        "note_ja": version.note_ja,
        "topics": version.topics,
        "evidence": version.evidence,
        "rules": json.dumps(version.rules),
        "report": json.dumps(version.report),
        "review_by": version.review_by,
        "change_note": "Threshold checked",
    }
    data.update(changes)
    return data


def test_the_operator_edits_an_entry_as_a_new_version(library, client, olivia):
    login(client, olivia)
    law = Law.objects.get(code="au_msa")
    url = reverse("laws:edit", args=[law.code])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(law.current, review_by="2028-01-31"))
    assert response.status_code == 302
    law.refresh_from_db()
    assert law.current.number == 2 and law.current.review_by == datetime.date(2028, 1, 31)
    assert law.current.changed_by == olivia
    page = client.get(reverse("laws:detail", args=[law.code])).content.decode()
    assert "Threshold checked" in page and "Olivia" in page and "2028-01-31" in page
    assert [v.number for v in selectors.versions(law)] == [2, 1]


def test_bad_rules_are_refused_with_the_rule_named_and_nothing_saved(library, client, olivia):
    login(client, olivia)
    law = Law.objects.get(code="au_msa")
    url = reverse("laws:edit", args=[law.code])
    rules = json.dumps([{"presence": ["incorporated"], "places": ["ZZ"], "level": "applies"}])
    response = client.post(url, edit_data(law.current, rules=rules, change_note=""))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Rule 1: places must list country codes (or EU); unknown: ZZ." in page
    response = client.post(url, edit_data(law.current, rules="[{"))
    assert "This is not valid JSON" in response.content.decode()
    assert law.versions.count() == 1


@pytest.mark.parametrize("name", ["laws:library", "laws:detail", "laws:edit"])
def test_anonymous_visitors_are_sent_to_log_in(library, client, name):
    args = [] if name == "laws:library" else ["uk_msa_s54"]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_operator_may_edit(library, client, alice):
    login(client, alice)
    url = reverse("laws:edit", args=["uk_msa_s54"])
    assert client.get(url).status_code == 404
    law = Law.objects.get(code="uk_msa_s54")
    assert client.post(url, edit_data(law.current)).status_code == 404
    assert law.versions.count() == 1


def test_an_unknown_entry_is_not_found(library, client, olivia):
    login(client, olivia)
    assert client.get(reverse("laws:detail", args=["no-such-law"])).status_code == 404
    assert client.get(reverse("laws:edit", args=["no-such-law"])).status_code == 404
