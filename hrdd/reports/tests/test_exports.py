"""Exports of the Summary Report's aggregates, and the command-line export of answers."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from hrdd.campaigns.models import Campaign
from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Organisation
from hrdd.reports.services import report_release_if_due
from hrdd.responses.services import response_save_draft, response_start, response_submit
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, submit_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(campaign_a):
    for i in range(60):
        answers = dict(VALID_ANSWERS)
        answers["q01_business_impact"] = ["down_10_to_29", "about_same"][i % 2]
        if i == 0:
            answers["q03_health_safety_measures"] = ["risk_assessment"]
        submit_response(campaign_a, answers)
    report_release_if_due(campaign_id=campaign_a.pk)
    return campaign_a


def rows_of(client, campaign, fmt):
    page = client.get(reverse("reports:summary_export", args=[campaign.pk, fmt]))
    assert page.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    book = openpyxl.load_workbook(io.BytesIO(page.content))
    return [
        ["" if v is None else v for v in r] for r in book.worksheets[0].iter_rows(values_only=True)
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_aggregates_export_matches_the_page(client, alice, released, fmt):
    assert client.login(email=alice.email, password=PASSWORD)
    rows = rows_of(client, released, fmt)
    assert rows[0] == [
        "Question code",
        "Question",
        "Answer code",
        "Answer",
        "Share (%)",
        "Margin (± points)",
        "Status code",
        "Status",
    ]
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    # Half of 60 said "about the same": a share near 50 with its margin, the page's figures.
    same = by_key[("q01_business_impact", "about_same")]
    assert same[6] == "shown" and abs(int(same[4]) - 50) <= 2 * int(same[5])
    assert same[3].startswith("About the same") and same[7] == "Shown"
    page = client.get(reverse("reports:summary", args=[released.pk])).content.decode()
    assert f"about {same[4]} % (±{same[5]})" in page
    # A multiple-choice question is one answer of eight options: still too uncertain at 60.
    assert by_key[("q03_health_safety_measures", "")][6] == "uncertain"
    assert by_key[("q11_comments", "")][6] == "free_text"
    assert not any(row[2] == "_count" for row in rows)  # no counts without breakdowns
    assert not any("Mr Sato" in str(cell) for row in rows for cell in row)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_aggregates_export_in_the_readers_language(client, alice, released, fmt):
    """A reader of the Japanese report gets Japanese headers, statuses and labels, with the
    language-neutral codes beside them: the same figures as the English file."""
    assert client.login(email=alice.email, password=PASSWORD)
    english = rows_of(client, released, fmt)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    rows = rows_of(client, released, fmt)
    assert rows[0][:4] == ["質問コード", "質問", "回答コード", "回答"]
    assert rows[0][7] == "ステータス"
    by_key = {(r[0], r[2]): r for r in rows[1:]}
    same = by_key[("q01_business_impact", "about_same")]
    assert same[6] == "shown" and same[7] == "表示"
    assert "変わらない" in same[3]
    assert "幅" in by_key[("q03_health_safety_measures", "")][7]  # uncertain: margin too wide
    # Exactly the released figures, whatever the language.
    assert [r[4:7] for r in rows[1:]] == [r[4:7] for r in english[1:]]
    assert [(r[0], r[2]) for r in rows[1:]] == [(r[0], r[2]) for r in english[1:]]


def test_aggregates_xlsx_opens_ready_to_read(client, alice, released):
    """Frozen header, columns wide enough for the texts, shares and margins as numbers
    shown as "50 %" and "±13" (so they sort and sum), texts never formulas."""
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("reports:summary_export", args=[released.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(page.content))
    sheet = book.worksheets[0]
    assert sheet.title == "Summary" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width >= 50  # question texts
    assert sheet.column_dimensions["D"].width >= 30  # answer texts
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "about_same")
    percent, margin = row[4], row[5]
    assert percent.data_type == "n" and isinstance(percent.value, int)
    assert margin.data_type == "n" and isinstance(margin.value, int)
    assert percent.number_format == '0" %"' and margin.number_format == '"±"0'
    assert all(cell.data_type in {"s", "n"} for r in sheet.iter_rows() for cell in r if cell.value)
    about = book.worksheets[1]
    assert about["A1"].value == "Responses" and about["B1"].value == 60


def test_aggregates_csv_has_one_header_row_and_parses(client, alice, released):
    """A CSV reader (or Excel) gets one header row and rows of the same width."""
    assert client.login(email=alice.email, password=PASSWORD)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("reports:summary_export", args=[released.pk, "csv"]))
    assert page.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(page.content.decode("utf-8-sig"))))
    assert {len(r) for r in rows} == {8}
    assert rows[0]["質問コード"] and all(r["ステータスコード"] for r in rows)


def test_aggregates_export_is_for_members_only(client, carol, released):
    assert client.login(email=carol.email, password=PASSWORD)
    page = client.get(reverse("reports:summary_export", args=[released.pk, "csv"]))
    assert page.status_code == 404


def test_no_export_before_the_first_release(client, alice, campaign_a):
    assert client.login(email=alice.email, password=PASSWORD)
    page = client.get(reverse("reports:summary_export", args=[campaign_a.pk, "csv"]))
    assert page.status_code == 404


def test_answers_command_is_gated_and_audited(alice, carol, org_a, make_campaign):
    campaign = make_campaign(org_a)
    with pytest.raises(CommandError, match="confidential"):
        call_command("export_answers", campaign.pk, user=alice.email, stdout=io.StringIO())
    campaign.mode = Campaign.Mode.DISCLOSED
    campaign.save()
    with pytest.raises(CommandError, match="paid plan"):
        call_command("export_answers", campaign.pk, user=alice.email, stdout=io.StringIO())
    org_a.plan = Organisation.Plan.PAID
    org_a.save()
    with pytest.raises(CommandError, match="No such campaign"):
        call_command("export_answers", campaign.pk, user=carol.email, stdout=io.StringIO())
    response, _code = response_start(
        campaign=campaign, language="en", supplier_name="Saigon Knits", consent=True
    )
    response_submit(response=response_save_draft(response=response, answers=VALID_ANSWERS))
    out = io.StringIO()
    call_command("export_answers", campaign.pk, user=alice.email, stdout=out)
    assert "Saigon Knits" in out.getvalue()
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.action) == (alice, "export_csv")
