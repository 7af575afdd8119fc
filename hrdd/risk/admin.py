from django.contrib import admin

from hrdd.risk.models import RiskAssessment


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "method_version", "created_by"]
    exclude = ["results"]
    readonly_fields = ["created_at", "method_version", "created_by", "edition_ids"]
