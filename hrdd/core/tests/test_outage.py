"""The database fails while a supplier answers: a "try again" page, nothing lost or half-written.

The failure is injected with Django's execute_wrapper, so every query (or one kind of query)
raises the OperationalError a restarted or unreachable database gives. bench/faults.py does
the same with a real PostgreSQL restart under load.
"""

from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection

from hrdd.responses.models import Answer, Response
from hrdd.testing.world import VALID_ANSWERS, start_answering

pytestmark = pytest.mark.django_db

PAGE_1 = {k: VALID_ANSWERS[k] for k in ("q01_business_impact", "q02_operational_status")}
PAGE_2 = {"q03_health_safety_measures": VALID_ANSWERS["q03_health_safety_measures"]}
PAGE_3 = {
    k: VALID_ANSWERS[k]
    for k in (
        "q04_wages_paid",
        "q05_working_hours",
        "q06_freedom_to_leave",
        "q07_collective_voice",
        "q08_equal_treatment",
    )
}
PAGE_4 = {
    k: VALID_ANSWERS[k] for k in ("q09_health_data_privacy", "q10_support_needed", "q11_comments")
}


@contextmanager
def database_down(only: str = ""):
    """Every query (or every query containing `only`) fails as if the server had gone away."""

    def fail(execute, sql, params, many, context):
        if only in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def post(client, url, answers, action="next"):
    return client.post(url, {"revision": 0, "action": action, **answers})


def assert_try_again(page):
    assert page.status_code == 503
    text = page.content.decode()
    assert "Please try again in a moment" in text
    assert "The answers you saved so far are kept." in text
    assert "Traceback" not in text
    assert page["Retry-After"] == "5"
    assert "no-store" in page["Cache-Control"]  # the page may carry the resume code


def test_database_down_during_a_save_gives_try_again_and_keeps_the_draft(client, campaign_a):
    url = start_answering(client, campaign_a)
    assert post(client, url, PAGE_1).status_code == 302

    with database_down():
        page = post(client, f"{url}p/2/", PAGE_2)

    assert_try_again(page)
    response = Response.objects.get()
    assert response.draft == PAGE_1  # what was saved before is there, nothing else
    # Back up: the supplier presses the same button again, and it works.
    again = post(client, f"{url}p/2/", PAGE_2)
    assert again.status_code == 302 and again["Location"].endswith("/p/3/")
    response.refresh_from_db()
    assert response.draft == {**PAGE_1, **PAGE_2}


def test_database_down_in_the_middle_of_submitting_leaves_nothing_half_written(client, campaign_a):
    url = start_answering(client, campaign_a)
    for number, answers in enumerate((PAGE_1, PAGE_2, PAGE_3), start=1):
        page_url = url if number == 1 else f"{url}p/{number}/"
        assert post(client, page_url, answers).status_code == 302

    # Writing the Answer rows fails, after the last page's answers and the new status were
    # written in the same transaction: all of it is rolled back, what was saved before stays.
    with database_down(only='INSERT INTO "responses_answer"'):
        page = post(client, f"{url}p/4/", PAGE_4, action="submit")

    assert_try_again(page)
    response = Response.objects.get()
    assert response.status == Response.Status.DRAFT
    assert response.draft == {**PAGE_1, **PAGE_2, **PAGE_3}
    assert not Answer.objects.exists()
    # Retried (twice, as an impatient supplier would): submitted exactly once.
    for _ in range(2):
        done = post(client, f"{url}p/4/", PAGE_4, action="submit")
        assert done.status_code == 302 and done["Location"].endswith("/receipt/")
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    rows = list(Answer.objects.values_list("question_code", "option_code"))
    assert len(rows) == len(set(rows)) and ("q10_support_needed", "stable_orders") in rows


def test_database_down_when_opening_a_page(client, campaign_a):
    url = start_answering(client, campaign_a)

    with database_down():
        page = client.get(url)

    assert_try_again(page)
    assert client.get(url).status_code == 200


def test_other_errors_are_not_disguised_as_an_outage(client, campaign_a, monkeypatch):
    url = start_answering(client, campaign_a)

    def broken(**kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("hrdd.responses.services.response_save_draft", broken)
    with pytest.raises(ValueError, match="a bug"):
        post(client, url, PAGE_1)
