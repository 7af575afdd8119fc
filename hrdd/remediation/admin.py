from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.remediation.models import Finding, TimelineEntry


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ["at", "event", "user", "by_supplier", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    """Findings and their timelines, for the operator to read (evidence files stay out)."""

    list_display = ["title", "supplier", "organisation", "severity", "status", "created_at"]
    list_filter = ["status", "severity", "source", "organisation"]
    list_select_related = ["supplier", "organisation"]
    search_fields = ["title", "supplier__name", "organisation__name"]
    inlines = [TimelineInline]
