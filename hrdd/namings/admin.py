from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.namings.models import SupplierNamingRequest


@admin.register(SupplierNamingRequest)
class SupplierNamingRequestAdmin(ReadOnlyAdmin):
    """What buyers asked their suppliers and what came back: for the operator to read."""

    list_display = ["supplier", "organisation", "sent_at", "submitted_at", "outcome"]
    list_filter = ["outcome", "organisation"]
    list_select_related = ["supplier", "organisation"]
    search_fields = ["supplier__name", "email", "organisation__name"]
    exclude = ["token_hash"]
