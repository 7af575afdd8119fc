from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.detailed.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The operator's view of every access to per-supplier data, across all buyers."""

    list_display = ["created_at", "campaign", "organisation", "user", "action", "supplier_name"]
    list_filter = ["action", "campaign__organisation"]
    search_fields = ["user__email", "supplier_name", "campaign__name"]
    list_select_related = ["campaign__organisation", "user"]
    date_hierarchy = "created_at"

    @admin.display(description=_("organisation"), ordering="campaign__organisation__name")
    def organisation(self, entry):
        return entry.campaign.organisation
