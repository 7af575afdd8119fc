"""A worker reports on a phone in Vietnamese (Latin script) and Burmese (Myanmar script),
without JavaScript: the page fits the screen and passes axe, the receipt code is shown, and
with it the worker reads the handler's answer and replies."""

import pytest
from django.urls import reverse

from hrdd.grievances import selectors, services
from hrdd.grievances.models import Case, Message
from hrdd.testing.browser import PHONE, assert_accessible, assert_fits_the_screen, close, new_page
from hrdd.testing.grievances import PASSPHRASE, channel, help_directory

pytestmark = pytest.mark.django_db(transaction=True)


def answer_as_handler(case: Case, handler, text: str) -> None:
    private_key = services.handler_key_unlock(key=handler.grievance_key, passphrase=PASSPHRASE)
    data_key = services.case_data_key(case=case, user=handler, private_key=private_key)
    services.case_message_add(
        case=case, data_key=data_key, kind=Message.Kind.HANDLER, body=text, by=handler
    )


@pytest.mark.parametrize(
    ("language", "send", "read", "reply"),
    [
        ("vi", "Gửi báo cáo", "Đọc câu trả lời", "Gửi trả lời"),
        ("my", "တိုင်ကြားချက် ပို့ရန်", "အဖြေများ ဖတ်ရန်", "ပြန်စာ ပို့ရန်"),
    ],
)
def test_a_worker_reports_and_reads_the_answer_on_a_phone(
    browser, live_server, org_a, alice, language, send, read, reply
):
    made = channel(org_a, alice)
    page = new_page(browser, live_server, language=language, viewport=PHONE, scripts=False)
    page.goto(f"{live_server.url}{reverse('grievances:report', args=[made.slug])}")
    assert page.locator("html").get_attribute("lang") == language
    assert_fits_the_screen(page)
    assert_accessible(page, f"grievance form ({language})")
    page.locator("#id_what").fill("Chủ giữ hộ chiếu của chúng tôi")
    page.locator("#id_passphrase").fill("river stone")
    page.get_by_role("button", name=send).click()
    code = page.locator("code").inner_text()
    assert len(code) == 39
    assert_fits_the_screen(page)
    assert_accessible(page, f"receipt ({language})")

    case = Case.objects.get()
    assert case.language == language
    answer_as_handler(case, alice, "We will visit the factory next week.")

    page.get_by_role("link", name=read).click()
    page.locator("#id_code").fill(code.lower().replace("-", " "))
    page.locator("#id_passphrase").fill("river stone")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_selector("text=We will visit the factory next week.")
    assert_fits_the_screen(page)
    assert_accessible(page, f"conversation ({language})")
    page.locator("#id_reply").fill("Cảm ơn")
    page.get_by_role("button", name=reply).click()
    page.wait_for_selector("text=Cảm ơn")
    close(page)
    data_key = services.case_data_key(
        case=case,
        user=alice,
        private_key=services.handler_key_unlock(key=alice.grievance_key, passphrase=PASSPHRASE),
    )
    bodies = [m["body"] for m in selectors.conversation(case=case, data_key=data_key, notes=False)]
    assert bodies == ["We will visit the factory next week.", "Cảm ơn"]


def test_a_handler_unlocks_reads_and_answers(browser, live_server, org_a, alice):
    from hrdd.testing.browser import log_in

    made = channel(org_a, alice)
    case, _code = services.case_report(
        channel=made, language="vi", answers={"what": "Không được trả lương tháng 3"}
    )
    page = new_page(browser, live_server)
    log_in(page, live_server, alice)
    page.goto(f"{live_server.url}{reverse('grievances:index', args=[org_a.pk])}")
    assert_accessible(page, "grievances index (locked)")
    page.locator("#id_passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("link", name=str(case.pk), exact=True).click()
    page.wait_for_selector("text=Không được trả lương tháng 3")
    assert_accessible(page, "grievance case")
    page.locator("#id_body").fill("We have asked the supplier for the payroll.")
    page.get_by_role("button", name="Reply to the reporter").click()
    page.wait_for_selector("text=We have asked the supplier for the payroll.")
    close(page)
    case.refresh_from_db()
    assert case.state == Case.State.ACKNOWLEDGED


def test_a_worker_who_ticks_a_red_flag_sees_where_to_get_help_on_a_phone(
    browser, live_server, org_a, alice
):
    made = channel(org_a, alice)
    help_directory()
    page = new_page(browser, live_server, language="vi", viewport=PHONE, scripts=False)
    page.goto(f"{live_server.url}{reverse('grievances:report', args=[made.slug])}")
    page.locator("#id_what").fill("Chủ giữ hộ chiếu của chúng tôi")
    page.get_by_label("Chủ hoặc môi giới có giữ hộ chiếu hay thẻ căn cước của bạn không?").check()
    page.get_by_role("button", name="Gửi báo cáo").click()
    page.wait_for_selector("text=Nơi có thể nhận giúp đỡ ngay")
    assert_fits_the_screen(page)
    assert_accessible(page, "receipt with help (vi)")
    page.get_by_role("link", name="Tất cả đường dây nóng và tổ chức hỗ trợ").click()
    page.wait_for_selector("h1:has-text('Nơi có thể nhận giúp đỡ ngay')")
    assert page.locator("a[href='tel:0120-811-610']").count() == 1
    assert_fits_the_screen(page)
    assert_accessible(page, "help page (vi)")
    close(page)
    assert Case.objects.get().red_flagged_at is not None
