from django.contrib import admin

from hrdd.reference.models import Dataset, DatasetEdition


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(DatasetEdition)
class DatasetEditionAdmin(admin.ModelAdmin):
    list_display = ["dataset", "edition", "row_count", "is_current", "loaded_at"]
    readonly_fields = [f.name for f in DatasetEdition._meta.fields]
