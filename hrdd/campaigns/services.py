from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.campaigns.models import Campaign
from hrdd.invitations.services import reminders_schedule
from hrdd.organisations.models import Organisation
from hrdd.questionnaires.models import QuestionnaireVersion
from hrdd.questionnaires.services import languages_check
from hrdd.reports.tasks import report_schedule_close_release
from hrdd.responses.models import Response

DEFAULT_DURATION = timedelta(days=30)


def _check_dates(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The close date must be after the open date.")})


def _check_languages(version: QuestionnaireVersion, languages: list[str]) -> list[str]:
    available = version.parsed.languages
    languages_check(offered=available, languages=languages)
    return [lang for lang in available if lang in languages] or list(available)


def _check_breakdowns(breakdowns) -> list[str]:
    """The declared breakdowns, in the order of Campaign.Breakdown, or a ValidationError."""
    unknown = [b for b in breakdowns if b not in Campaign.Breakdown.values]
    if unknown:
        raise ValidationError(
            {
                "breakdowns": _("Unknown report breakdown: %(names)s")
                % {"names": ", ".join(map(str, unknown))}
            }
        )
    return [b for b in Campaign.Breakdown.values if b in breakdowns]


@transaction.atomic
def campaign_create(
    *,
    organisation: Organisation,
    questionnaire_version: QuestionnaireVersion,
    name: str,
    languages: list[str],
    by: User | None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    mode: str = Campaign.Mode.CONFIDENTIAL,
    breakdowns: list[str] = (),
) -> Campaign:
    """Create a campaign pinned to one questionnaire version, with its response URL.

    The mode is fixed at creation: turning a confidential campaign into a disclosed one
    would expose answers given under the promise of confidentiality. The report breakdowns
    are declared here, before anyone answers (see campaign_set_breakdowns).
    """
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or opens_at + DEFAULT_DURATION
    _check_dates(opens_at, closes_at)
    floor = questionnaire_version.questionnaire.min_responses or 0
    campaign = Campaign.objects.create(
        min_responses=max(settings.CONFIDENTIALITY_DEFAULT_MIN_RESPONSES, floor),
        organisation=organisation,
        questionnaire_version=questionnaire_version,
        name=name,
        languages=_check_languages(questionnaire_version, languages),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=by,
        mode=mode,
        breakdowns=_check_breakdowns(breakdowns),
    )
    _schedule_final_release(campaign)
    return campaign


def _schedule_final_release(campaign: Campaign) -> None:
    """The Summary Report's last release is made by the worker at the close date."""
    report_schedule_close_release(campaign=campaign)


@transaction.atomic
def campaign_set_breakdowns(*, campaign: Campaign, breakdowns: list[str], by: User) -> Campaign:
    """Declare the dimensions the Summary Report is broken down by, while nobody has answered.

    Once a response exists (even a draft) they are fixed: choosing a breakdown after seeing
    who answers would let a buyer pick the grouping that isolates a supplier, and changing
    it between releases would let it compare groupings (docs/privacy.md, rule 9).
    """
    # The row lock makes two changes take turns. A response started at the very same moment
    # may slip past the check; it is at most a draft then, and no report was ever released
    # under the old breakdowns (a release needs k submitted responses).
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if Response.objects.filter(campaign=campaign).exists():
        raise ValidationError(
            {"breakdowns": _("Report breakdowns cannot change once a supplier has answered.")}
        )
    campaign.breakdowns = _check_breakdowns(breakdowns)
    campaign.save(update_fields=["breakdowns"])
    return campaign


@transaction.atomic
def campaign_set_dates(
    *, campaign: Campaign, opens_at: datetime, closes_at: datetime, by: User
) -> Campaign:
    """Change when the response URL accepts answers.

    Reopening a closed campaign is allowed (suppliers asked for more time); the report
    releases already made stay as they are and new ones follow the usual batch rule.
    """
    _check_dates(opens_at, closes_at)
    close_moved = closes_at != campaign.closes_at
    campaign.opens_at = opens_at
    campaign.closes_at = closes_at
    campaign.save(update_fields=["opens_at", "closes_at"])
    if close_moved:
        # The run queued for the old date finds the date moved and does nothing.
        _schedule_final_release(campaign)
    if campaign.launched_at:
        # Reminders are relative to the close date: schedule them for the new one (a run
        # queued for the old date finds it has moved and waits, see invitations.tasks).
        reminders_schedule(campaign=campaign)
    return campaign
