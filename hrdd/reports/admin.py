from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.reports.models import ReportRelease


@admin.register(ReportRelease)
class ReportReleaseAdmin(ReadOnlyAdmin):
    """Summary Report releases as the buyers see them (policy output only, no raw counts)."""

    list_display = ["campaign", "number", "response_count", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["campaign__name"]
    list_select_related = ["campaign"]
    exclude = ["content"]
