from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from hrdd.campaigns.views import home

admin.site.site_header = admin.site.site_title = format_lazy(
    _("{name} administration"), name=settings.PLATFORM_NAME
)

urlpatterns = [
    path("", home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("hrdd.accounts.urls")),
    path("accounts/passkeys/", include("hrdd.accounts.passkey_urls")),
    path("campaigns/", include("hrdd.campaigns.urls")),
    path("campaigns/<int:campaign_id>/links/", include("hrdd.invitations.urls")),
    path("suppliers/", include("hrdd.suppliers.urls")),
    path("", include("hrdd.links.urls")),
    path("", include("hrdd.namings.urls")),
    path("", include("hrdd.remediation.urls")),
    path("reports/", include("hrdd.reports.urls")),
    path("risk/", include("hrdd.risk.urls")),
    path("impact/", include("hrdd.impact.urls")),
    path("cycle/", include("hrdd.cycle.urls")),
    path("dialogue/", include("hrdd.dialogue.urls")),
    path("statements/", include("hrdd.statements.urls")),
    path("laws/", include("hrdd.laws.urls")),
    path("operator/reference/", include("hrdd.reference.urls")),
    path("reports/detailed/", include("hrdd.detailed.urls")),
    path("", include("hrdd.insights.urls")),
    path("operator/questionnaires/", include("hrdd.questionnaires.urls")),
    path("", include("hrdd.organisations.urls")),
    path("", include("hrdd.responses.urls")),
    path("", include("hrdd.grievances.urls")),
    path("", include("hrdd.api.urls")),
    path("", include("hrdd.webhooks.urls")),
    path("admin/", admin.site.urls),
]
