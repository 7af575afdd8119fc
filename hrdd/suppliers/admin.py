"""The operator's full view of every buyer's supplier list and of every file imported into one."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from hrdd.suppliers.models import Supplier, SupplierChange, SupplierImport
from hrdd.suppliers.selectors import import_summary
from hrdd.suppliers.services import EDITABLE_FIELDS, supplier_delete, supplier_update

# Shown on an import's page; the whole report is in the problems field of the database.
ADMIN_PROBLEMS = 100
ADMIN_ROWS = 20


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "country",
        "industry",
        "size_band",
        "email",
        "language",
        "reminders_opted_out_at",
    ]
    list_filter = ["industry", "size_band", "language", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "contact_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "updated_at"]
    # Lists reach 50,000 rows per buyer: no full count on every filtered page.
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        """Changes go through the service, like the buyer's: an address change replaces the
        supplier's invitations, and every change is in the supplier-list audit log."""
        if not change:
            return super().save_model(request, obj, form, change)
        others = [name for name in form.changed_data if name not in EDITABLE_FIELDS]
        if others:
            Supplier.objects.filter(pk=obj.pk).update(**{n: getattr(obj, n) for n in others})
        supplier_update(
            supplier=Supplier.objects.get(pk=obj.pk),
            by=request.user,
            **{name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_FIELDS},
        )
        return None

    def delete_model(self, request, obj):
        supplier_delete(supplier=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for supplier in queryset:
            supplier_delete(supplier=supplier, by=request.user)


@admin.register(SupplierChange)
class SupplierChangeAdmin(admin.ModelAdmin):
    """The supplier-list audit log: read only (rows are never changed or deleted)."""

    list_display = [
        "created_at",
        "organisation",
        "supplier_name",
        "field",
        "old_value",
        "new_value",
        "user",
    ]
    list_filter = ["action", "field"]
    list_select_related = ["organisation", "user"]
    search_fields = ["supplier_name", "old_value", "new_value", "organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupplierImport)
class SupplierImportAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "organisation",
        "status",
        "total_rows",
        "imported_count",
        "created_by",
        "created_at",
        "imported_at",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["filename", "organisation__name"]
    # The stored rows can be several megabytes: the form shows counts and samples instead.
    exclude = ["rows", "problems"]
    readonly_fields = [
        "organisation",
        "created_by",
        "filename",
        "status",
        "total_rows",
        "imported_count",
        "created_at",
        "imported_at",
        "counts",
        "problem_report",
        "first_rows",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The list needs neither the rows nor the problems; an import's own page does.
        match = request.resolver_match
        if match and match.url_name and match.url_name.endswith("_changelist"):
            queryset = queryset.defer("rows", "problems")
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: confirming or cancelling is the buyer's decision, in its own pages.
        return False

    @admin.display(description=_("counts"))
    def counts(self, obj):
        summary = import_summary(obj)
        return _(
            "%(valid)s valid, %(errors)s with errors, %(existing)s already in the list, "
            "%(warnings)s with warnings"
        ) % {
            "valid": summary.valid,
            "errors": summary.with_errors,
            "existing": summary.already_in_list,
            "warnings": summary.with_warnings,
        }

    @admin.display(description=_("problems"))
    def problem_report(self, obj):
        problems = obj.problems[:ADMIN_PROBLEMS]
        if not problems:
            return "—"
        return format_html_join(
            "\n",
            "<div>{} {} · {} · {} · {}</div>",
            (
                (p["severity"], p["row"] or "", p["column"], p["value"], p["message"])
                for p in problems
            ),
        )

    @admin.display(description=_("first rows"))
    def first_rows(self, obj):
        rows = obj.rows[:ADMIN_ROWS]
        if not rows:
            return "—"
        return format_html_join(
            "\n",
            "<div>{} · {} · {} · {} · {}</div>",
            ((r["row"], r["name"], r["country"], r["email"], r["language"]) for r in rows),
        )
