from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.cycle.models import PolicyDocument


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organisation", "adopted_on", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["organisation"]
    exclude = ["content"]
