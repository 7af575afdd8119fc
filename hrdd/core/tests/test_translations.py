"""English and Japanese are complete: every interface string is in the Japanese catalogue,
translated, with the same placeholders. Questionnaire texts are data (tested with them)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_japanese_catalogue_is_complete_and_consistent():
    po = polib.pofile(str(CATALOGUE))
    assert po.metadata["Language"] == "ja"
    assert not po.untranslated_entries(), [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries(), [e.msgid for e in po.fuzzy_entries()]
    for entry in po.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(PLACEHOLDER.findall(entry.msgid)) == set(PLACEHOLDER.findall(text)), (
                entry.msgid
            )


def test_every_interface_string_is_in_the_catalogue(tmp_path):
    """Extract the strings from a copy of the code and check none is new or untranslated."""
    for name in ["manage.py", "config", "hrdd", "templates", "locale"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("tests"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "--no-location", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "DEBUG": "1"},
    )
    po = polib.pofile(str(tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert not missing, "Strings without a Japanese translation (run makemessages): " + repr(
        missing
    )


@pytest.mark.django_db
def test_pages_switch_language(client: Client):
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    page = client.get("/apply/").content.decode()
    assert '<html lang="ja">' in page
    assert "参加申請" in page
