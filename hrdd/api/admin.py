from django.contrib import admin

from hrdd.api.models import ApiToken
from hrdd.core.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Keys are made and revoked by the organisation's owners on their page; the admin site
    only shows them (never the digest)."""

    list_display = ["name", "organisation", "prefix", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["organisation"]
    exclude = ["digest"]
