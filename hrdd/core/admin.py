from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the application writes and nobody may alter: viewable, never added, changed
    or deleted, not even by a superuser."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
