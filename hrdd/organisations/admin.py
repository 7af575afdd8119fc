from django.contrib import admin

from hrdd.organisations.models import Application, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "industry", "plan", "created_at"]
    list_filter = ["kind", "plan", "industry"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["organisation_name", "email", "country", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["organisation_name", "email"]
    readonly_fields = ["status", "decided_at", "decided_by", "organisation", "terms_accepted_at"]
