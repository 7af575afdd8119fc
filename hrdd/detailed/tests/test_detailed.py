"""Disclosed campaigns and the Detailed Report: consent, plan and mode gating on every
surface, the audit log, and exports that stream."""

import csv
import io
import tracemalloc
from datetime import datetime

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hrdd.detailed.models import AuditEntry
from hrdd.organisations.models import Organisation
from hrdd.responses.models import Response
from hrdd.responses.services import response_save_draft, response_start
from hrdd.testing.world import (
    VALID_ANSWERS,
    campaign_on,
    login,
    submit_disclosed,
    submit_response,
)

pytestmark = pytest.mark.django_db


def surfaces(campaign, response_id=0):
    return [
        reverse("detailed:suppliers", args=[campaign.pk]),
        reverse("detailed:supplier", args=[campaign.pk, response_id]),
        reverse("detailed:export_csv", args=[campaign.pk]),
        reverse("detailed:export_xlsx", args=[campaign.pk]),
    ]


def test_supplier_must_agree_and_name_itself_before_answering(client, disclosed):
    landing = reverse("responses:landing", args=[disclosed.public_slug])
    page = client.get(landing).content.decode()
    assert "Northwind will see your answers together with your company name." in page
    refused = client.post(landing, {"action": "start", "supplier_name": "Saigon Knits"})
    assert refused.status_code == 422
    assert "Tick the box to agree, or choose not to take part." in refused.content.decode()
    declined = client.post(landing, {"action": "decline"})
    assert "You chose not to take part" in declined.content.decode()
    assert not Response.objects.exists()
    started = client.post(
        landing, {"action": "start", "supplier_name": "Saigon Knits", "consent": "on"}
    )
    assert started.status_code == 302
    response = Response.objects.get()
    assert response.supplier_name == "Saigon Knits" and response.consented_at is not None
    with pytest.raises(ValidationError):
        response_start(campaign=disclosed, language="en", supplier_name="X", consent=False)


def test_consent_form_lists_countries_in_the_suppliers_language(client, disclosed):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("responses:landing", args=[disclosed.public_slug]))
    text = page.content.decode()
    assert '<option value="VN">ベトナム</option>' in text
    assert ">Viet Nam<" not in text


def test_confidential_campaign_has_no_detailed_report_anywhere(client, alice, campaign_a):
    response = submit_response(campaign_a)
    login(client, alice)
    for url in surfaces(campaign_a, response.pk):
        assert client.get(url).status_code == 404, url
    assert not AuditEntry.objects.exists()


def test_free_plan_is_told_why_on_every_surface(client, alice, disclosed):
    response = submit_disclosed(disclosed, "Saigon Knits")
    disclosed.organisation.plan = Organisation.Plan.FREE
    disclosed.organisation.save()
    login(client, alice)
    for url in surfaces(disclosed, response.pk):
        page = client.get(url)
        assert page.status_code == 403, url
        assert "part of the paid plan" in page.content.decode()
    assert not AuditEntry.objects.exists()


def test_other_buyer_gets_404_on_every_surface(client, carol, disclosed):
    response = submit_disclosed(disclosed, "Saigon Knits")
    login(client, carol)
    for url in [*surfaces(disclosed, response.pk), reverse("detailed:audit", args=[disclosed.pk])]:
        assert client.get(url).status_code == 404, url


def test_paid_disclosed_campaign_shows_suppliers_and_audits_every_access(
    client, alice, bob, disclosed
):
    answers = dict(VALID_ANSWERS, q04_wages_paid="some_unpaid")
    saigon = submit_disclosed(disclosed, "Saigon Knits", answers)
    submit_disclosed(disclosed, "Hanoi Threads")
    login(client, bob)
    table = client.get(reverse("detailed:suppliers", args=[disclosed.pk])).content.decode()
    assert "Saigon Knits" in table and "Hanoi Threads" in table
    assert "High risk" in table  # unpaid wages flagged under its topic
    one = client.get(reverse("detailed:supplier", args=[disclosed.pk, saigon.pk]))
    assert "Mr Sato in line 3 was injured." in one.content.decode()
    actions = list(
        AuditEntry.objects.order_by("pk").values_list("user__email", "action", "supplier_name")
    )
    assert actions == [
        ("bob@a.example", "supplier_list", ""),
        ("bob@a.example", "supplier_answers", "Saigon Knits"),
    ]
    # The viewer may look, but only the owner reads the audit log.
    assert client.get(reverse("detailed:audit", args=[disclosed.pk])).status_code == 403
    client.logout()
    log = login(client, alice).get(reverse("detailed:audit", args=[disclosed.pk]))
    assert "bob@a.example" in log.content.decode()
    assert "Viewed one supplier&#x27;s answers" in log.content.decode()


def test_drafts_and_unconsented_rows_never_appear(client, alice, disclosed):
    submit_disclosed(disclosed, "Saigon Knits")
    draft, _code = response_start(
        campaign=disclosed, language="en", supplier_name="Draft Co", consent=True
    )
    response_save_draft(response=draft, answers={"q01_business_impact": "about_same"})
    # A response without consent (as if written before a mode change) is never shown.
    Response.objects.filter(supplier_name="Saigon Knits").update(consented_at=None)
    login(client, alice)
    table = client.get(reverse("detailed:suppliers", args=[disclosed.pk])).content.decode()
    assert "Saigon Knits" not in table and "Draft Co" not in table
    exported = b"".join(client.get(reverse("detailed:export_csv", args=[disclosed.pk])))
    assert b"Saigon" not in exported and b"Draft Co" not in exported


def test_csv_export_one_row_per_response_column_per_question(client, alice, disclosed):
    submit_disclosed(disclosed, "=HYPERLINK(evil)")
    submit_disclosed(disclosed, "Hanoi Threads")
    login(client, alice)
    page = client.get(reverse("detailed:export_csv", args=[disclosed.pk]))
    assert page.streaming and page["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(page).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:5] == ["response", "supplier", "country", "language", "submitted_at"]
    assert "q03_health_safety_measures" in header and "q11_comments" in header
    assert len(rows) == 3
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert "'=HYPERLINK(evil)" in by_name  # spreadsheets will not run it as a formula
    hanoi = by_name["Hanoi Threads"]
    assert hanoi["q03_health_safety_measures"] == "risk_assessment;free_masks_hygiene"
    assert hanoi["q11_comments"] == "Mr Sato in line 3 was injured."
    assert AuditEntry.objects.get().action == "export_csv"


def test_xlsx_export(client, alice, disclosed):
    submit_disclosed(disclosed, "Saigon Knits")
    submit_disclosed(
        disclosed, "=HYPERLINK(evil)", dict(VALID_ANSWERS, q11_comments="https://x.example 42")
    )
    login(client, alice)
    page = client.get(reverse("detailed:export_xlsx", args=[disclosed.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(page.streaming_content)))
    sheet = book["answers"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "Saigon Knits"
    # What a supplier typed is text: never a formula, a link or a number.
    header = rows[0]
    evil = next(row for row in sheet.iter_rows(min_row=2) if row[1].value != "Saigon Knits")
    assert evil[1].value == "'=HYPERLINK(evil)" and evil[1].data_type == "s"
    comment = evil[header.index("q11_comments")]
    assert comment.value == "https://x.example 42" and comment.data_type == "s"
    assert not sheet._hyperlinks
    assert sheet.freeze_panes == "A2"  # the header stays in view while scrolling
    assert sheet.column_dimensions["B"].width > 20  # supplier names are not cut to 8 characters
    assert book["questions"]["A2"].value == "q01_business_impact"
    assert AuditEntry.objects.get().action == "export_xlsx"


@pytest.mark.parametrize("typed", ["0123", "1e5", "=1+1", "@SUM(A1)", "TRUE", "2026-01-02"])
def test_xlsx_keeps_what_a_supplier_typed_as_text(client, alice, disclosed, typed):
    """Leading zeros, numbers, dates and formulas typed as free text reach the spreadsheet as
    the text the supplier typed (formulas neutralised with a quote), never converted."""
    submit_disclosed(disclosed, "Saigon Knits", dict(VALID_ANSWERS, q11_comments=typed))
    login(client, alice)
    page = client.get(reverse("detailed:export_xlsx", args=[disclosed.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(page.streaming_content)))["answers"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("q11_comments") + 1)
    expected = "'" + typed if typed[0] in "=@" else typed
    assert (cell.value, cell.data_type) == (expected, "s")


def test_csv_export_streams_in_constant_memory_and_queries(
    client, alice, disclosed, django_assert_max_num_queries
):
    from hrdd.responses.models import Answer

    base = submit_disclosed(disclosed, "Template Co")
    answers = list(Answer.objects.filter(response=base))
    # 3,000 responses written directly: the export, not the set-up, is under test.
    responses = Response.objects.bulk_create(
        Response(
            campaign=disclosed,
            status=Response.Status.SUBMITTED,
            language="en",
            code_hash=f"bulk{i:060d}",
            supplier_name=f"Supplier {i}",
            consented_at=base.consented_at,
            submitted_at=base.submitted_at,
        )
        for i in range(3000)
    )
    Answer.objects.bulk_create(
        Answer(
            response=r,
            campaign=disclosed,
            question_code=a.question_code,
            option_code=a.option_code,
            text=a.text,
        )
        for r in responses
        for a in answers
    )
    login(client, alice)
    tracemalloc.start()
    with django_assert_max_num_queries(12):
        page = client.get(reverse("detailed:export_csv", args=[disclosed.pk]))
        lines = sum(chunk.count(b"\n") for chunk in page)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == 3002  # header + template + 3,000
    assert peak < 20 * 1024 * 1024, peak


def typed_campaign(organisation):
    """A disclosed campaign whose questions are answered with a number, a percentage, a date
    and free text."""

    def t(en):
        return {"en": en, "ja": f"{en} (ja)"}

    def question(code, kind, **extra):
        return {"code": code, "type": kind, "topic": "work", "text": t(code), **extra}

    dont_know = {"code": "dont_know", "text": t("Don't know")}
    campaign = campaign_on(
        {
            "format": 1,
            "code": "typed",
            "version": 1,
            "languages": ["en", "ja"],
            "title": t("Typed answers"),
            "topics": {"work": t("Work")},
            "sections": [
                {
                    "code": "main",
                    "title": t("Main"),
                    "questions": [
                        question("q01_hours", "number", special_answers=[dont_know]),
                        question("q02_share", "percentage"),
                        question("q03_started", "date"),
                        question("q04_note", "short_text"),
                    ],
                }
            ],
        },
        organisation,
        name="Typed 2026",
        languages=["en", "ja"],
    )
    campaign.mode = campaign.Mode.DISCLOSED
    campaign.save()
    return campaign


def test_xlsx_answers_are_numbers_and_dates_and_the_header_is_in_the_readers_language(
    client, alice, disclosed
):
    """Numbers sum and dates sort in the spreadsheet; "don't know" and what a supplier typed
    stay text; the fixed columns and the questions sheet are headed in the reader's language."""
    campaign = typed_campaign(disclosed.organisation)
    submit_disclosed(
        campaign,
        "Hanoi Threads",
        {"q01_hours": "52.5", "q02_share": "30", "q03_started": "2026-03-01", "q04_note": "42"},
    )
    submit_disclosed(campaign, "Saigon Knits", {"q01_hours": "dont_know"})
    login(client, alice)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("detailed:export_xlsx", args=[campaign.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(page.streaming_content)))
    sheet = book["answers"]
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == ["回答", "サプライヤー", "国", "言語", "送信日時（UTC）"]
    hanoi, saigon = (
        dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    )
    assert isinstance(hanoi["回答"].value, int)
    assert hanoi["q01_hours"].value == 52.5 and hanoi["q01_hours"].data_type == "n"
    assert hanoi["q02_share"].value == 30
    started = hanoi["q03_started"]
    assert started.value == datetime(2026, 3, 1) and started.number_format == "yyyy-mm-dd"
    assert hanoi["q04_note"].value == "42" and hanoi["q04_note"].data_type == "s"
    submitted = hanoi["送信日時（UTC）"]
    assert submitted.is_date and submitted.number_format == "yyyy-mm-dd hh:mm:ss"
    assert saigon["q01_hours"].value == "dont_know" and saigon["q02_share"].value is None
    questions = book["questions"]
    assert [c.value for c in questions[1]] == ["質問コード", "質問"]
    assert questions["B2"].value == "q01_hours (ja)"
