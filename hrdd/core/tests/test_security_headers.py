"""Every page carries a strict Content-Security-Policy, Referrer-Policy and
Permissions-Policy; no page or file that shows answers may be cached."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from hrdd.reports.services import report_release_if_due
from hrdd.responses.services import response_start
from hrdd.testing.world import submit_disclosed

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(disclosed):
    for number in range(5):
        submit_disclosed(disclosed, f"Supplier {number}")
    assert report_release_if_due(campaign_id=disclosed.pk) is not None
    return disclosed


def test_pages_carry_a_strict_csp_and_the_privacy_headers(client, campaign_a):
    for url in ["/", reverse("organisations:apply"), campaign_a.response_path()]:
        page = client.get(url)
        csp = page["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, url
        assert "style-src 'self'" in csp and "object-src 'none'" in csp, url
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
        assert page["Referrer-Policy"] == "same-origin"
        assert "camera=()" in page["Permissions-Policy"]


def test_no_page_or_file_that_shows_answers_is_cached(client, alice, released, org_a):
    campaign = released
    _response, code = response_start(
        campaign=campaign, language="en", supplier_name="Draft Co", consent=True
    )
    submitted = campaign.responses.filter(submitted_at__isnull=False).first()
    client.force_login(alice)
    urls = [
        reverse("reports:summary", args=[campaign.pk]),
        reverse("reports:summary_pdf", args=[campaign.pk]),
        reverse("reports:summary_export", args=[campaign.pk, "csv"]),
        reverse("reports:summary_export", args=[campaign.pk, "xlsx"]),
        reverse("detailed:suppliers", args=[campaign.pk]),
        reverse("detailed:supplier", args=[campaign.pk, submitted.pk]),
        reverse("detailed:supplier_pdf", args=[campaign.pk, submitted.pk]),
        reverse("detailed:export_csv", args=[campaign.pk]),
        reverse("detailed:export_xlsx", args=[campaign.pk]),
        reverse("suppliers:list", args=[org_a.pk]),
        reverse("campaigns:detail", args=[campaign.pk]),
    ]
    for url in urls:
        got = client.get(url)
        assert got.status_code == 200, url
        assert "no-store" in got["Cache-Control"], url
    client.logout()
    receipt = reverse("responses:receipt", args=[campaign.public_slug, code])
    assert "no-store" in client.get(receipt)["Cache-Control"]


# Rendered to PDF by WeasyPrint (never served as a page) or sent as e-mail.
NOT_PAGES = re.compile(r"(_pdf\.html|/emails/)")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_no_template_has_an_inline_script_style_or_event_handler():
    roots = [
        Path(settings.BASE_DIR) / "templates",
        *Path(settings.BASE_DIR).glob("hrdd/*/templates"),
    ]
    found = []
    for root in roots:
        for path in root.rglob("*.html"):
            if NOT_PAGES.search(str(path)):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE.search(line):
                    found.append(f"{path}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
