"""The supplier's CAP page on a phone in Japanese (real chromium, no JavaScript of ours): it
fits the screen, passes axe, a past date is named on its row and nothing typed is lost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.remediation.models import Finding
from hrdd.testing.browser import PHONE, assert_accessible, assert_fits_the_screen, close, new_page
from hrdd.testing.world import cap_opened, finding_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supplier_proposes_its_plan_on_a_phone_in_japanese(browser, live_server, suppliers):
    finding = finding_at(suppliers[1])  # Kansai Parts writes Japanese
    _cap, token = cap_opened(finding)
    page = new_page(browser, live_server, language="ja", viewport=PHONE, scripts=False)
    page.goto(f"{live_server.url}{reverse('remediation:supplier', args=[token])}")
    assert page.locator("h1").inner_text() == "是正措置計画"
    assert_fits_the_screen(page)
    assert_accessible(page, "CAP page on a phone")

    page.locator("#id_root_cause").fill("鍵の管理者が決まっていなかった")
    page.locator("#id_action-1-description").fill("非常口の鍵を外す")
    page.locator("#id_action-1-owner").fill("佐藤")
    past = (timezone.localdate() - timedelta(days=2)).isoformat()
    page.locator("#id_action-1-due_on").fill(past)
    page.get_by_role("button", name="Northwind に計画を送る").click()
    assert "過去の日付です" in page.locator("#action-1").inner_text()
    assert page.locator("#id_root_cause").input_value() == "鍵の管理者が決まっていなかった"
    assert_fits_the_screen(page)

    soon = (timezone.localdate() + timedelta(days=5)).isoformat()
    page.locator("#id_action-1-due_on").fill(soon)
    page.get_by_role("button", name="Northwind に計画を送る").click()
    page.wait_for_selector("text=計画を送信しました")
    close(page)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.PROPOSED
