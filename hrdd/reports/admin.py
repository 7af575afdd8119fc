from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hrdd.reports.models import AuditEntry, ReportRelease


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the application writes and nobody may alter: viewable, never added, changed
    or deleted, not even by a superuser."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(ReportRelease)
class ReportReleaseAdmin(ReadOnlyAdmin):
    """Summary Report releases as the buyers see them (policy output only, no raw counts)."""

    list_display = ["campaign", "number", "response_count", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign"]
    exclude = ["content"]
