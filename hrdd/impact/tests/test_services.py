"""The promises of interview records, tested the way they would be broken: no name without
consent, the consent text stored as read in the interviewee's language, sensitive notes that
the database holds only encrypted; and findings' ratings, priorities and the timeline."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from hrdd.impact import consent, services
from hrdd.impact.forms import ProjectForm
from hrdd.impact.models import Interview, Project, ProjectEvent
from hrdd.impact.selectors import findings_by_priority, interviewee_label
from hrdd.reference import selectors as reference
from hrdd.reference.services import shipped_load_all
from hrdd.suppliers.services import site_create
from hrdd.testing.world import impact_finding, impact_interview, impact_project, supplier

pytestmark = pytest.mark.django_db

SECRET = "The supervisor keeps our passports in his office."


@pytest.fixture
def project(org_a, alice):
    return impact_project(org_a, alice)


def raw_column(interview, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM impact_interview WHERE id = %s", [interview.pk])  # noqa: S608
        return cursor.fetchone()[0]


# --- Consent ---------------------------------------------------------------------------------


def test_no_name_is_stored_without_consent_to_store_it(project, alice):
    with pytest.raises(ValidationError) as refused:
        impact_interview(project, alice, interviewee_name="Nguyen Van A", consent_to_name=False)
    assert "did not agree to have the name stored" in str(refused.value)
    assert not Interview.objects.exists()
    interview = impact_interview(project, alice, consent_to_name=False)
    assert interview.interviewee_name == ""
    assert interviewee_label(interview) == interview.code


def test_a_name_is_stored_and_shown_when_consent_says_so(project, alice):
    interview = impact_interview(
        project, alice, interviewee_name="  Nguyen   Van A ", consent_to_name=True
    )
    assert interview.interviewee_name == "Nguyen Van A"
    assert interviewee_label(interview) == f"{interview.code} (Nguyen Van A)"


def test_no_interview_without_consent_to_be_interviewed(project, alice):
    with pytest.raises(ValidationError, match="without consent to be interviewed"):
        impact_interview(project, alice, consent_to_interview=False)
    assert not Interview.objects.exists()


def test_the_consent_text_is_stored_in_the_interviewees_language(project, alice):
    interview = impact_interview(project, alice, language="ja", consent_to_quote=True)
    assert "Northwind" in interview.consent_text
    assert "任意" in interview.consent_text  # the Japanese text, not the English one
    assert "voluntary" not in interview.consent_text
    assert interview.consent_sha256 == consent.consent_hash(interview.consent_text)
    assert interview.consent_version == consent.CONSENT_VERSION
    assert (
        interview.consent_to_interview,
        interview.consent_to_quote,
        interview.consent_to_name,
    ) == (True, True, False)


def test_a_consent_text_other_than_the_one_of_the_language_is_refused(project, alice):
    english = consent.consent_text(language="en", buyer=project.organisation.name)
    with pytest.raises(ValidationError, match="read it again"):
        services.interview_record(
            project=project,
            by=alice,
            group="worker",
            language="ja",
            taken_on=timezone.localdate(),
            consent_sha256=consent.consent_hash(english),
            consent_to_interview=True,
        )


def test_only_languages_the_consent_text_is_translated_into_are_offered():
    codes = dict(consent.consent_languages())
    assert {"en", "ja"} <= set(codes)
    # A language whose catalogue lacks the text would store English under its name.
    for code in codes:
        text = consent.consent_text(language=code, buyer="X")
        assert code == "en" or "voluntary" not in text


def test_interview_codes_are_pseudonymous_and_distinct(project, alice):
    codes = {impact_interview(project, alice).code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert code.startswith("INT-") and len(code) == 8
        assert not set(code[4:]) & set("01IO")


# --- Encryption at rest ----------------------------------------------------------------------


def test_sensitive_notes_are_encrypted_in_the_database_and_read_back(project, alice):
    interview = impact_interview(project, alice, notes="Day shift.", sensitive_notes=SECRET)
    stored = raw_column(interview, "sensitive_notes_encrypted")
    assert stored and "passports" not in stored and SECRET not in stored
    assert Interview.objects.get(pk=interview.pk).sensitive_notes == SECRET
    # Fernet tokens are randomised: the same text twice gives two different tokens.
    other = impact_interview(project, alice, sensitive_notes=SECRET)
    assert raw_column(other, "sensitive_notes_encrypted") != stored


def test_without_the_key_the_stored_notes_cannot_be_read(project, alice, settings):
    interview = impact_interview(project, alice, sensitive_notes=SECRET)
    settings.IMPACT_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(InvalidToken):
        Interview.objects.get(pk=interview.pk).sensitive_notes  # noqa: B018


def test_rotating_the_key_re_encrypts_under_the_new_one(project, alice, settings):
    interview = impact_interview(project, alice, sensitive_notes=SECRET)
    old = settings.IMPACT_ENCRYPTION_KEY
    settings.IMPACT_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.IMPACT_ENCRYPTION_KEY_FALLBACKS = [old]
    assert Interview.objects.get(pk=interview.pk).sensitive_notes == SECRET  # via the fallback
    assert services.interview_rotate_keys() == 1
    settings.IMPACT_ENCRYPTION_KEY_FALLBACKS = []  # the old key gone
    assert Interview.objects.get(pk=interview.pk).sensitive_notes == SECRET


# --- Findings, recommendations, status, timeline ---------------------------------------------


def test_findings_are_ordered_by_severity_times_likelihood(project, alice):
    impact_finding(project, alice, "Long hours", 2, 2, 1, 2)  # severity 5, priority 10
    impact_finding(project, alice, "Passports held", 3, 2, 3, 3, topic="forced_labour")  # 24
    impact_finding(project, alice, "No union", 1, 1, 1, 1, topic="freedom_of_association")  # 3
    ordered = findings_by_priority(project=project)
    assert [(f.title, f.severity, f.priority, f.band) for f in ordered] == [
        ("Passports held", 8, 24, "high"),
        ("Long hours", 5, 10, "medium"),
        ("No union", 3, 3, "low"),
    ]


@pytest.mark.parametrize("ratings", [(0, 1, 1, 1), (1, 4, 1, 1), (1, 1, 1, 9)])
def test_a_rating_out_of_range_is_refused(project, alice, ratings):
    with pytest.raises(ValidationError):
        impact_finding(project, alice, "Out of range", *ratings)


def test_a_target_date_in_the_past_is_refused(project, alice):
    with pytest.raises(ValidationError, match="cannot be in the past"):
        services.recommendation_add(
            project=project,
            by=alice,
            text="Return the passports",
            owner="Factory manager",
            target_date=timezone.localdate() - timedelta(days=1),
        )


def test_a_reported_project_takes_no_change_until_reopened(project, alice):
    services.project_set_status(project=project, by=alice, status=Project.Status.IN_PROGRESS)
    services.project_set_status(project=project, by=alice, status=Project.Status.REPORTED)
    with pytest.raises(ValidationError, match="reopen it"):
        impact_finding(project, alice, "Late")
    with pytest.raises(ValidationError):
        services.project_set_status(project=project, by=alice, status=Project.Status.DRAFT)
    services.project_set_status(project=project, by=alice, status=Project.Status.IN_PROGRESS)
    impact_finding(project, alice, "Late")


def test_every_change_is_in_the_timeline_without_names_or_notes(project, alice):
    interview = impact_interview(
        project,
        alice,
        interviewee_name="Nguyen Van A",
        consent_to_name=True,
        sensitive_notes=SECRET,
    )
    finding = impact_finding(project, alice, "Passports held")
    services.finding_mark_salient(finding=finding, by=alice, rationale="Forced labour")
    services.finding_unmark_salient(finding=finding, by=alice)
    events = list(ProjectEvent.objects.filter(project=project).order_by("pk"))
    assert [e.action for e in events] == [
        "created",
        "interview_recorded",
        "finding_added",
        "salient_marked",
        "salient_unmarked",
    ]
    assert all(e.by == alice for e in events)
    assert events[1].detail == interview.code
    assert not any("Nguyen" in e.detail or "passports" in e.detail for e in events)


def test_a_desk_note_cites_a_law_of_the_current_edition_by_its_name(project, alice):
    shipped_load_all()
    laws = reference.current_edition("laws")
    row = reference.edition_rows(laws)[0]
    note = services.desk_note_add(
        project=project, by=alice, text="Due-diligence duty applies.", law_id=row["law_id"]
    )
    assert (note.law_edition, note.law_id) == (laws, row["law_id"])
    assert note.law_name == row["short_name"]
    with pytest.raises(ValidationError, match="Choose a law from the list"):
        services.desk_note_add(project=project, by=alice, text="?", law_id="no-such-law")


def test_only_sites_of_the_buyers_own_suppliers_are_in_scope(org_a, org_b, alice):
    theirs = site_create(supplier=supplier(org_b, "Kansai Mill"), name="Mill", country="JP")
    with pytest.raises(ValidationError, match="sites of your own suppliers"):
        impact_project(org_a, alice, sites=[theirs])
    ours = site_create(supplier=supplier(org_a, "Saigon Mill"), name="Mill", country="VN")
    project = impact_project(org_a, alice, sites=[ours])
    assert list(project.sites.all()) == [ours]
    form = ProjectForm(organisation=org_a)
    assert list(form.fields["sites"].queryset) == [ours]
