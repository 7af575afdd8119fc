"""The API's shapes. Writes are checked again by the suppliers app's services (the same
rules as the pages); these serializers give the schema and reject wrong types early."""

from django.conf import settings
from django_countries import countries
from rest_framework import serializers

from hrdd.campaigns.models import Campaign
from hrdd.organisations.models import Industry
from hrdd.suppliers.models import MAX_TIER, MigrantShare, SizeBand, SpendBand
from hrdd.suppliers.services import UPSERT_MAX_ROWS


def _choices(choices) -> list[str]:
    return [value for value, _label in choices]


# The interface languages, named in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
# (a supplier's language and a campaign's languages are one choice set).
LANGUAGE_CODES = _choices(settings.LANGUAGES)


class SupplierSerializer(serializers.Serializer):
    """One supplier of the buyer's list."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    country = serializers.ChoiceField(choices=[code for code, _name in countries])
    email = serializers.EmailField(max_length=254)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CODES, required=False)
    industry = serializers.ChoiceField(
        choices=_choices(Industry.choices), required=False, allow_blank=True
    )
    size_band = serializers.ChoiceField(
        choices=_choices(SizeBand.choices), required=False, allow_blank=True
    )
    tier = serializers.IntegerField(min_value=1, max_value=MAX_TIER, required=False)
    goods = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    spend_band = serializers.ChoiceField(
        choices=_choices(SpendBand.choices), required=False, allow_blank=True
    )
    migrant_share = serializers.ChoiceField(
        choices=_choices(MigrantShare.choices), required=False, allow_blank=True
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["country"] = str(instance.country.code) if instance.country else ""
        return data


class SupplierRowSerializer(SupplierSerializer):
    """One row of a bulk upsert: the reference is required (it is what rows match on)."""

    reference = serializers.CharField(max_length=100)


class BulkUpsertRequestSerializer(serializers.Serializer):
    suppliers = SupplierRowSerializer(many=True, max_length=UPSERT_MAX_ROWS)


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    detail = serializers.CharField()


class BulkRowResultSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Position of the row in the request, from 0.")
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "invalid"])
    id = serializers.IntegerField(allow_null=True)
    errors = FieldErrorSerializer(many=True)


class BulkUpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = BulkRowResultSerializer(many=True)


class ResponseBandSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField(allow_null=True)


class CampaignSerializer(serializers.Serializer):
    """A campaign and its progress as the campaign page shows it: submitted responses as a
    band (never an exact live count, hrdd.policy.response_band)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    mode = serializers.ChoiceField(choices=_choices(Campaign.Mode.choices))
    state = serializers.ChoiceField(choices=_choices(Campaign.State.choices))
    questionnaire = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    min_responses = serializers.IntegerField()
    submitted_responses = ResponseBandSerializer()
    supplier_status_visible = serializers.BooleanField(
        help_text="Whether per-supplier status may be seen (disclosed campaigns only)."
    )
    latest_release = serializers.IntegerField(allow_null=True)


class PrioritySerializer(serializers.Serializer):
    """One supplier's place in the buyer's latest risk ranking, as the priorities page
    shows it (hrdd/risk: inherent risk of its country, sector and goods, never a
    confidential answer)."""

    rank = serializers.IntegerField()
    supplier_id = serializers.IntegerField()
    supplier_name = serializers.CharField()
    country = serializers.CharField()
    tier = serializers.IntegerField()
    score = serializers.FloatField()
    level = serializers.CharField()
    topic = serializers.CharField()
    why = serializers.CharField()
    ranked_at = serializers.DateTimeField()
