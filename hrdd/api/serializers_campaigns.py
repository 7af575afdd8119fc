"""The shapes of creating and launching a campaign, and of its personal links, in the API.

Creating takes exactly the options of the page's form (hrdd.campaigns.forms.
CampaignCreateForm) with the same rules; the campaigns service checks them again. What the
personal links show is what their page shows (hrdd.invitations.selectors.links_overview):
in a confidential campaign, never who answered nor anything that follows from it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import serializers

from hrdd.api.serializers import LANGUAGE_CODES
from hrdd.campaigns.models import Campaign
from hrdd.core.templatetags.languages import language_names
from hrdd.questionnaires.models import Questionnaire
from hrdd.questionnaires.services import languages_check


def _choices(choices) -> list[str]:
    return [value for value, _label in choices]


class CampaignCreateSerializer(serializers.Serializer):
    """A new campaign: the options of the page's form, with its rules."""

    name = serializers.CharField(max_length=200)
    questionnaire = serializers.CharField(
        max_length=64,
        help_text="The questionnaire's code (such as crisis-impact): the campaign pins its "
        "latest version, the one the page offers.",
    )
    languages = serializers.MultipleChoiceField(
        choices=LANGUAGE_CODES,
        allow_empty=False,
        error_messages={"empty": gettext_lazy("Choose at least one language.")},
        help_text="Languages offered to suppliers; each must be one the questionnaire has.",
    )
    mode = serializers.ChoiceField(
        choices=_choices(Campaign.Mode.choices),
        default=Campaign.Mode.CONFIDENTIAL,
        help_text="confidential (aggregated results only) or disclosed (suppliers agree "
        "that you see their answers; per-supplier reports need the paid plan). It cannot "
        "change later.",
    )
    breakdowns = serializers.MultipleChoiceField(
        choices=_choices(Campaign.Breakdown.choices),
        required=False,
        default=list,
        help_text="Dimensions the Summary Report may be broken down by; fixed once a "
        "supplier has answered.",
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(help_text="After the open date.")
    accept_draft_translations = serializers.BooleanField(
        default=False,
        help_text="Needed (true) to offer a language that is a draft translation, not "
        "checked by a reviewer yet; suppliers who answer in it are told so.",
    )

    def to_internal_value(self, data):
        # An option the page does not have (such as a supplier selection) is named, not
        # silently dropped, along with every other error.
        unknown = {}
        if isinstance(data, dict):
            unknown = {name: [_("Unknown field.")] for name in data if name not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate_questionnaire(self, code: str):
        questionnaire = Questionnaire.objects.filter(code=code).first()
        version = questionnaire.latest_version() if questionnaire else None
        if version is None:
            raise serializers.ValidationError(_("No questionnaire has this code."))
        return version

    def validate(self, attrs):
        errors = {}
        if attrs["closes_at"] <= attrs["opens_at"]:
            errors["closes_at"] = [_("The close date must be after the open date.")]
        version = attrs["questionnaire"]
        # In the order the questionnaire lists them, as the service stores them.
        offered = list(version.parsed.languages)
        chosen = attrs["languages"]
        picked = [c for c in offered if c in chosen] + sorted(c for c in chosen if c not in offered)
        attrs["languages"] = picked
        attrs["breakdowns"] = list(attrs.get("breakdowns") or [])
        try:
            languages_check(offered=offered, languages=picked)
        except DjangoValidationError as error:
            errors["languages"] = [str(m) for m in error.message_dict["languages"]]
        else:
            drafts = [lang for lang in picked if version.is_draft_translation(lang)]
            if drafts and not attrs["accept_draft_translations"]:
                errors["languages"] = [
                    ngettext(
                        "%(languages)s is a draft translation of this questionnaire: no "
                        "reviewer has checked it yet, and suppliers who answer in it are told "
                        "so. Send accept_draft_translations true to offer it anyway.",
                        "%(languages)s are draft translations of this questionnaire: no "
                        "reviewer has checked them yet, and suppliers who answer in them are "
                        "told so. Send accept_draft_translations true to offer them anyway.",
                        len(drafts),
                    )
                    % {"languages": language_names(drafts)}
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class LaunchSerializer(serializers.Serializer):
    """What a launch did: the links sent by this request, and where the campaign stands."""

    campaign_id = serializers.IntegerField()
    invited = serializers.IntegerField(
        help_text="Suppliers sent a personal link by this request (0 if every supplier on "
        "the list had one already)."
    )
    invited_total = serializers.IntegerField(help_text="Suppliers invited so far.")
    not_invited = serializers.IntegerField(help_text="Suppliers on the list not invited yet.")
    launched_at = serializers.DateTimeField(help_text="When personal links were first sent.")
    detail = serializers.CharField(help_text="What happened, in words.")


class DeliverySerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="Waiting to be sent, or being sent.")
    sent = serializers.IntegerField()
    retrying = serializers.IntegerField(help_text="Failed for now; will be tried again.")
    failed = serializers.IntegerField(help_text="Failed permanently (bounced or refused).")


class AnswerStatusSerializer(serializers.Serializer):
    started = serializers.IntegerField(help_text="Invited suppliers with a draft.")
    submitted = serializers.IntegerField(help_text="Invited suppliers who submitted.")


class InvitationsSerializer(serializers.Serializer):
    """The campaign's personal links as their page shows them. Confidential campaign:
    delivery of the invitations only, never who answered nor how many (`statuses` is null)
    and nothing about reminders, which go only to those who have not answered."""

    campaign_id = serializers.IntegerField()
    launched_at = serializers.DateTimeField(
        allow_null=True, help_text="When personal links were first sent; null before."
    )
    suppliers = serializers.IntegerField(help_text="Suppliers on the buyer's list.")
    invited = serializers.IntegerField(help_text="Suppliers sent a personal link.")
    withdrawn = serializers.IntegerField(help_text="Of those, the ones whose links were withdrawn.")
    not_invited = serializers.IntegerField(help_text="Suppliers on the list not invited yet.")
    delivery_includes_reminders = serializers.BooleanField(
        help_text="Whether `delivery` counts reminders too (disclosed campaigns only: in a "
        "confidential one their number would tell how many suppliers have answered)."
    )
    delivery = DeliverySerializer()
    supplier_status_visible = serializers.BooleanField(
        help_text="Whether answer status may be seen (disclosed campaigns only)."
    )
    statuses = AnswerStatusSerializer(
        allow_null=True, help_text="Disclosed campaigns only; null in a confidential one."
    )


# --- Detailed Report ------------------------------------------------------------------------


class TopicRiskSerializer(serializers.Serializer):
    topic = serializers.CharField(help_text="The topic's code.")
    label = serializers.CharField()
    level = serializers.ChoiceField(
        choices=["high", "medium", ""],
        help_text="The highest risk the supplier's answers signal on the topic; empty if none.",
    )


class DetailedSupplierSerializer(serializers.Serializer):
    """One supplier that agreed to share its answers with the buyer and submitted them, as
    the Detailed Report's table shows it: its name, country, date and risk per topic."""

    id = serializers.IntegerField(help_text="The response's id (for its answers).")
    supplier_name = serializers.CharField(help_text="The name the supplier agreed to share under.")
    supplier_country = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    risks = TopicRiskSerializer(many=True)


class DetailedAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(allow_null=True, help_text="null: not answered.")


class DetailedResponseSerializer(serializers.Serializer):
    """One supplier's answers as the Detailed Report's supplier page shows them."""

    id = serializers.IntegerField()
    supplier_name = serializers.CharField()
    supplier_country = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    answers = DetailedAnswerSerializer(many=True)
