from django.contrib import admin

from hrdd.core.admin import ReadOnlyAdmin
from hrdd.dialogue.models import DialogueEvent, Engagement


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "organisation", "held_on"]
    list_filter = ["group"]
    list_select_related = ["organisation"]


@admin.register(DialogueEvent)
class DialogueEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "organisation", "detail"]
    list_select_related = ["organisation"]
