"""The whole story through HTTP, following the links in the e-mails that were really sent.

A business applies, the operator approves (another is rejected, with a reason), the buyer
sets a password from the e-mailed link, logs in, finds the response URL and moves the close
date; suppliers answer in English and Japanese, one of them saving, e-mailing itself the
resume link and finishing from that link, then pressing Submit twice; the buyer reads the
Summary Report released by the background worker; another buyer sees none of it; after the
close date the link says the questionnaire is closed.
"""

import re
from datetime import UTC, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Application, Membership
from hrdd.questionnaires.models import Questionnaire
from hrdd.responses.models import Response
from hrdd.testing.world import PASSWORD, VALID_ANSWERS, answer_as_supplier, run_tasks

pytestmark = pytest.mark.django_db(transaction=True)

URL = re.compile(r"https?://[^\s\"'<>]+")


def links(message) -> list[str]:
    return URL.findall(message.body)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def apply(name: str, email: str) -> None:
    crisis = Questionnaire.objects.get(code="crisis-impact")
    page = Client().post(
        "/apply/",
        {
            "organisation_name": name,
            "country": "VN",
            "industry": "apparel",
            "contact_name": "Lan Nguyen",
            "email": email,
            "supplier_count": "50-199",
            "questionnaire": crisis.pk,
            "languages": ["en", "ja"],
            "accept_terms": "on",
        },
    )
    assert page.status_code == 302, page.content.decode()[:3000]


def test_from_application_to_summary_report(olivia, carol):
    # 1. A business applies on the public form and gets a confirmation.
    apply("Mekong Garments", "Lan@Mekong.example")
    run_tasks()
    confirmation = [m for m in mail.outbox if m.to == ["lan@mekong.example"]]
    assert len(confirmation) == 1
    assert "We received the application of Mekong Garments" in confirmation[0].subject
    to_operator = [m for m in mail.outbox if m.to == [olivia.email]]
    assert len(to_operator) == 1
    review_link = path_of(links(to_operator[0])[0])

    # 2. The operator logs in, sees it in the list and approves it.
    operator = Client()
    assert operator.login(email=olivia.email, password=PASSWORD)
    listing = operator.get("/operator/applications/").content.decode()
    assert "Mekong Garments" in listing
    assert operator.get(review_link).status_code == 200
    approved = operator.post(review_link, {"action": "approve"}, follow=True)
    assert "Approved." in approved.content.decode()
    application = Application.objects.get()
    assert application.status == Application.Status.APPROVED
    assert Membership.objects.get(organisation=application.organisation).role == "owner"
    run_tasks()
    welcome = [m for m in mail.outbox if "is approved" in m.subject]
    assert len(welcome) == 1 and welcome[0].to == ["lan@mekong.example"]
    password_link, response_url = links(welcome[0])[:2]
    assert "/password/set/" in password_link and "/r/" in response_url

    # 2b. Another application is rejected: the applicant reads the reason in its e-mail.
    apply("Shadow Trading", "info@shadow.example")
    run_tasks()
    review = [m for m in mail.outbox if m.to == [olivia.email] and "Shadow Trading" in m.body]
    rejected = operator.post(
        path_of(links(review[0])[0]),
        {"action": "reject", "reason": "We could not verify the company's registration."},
    )
    assert rejected.status_code == 302
    run_tasks()
    rejection = [m for m in mail.outbox if m.to == ["info@shadow.example"]][-1]
    assert "We could not verify the company's registration." in rejection.body
    assert Application.objects.get(organisation_name="Shadow Trading").organisation is None

    # 3. The buyer chooses a password from the e-mailed link and logs in.
    buyer = Client()
    form_page = buyer.get(path_of(password_link), follow=True)
    assert "Choose a password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = buyer.post(
        set_url, {"new_password1": "mekong-garments-2026", "new_password2": "mekong-garments-2026"}
    )
    assert done.status_code == 302
    logged_in = buyer.post(
        "/accounts/login/", {"username": "lan@mekong.example", "password": "mekong-garments-2026"}
    )
    assert logged_in.status_code == 302
    dashboard = buyer.get("/campaigns/").content.decode()
    campaign_path = re.search(r'href="(/campaigns/\d+/)"', dashboard).group(1)
    detail = buyer.get(campaign_path).content.decode()
    assert path_of(response_url) in detail
    assert (
        ">Fewer than 5</p>" in detail
    )  # responses so far: none, and it would say the same for one
    # The buyer gives its suppliers two more weeks.
    campaign = Campaign.objects.get(organisation=application.organisation)
    new_close = (campaign.closes_at + timedelta(days=14)).astimezone(UTC)
    moved = buyer.post(
        campaign_path + "dates/",
        {
            "opens_at": campaign.opens_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": new_close.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert moved.status_code == 302, moved.content.decode()[:2000]
    campaign.refresh_from_db()
    assert campaign.closes_at == new_close.replace(second=0, microsecond=0)

    # 4. Twenty suppliers answer, a third of them in Japanese; one more leaves a draft.
    impact = ["down_10_to_29"] * 7 + ["about_same"] * 6 + ["down_30_or_more"] * 5
    impact += ["up_10_or_more"] * 2
    for i, q01 in enumerate(impact):
        answers = dict(VALID_ANSWERS, q01_business_impact=q01)
        if i < 2:
            answers["q04_wages_paid"] = "paid_late"
        answer_as_supplier(path_of(response_url), answers, language="ja" if i % 3 == 0 else "en")
    Client().post(path_of(response_url), {"action": "start"})
    detail = buyer.get(campaign_path).content.decode()
    assert "10 to 24" in detail  # a band, never an exact live count

    # 4b. A supplier saves page 1 on its phone and e-mails itself the resume link...
    phone = Client()
    page_url = phone.post(path_of(response_url), {"action": "start"})["Location"].split("?")[0]
    text = phone.get(page_url).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', text).group(1)
    state = re.search(r'name="page_state" value="([0-9a-f]*)"', text).group(1)
    saved = phone.post(
        page_url,
        {
            "revision": revision,
            "page_state": state,
            "action": "save",
            "q01_business_impact": "about_same",
            "q02_operational_status": "reduced",
        },
    )
    assert saved.status_code == 302
    phone.post(page_url + "email/", {"email": "manager@saigon-sewing.example"})
    run_tasks()
    resume_mail = [m for m in mail.outbox if m.to == ["manager@saigon-sewing.example"]]
    assert len(resume_mail) == 1
    resume_link = path_of(links(resume_mail[0])[0])
    # ...and finishes at its desk from that link: page 1 was complete, so the link opens
    # page 2, where it stopped; page 1 shows what it saved.
    desk = Client()
    resumed = desk.get(resume_link)
    assert resumed.status_code == 302 and resumed["Location"].endswith("/p/2/")
    text = desk.get(resume_link + "p/1/").content.decode()
    assert re.search(r'value="about_same"[^>]*checked', text)
    page_url = resume_link + "p/1/"
    while True:
        text = desk.get(page_url).content.decode()
        revision = re.search(r'name="revision" value="(\d+)"', text).group(1)
        action = "submit" if 'value="submit"' in text else "next"
        form = {"revision": revision, "action": action, **VALID_ANSWERS}
        form["q01_business_impact"] = "about_same"
        done = desk.post(page_url, form)
        assert done.status_code == 302, done.content.decode()[:2000]
        if action == "submit":
            break
        page_url = done["Location"]
    receipt = desk.get(done["Location"]).content.decode()
    assert "Thank you, your answers have been submitted" in receipt
    assert "It cannot see your individual answers or whether you answered." in receipt
    assert "Mr Sato in line 3 was injured." in receipt  # its own comment, for its records
    # Submit pressed again (a double click, a retried request): still one response.
    again = desk.post(page_url, form)
    assert again.status_code == 302 and again["Location"] == done["Location"]
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == 21

    # 5. The worker releases the Summary Report; the buyer reads it.
    run_tasks()
    report_path = re.search(r'href="(/reports/campaigns/\d+/summary/)"', detail).group(1)
    report = buyer.get(report_path).content.decode()
    # Released when the worker ran for the resume e-mail, after the first 20: the 21st
    # waits until the responses have doubled (each batch is measured once, with noise).
    assert "Based on <strong>20</strong> responses (release 1, produced on" in report
    # At 20 responses the noise that protects each answer is too wide for figures: the page
    # says so, and shows no count (7 said "down 10-29 %", 2 "up": neither number appears).
    q01 = report[report.index('id="q-q01_business_impact"') : report.index('id="q-q02')]
    assert "Not shown yet: with 20 responses" in q01
    assert '<td class="num">7</td>' not in q01 and '<td class="num">2</td>' not in q01
    assert "Risk signals by topic" in report
    assert "Mr Sato" not in report  # free text never appears
    assert "Free-text answers are never shown" in report

    # 6. Another buyer's user cannot see any of it, nor can the operator's staff, who are
    # not members of the buyer.
    for email in (carol.email, olivia.email):
        outsider = Client()
        assert outsider.login(email=email, password=PASSWORD)
        assert outsider.get(report_path).status_code == 404
        assert outsider.get(campaign_path).status_code == 404

    # 7. After the close date the response URL says the questionnaire is closed.
    with time_machine.travel(campaign.closes_at + timedelta(minutes=1)):
        closed = Client().get(path_of(response_url))
    assert closed.status_code == 410
    assert "This questionnaire is closed" in closed.content.decode()
