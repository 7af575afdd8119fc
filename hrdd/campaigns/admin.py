from django.contrib import admin

from hrdd.campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Campaign settings only. Responses are deliberately not in the administration site:
    raw answers are reachable only through audited operator access (see docs/privacy.md)."""

    list_display = ["name", "organisation", "questionnaire_version", "opens_at", "closes_at"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    # The mode is fixed at creation (see Campaign): switching it would break a promise.
    readonly_fields = ["public_slug", "questionnaire_version", "mode", "created_at", "created_by"]
