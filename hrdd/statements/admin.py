from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.statements.models import Statement


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["framework", "year", "organisation", "created_at"]
    list_filter = ["framework"]
    list_select_related = ["organisation"]
