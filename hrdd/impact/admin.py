"""The operator sees which assessments exist and their timelines, never the interviews: no
names, no notes, no consent records (Interview is deliberately not registered)."""

from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.impact.models import Project, ProjectEvent


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "status", "created_at"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]


@admin.register(ProjectEvent)
class ProjectEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "project", "action", "by", "detail"]
    list_filter = ["action"]
    list_select_related = ["project", "by"]
