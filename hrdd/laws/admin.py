from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.laws.models import ApplicabilityAnswers, Law, LawVersion


@admin.register(Law)
class LawAdmin(ReadOnlyAdmin):
    list_display = ["code", "current", "created_at"]


@admin.register(LawVersion)
class LawVersionAdmin(ReadOnlyAdmin):
    list_display = ["short_name", "number", "jurisdiction", "kind", "review_by", "created_at"]
    list_filter = ["kind", "jurisdiction", "to_verify"]


@admin.register(ApplicabilityAnswers)
class ApplicabilityAnswersAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "incorporated_in", "employees", "saved_at"]
    list_select_related = ["organisation"]
