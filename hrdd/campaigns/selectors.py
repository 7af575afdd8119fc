from django.db.models import QuerySet

from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Organisation


def campaigns_for_organisation(*, organisation: Organisation) -> QuerySet[Campaign]:
    return Campaign.objects.filter(organisation=organisation).select_related(
        "questionnaire_version__questionnaire"
    )
