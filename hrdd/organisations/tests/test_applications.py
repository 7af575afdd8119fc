"""Applying to the program, and the operator's review."""

import pytest
from django.core import mail
from django.urls import reverse

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Application, Membership, Organisation
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import questionnaire_publish
from hrdd.testing.definitions import small_definition
from hrdd.testing.world import PASSWORD, make_user, run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(db):
    return {
        "organisation_name": "Mekong Garments",
        "country": "VN",
        "industry": "apparel",
        "contact_name": "Lan Nguyen",
        "email": "lan@mekong.example",
        "supplier_count": "50-199",
        "questionnaire": Questionnaire.objects.get(code="crisis-impact").pk,
        "languages": ["en", "ja"],
        "accept_terms": "on",
    }


def apply(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("organisations:apply"), data)


@pytest.fixture
def application(client, form, django_capture_on_commit_callbacks):
    apply(client, form, django_capture_on_commit_callbacks)
    return Application.objects.get()


def operator_client(client, olivia):
    assert client.login(email=olivia.email, password=PASSWORD)
    return client


def test_application_is_recorded_and_confirmed_in_the_applicants_language(
    client, form, django_capture_on_commit_callbacks
):
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = apply(client, form, django_capture_on_commit_callbacks)
    assert page.status_code == 302 and page["Location"] == reverse("organisations:apply_done")
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.language == "ja" and application.languages == ["en", "ja"]
    run_tasks()
    assert [m.to for m in mail.outbox] == [["lan@mekong.example"]]
    assert "Mekong Garments" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "lan-at-mekong", "Enter a valid email address."),
        ("country", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("organisation_name", "", "This field is required."),
        ("organisation_name", "M" * 201, "Ensure this value has at most 200 characters"),
        ("supplier_count", "lots", "Select a valid choice."),
        ("questionnaire", "999999", "Select a valid choice."),
        ("languages", ["en", "xx"], "Select a valid choice. xx is not one of the available"),
        ("languages", [], "Choose at least one language."),
        ("accept_terms", "", "You need to accept the terms to apply."),
    ],
)
def test_bad_application_input_is_explained_next_to_the_field(client, form, field, value, message):
    data = dict(form, **{field: value})
    page = client.post(reverse("organisations:apply"), data)
    assert page.status_code == 422
    text = page.content.decode()
    assert message in text
    assert f'id="field-{field}"' in text
    # What was typed elsewhere is kept.
    if field != "organisation_name":
        assert 'value="Mekong Garments"' in text
    assert not Application.objects.exists()
    assert not mail.outbox


def test_a_language_the_questionnaire_lacks_is_refused_next_to_the_field(client, form):
    basics = questionnaire_publish(data=small_definition())  # English, Japanese, Vietnamese
    data = dict(form, questionnaire=basics.questionnaire_id, languages=["en", "th", "vi"])
    page = client.post(reverse("organisations:apply"), data)
    assert page.status_code == 422
    text = page.content.decode()
    assert "This questionnaire is not available in: th" in text
    assert 'id="field-languages"' in text
    assert not Application.objects.exists()


def test_operator_sees_new_applications(client, olivia, application):
    page = operator_client(client, olivia).get(reverse("organisations:operator_applications"))
    assert "Mekong Garments" in page.content.decode()
    decided = operator_client(client, olivia).get(
        reverse("organisations:operator_applications") + "?status=approved"
    )
    assert "Mekong Garments" not in decided.content.decode()


def test_approval_creates_organisation_owner_campaign_and_sends_links(
    client, olivia, application, django_capture_on_commit_callbacks
):
    url = reverse("organisations:operator_application", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = operator_client(client, olivia).post(url, {"action": "approve"})
    assert page.status_code == 302
    application.refresh_from_db()
    organisation = application.organisation
    assert organisation.kind == Organisation.Kind.BUYER and organisation.country == "VN"
    user = User.objects.get(email="lan@mekong.example")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).role == Membership.Role.OWNER
    campaign = Campaign.objects.get(organisation=organisation)
    assert campaign.languages == ["en", "ja"] and campaign.is_open
    assert campaign.questionnaire_version.questionnaire.code == "crisis-impact"
    run_tasks()
    welcome = mail.outbox[-1]
    assert welcome.to == ["lan@mekong.example"]
    assert campaign.response_url() in welcome.body
    assert "/accounts/password/set/" in welcome.body


def test_approving_twice_changes_nothing(client, olivia, application):
    url = reverse("organisations:operator_application", args=[application.pk])
    operator_client(client, olivia).post(url, {"action": "approve"})
    again = client.post(url, {"action": "approve"})
    assert again.status_code == 409
    assert "already been decided" in again.content.decode()
    assert Organisation.objects.filter(kind=Organisation.Kind.BUYER).count() == 1
    assert Campaign.objects.count() == 1


def test_existing_user_is_added_not_duplicated(client, olivia, application):
    existing = make_user("lan@mekong.example")
    url = reverse("organisations:operator_application", args=[application.pk])
    operator_client(client, olivia).post(url, {"action": "approve"})
    assert User.objects.filter(email="lan@mekong.example").count() == 1
    assert existing.memberships.count() == 1


def test_rejection_needs_a_reason_and_emails_it(
    client, olivia, application, django_capture_on_commit_callbacks
):
    url = reverse("organisations:operator_application", args=[application.pk])
    operator_client(client, olivia)
    empty = client.post(url, {"action": "reject", "reason": "  "})
    assert empty.status_code == 422
    assert "Please give the applicant a reason." in empty.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "reject", "reason": "We could not verify the company."})
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.organisation is None
    run_tasks()
    rejections = [m for m in mail.outbox if "We could not verify the company." in m.body]
    assert [m.to for m in rejections] == [["lan@mekong.example"]]
    assert not Organisation.objects.filter(kind=Organisation.Kind.BUYER).exists()


def test_operator_screens_are_404_for_anyone_else(client, alice, application):
    assert client.login(email=alice.email, password=PASSWORD)
    url = reverse("organisations:operator_application", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_company_that_applies_twice_does_not_become_two_organisations(
    client, olivia, form, application, django_capture_on_commit_callbacks
):
    """The same company applies again (another spelling, a colleague's address): the
    operator sees both applications side by side, and approving the second is refused
    until the operator says it is a different company."""
    apply(
        client,
        dict(form, organisation_name="MEKONG GARMENTS Co., Ltd.", email="hr@mekong.example"),
        django_capture_on_commit_callbacks,
    )
    second = Application.objects.exclude(pk=application.pk).get()
    operator = operator_client(client, olivia)
    page = operator.get(reverse("organisations:operator_application", args=[second.pk]))
    text = page.content.decode()
    assert "Possible duplicates" in text
    assert reverse("organisations:operator_application", args=[application.pk]) in text

    operator.post(
        reverse("organisations:operator_application", args=[application.pk]),
        {"action": "approve"},
    )
    url = reverse("organisations:operator_application", args=[second.pk])
    refused = operator.post(url, {"action": "approve"})
    assert refused.status_code == 409
    assert "This company may already be on the platform" in refused.content.decode()
    assert "Mekong Garments" in refused.content.decode()  # the organisation it may repeat
    assert Organisation.objects.filter(kind=Organisation.Kind.BUYER).count() == 1
    second.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED

    # The operator knows better: a different company of a similar name.
    operator.post(url, {"action": "approve", "not_a_duplicate": "on"})
    assert Organisation.objects.filter(kind=Organisation.Kind.BUYER).count() == 2


def test_the_same_contact_applying_again_is_flagged(
    client, olivia, form, application, django_capture_on_commit_callbacks
):
    apply(client, dict(form, organisation_name="Mekong Shoes"), django_capture_on_commit_callbacks)
    second = Application.objects.exclude(pk=application.pk).get()
    page = operator_client(client, olivia).get(
        reverse("organisations:operator_application", args=[second.pk])
    )
    assert "Possible duplicates" in page.content.decode()


def test_an_unrelated_application_is_not_flagged(
    client, olivia, form, application, django_capture_on_commit_callbacks
):
    apply(
        client,
        dict(form, organisation_name="Saigon Foods", email="ops@saigon-foods.example"),
        django_capture_on_commit_callbacks,
    )
    second = Application.objects.exclude(pk=application.pk).get()
    page = operator_client(client, olivia).get(
        reverse("organisations:operator_application", args=[second.pk])
    )
    assert "Possible duplicates" not in page.content.decode()
