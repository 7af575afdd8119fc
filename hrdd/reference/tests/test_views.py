"""The operator's reference-data screens."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrdd.reference import selectors
from hrdd.reference.models import DatasetEdition
from hrdd.reference.services import shipped_load_all

pytestmark = pytest.mark.django_db


def form(content: bytes, edition="2024"):
    return {
        "dataset": "tvpra",
        "file": SimpleUploadedFile("TVPRA_List_2024.csv", content),
        "edition": edition,
        "source": "U.S. DOL, 2024 List",
        "licence": "Public domain",
    }


@pytest.mark.parametrize("url", ["reference:index", "reference:upload"])
def test_only_the_operator_sees_the_screens(client, alice, carol, olivia, url):
    for user in (alice, carol):
        client.force_login(user)
        assert client.get(reverse(url)).status_code == 404
        assert client.post(reverse(url), {}).status_code == 404
    client.force_login(olivia)
    assert client.get(reverse(url)).status_code == 200


def test_the_list_shows_every_edition_with_its_provenance(client, olivia):
    shipped_load_all()
    client.force_login(olivia)
    page = client.get(reverse("reference:index")).content.decode()
    assert "Kaufmann D. and A. Kraay" in page and "CC BY 4.0" in page
    assert "(current)" in page and "467" in page


def test_a_wrong_file_shows_its_columns_and_rows_and_loads_nothing(client, olivia):
    shipped_load_all()
    client.force_login(olivia)
    page = client.post(
        reverse("reference:upload"), form(b"Country/Area,Good,Kid Labor\nPeru,Gold,X\n")
    ).content.decode()
    assert "Nothing was loaded" in page
    assert "child_labor" in page and "Kid Labor" in page
    page = client.post(
        reverse("reference:upload"),
        form(b"Country/Area,Good,Child Labor,Forced Labor\nPeru,Gold,X,\nNarnia,Tea,X,X\n"),
    ).content.decode()
    assert "Row 3: unknown country “Narnia”" in page
    assert not DatasetEdition.objects.filter(edition="2024").exists()


def test_a_newer_edition_loads_and_becomes_current(client, olivia):
    shipped_load_all()
    client.force_login(olivia)
    response = client.post(
        reverse("reference:upload"),
        form(b"Country/Area,Good,Child Labor,Forced Labor\nPeru,Gold,X,\n"),
    )
    assert response.status_code == 302
    current = selectors.current_edition("tvpra")
    assert (current.edition, current.row_count, current.loaded_by) == ("2024", 1, olivia)
