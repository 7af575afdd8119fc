from django.contrib import admin

from hrdd.questionnaires.models import Questionnaire, QuestionnaireVersion


class VersionInline(admin.TabularInline):
    model = QuestionnaireVersion
    fields = ["version", "checksum", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """Questionnaires are published from files (manage.py publish_questionnaire); published
    versions are frozen, so they are shown here read-only."""

    list_display = ["code", "__str__", "min_responses", "created_at"]
    fields = ["code", "title", "min_responses", "created_at"]
    readonly_fields = ["code", "title", "created_at"]
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False
