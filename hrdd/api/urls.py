from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hrdd.api import endpoints, endpoints_campaigns, endpoints_cycle, views

app_name = "api"
urlpatterns = [
    # The owners' page of API keys.
    path("api-keys/<int:organisation_id>/", views.token_list, name="tokens"),
    path(
        "api-keys/<int:organisation_id>/<int:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    # The API itself, its schema and its documentation.
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="v1_schema"),
    # Swagger UI with its script in a file of its own (the split view) and our template
    # without inline styles: the page keeps the strict CSP. (Redoc is left out: it injects
    # style elements, which the CSP refuses.)
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:v1_schema", template_name="api/swagger_ui.html"
        ),
        name="v1_docs",
    ),
    path("api/v1/suppliers/", endpoints.SupplierList.as_view(), name="v1_suppliers"),
    path(
        "api/v1/suppliers/bulk/",
        endpoints.SupplierBulkUpsert.as_view(),
        name="v1_suppliers_bulk",
    ),
    path(
        "api/v1/suppliers/<int:supplier_id>/",
        endpoints.SupplierDetail.as_view(),
        name="v1_supplier",
    ),
    path("api/v1/campaigns/", endpoints.CampaignList.as_view(), name="v1_campaigns"),
    path(
        "api/v1/campaigns/<int:campaign_id>/",
        endpoints.CampaignDetail.as_view(),
        name="v1_campaign",
    ),
    path(
        "api/v1/campaigns/<int:campaign_id>/launch/",
        endpoints_campaigns.CampaignLaunch.as_view(),
        name="v1_campaign_launch",
    ),
    path(
        "api/v1/campaigns/<int:campaign_id>/invitations/",
        endpoints_campaigns.CampaignInvitations.as_view(),
        name="v1_campaign_invitations",
    ),
    path(
        "api/v1/campaigns/<int:campaign_id>/detailed/",
        endpoints_campaigns.DetailedSupplierList.as_view(),
        name="v1_campaign_detailed",
    ),
    path(
        "api/v1/campaigns/<int:campaign_id>/detailed/<int:response_id>/",
        endpoints_campaigns.DetailedResponse.as_view(),
        name="v1_campaign_detailed_response",
    ),
    # Reports, findings and grievance statistics
    path(
        "api/v1/campaigns/<int:campaign_id>/report/",
        endpoints_cycle.SummaryReport.as_view(),
        name="v1_campaign_report",
    ),
    path("api/v1/findings/", endpoints_cycle.FindingList.as_view(), name="v1_findings"),
    path(
        "api/v1/findings/<int:finding_id>/",
        endpoints_cycle.FindingDetail.as_view(),
        name="v1_finding",
    ),
    path(
        "api/v1/grievances/statistics/",
        endpoints_cycle.GrievanceStatistics.as_view(),
        name="v1_grievance_statistics",
    ),
    path("api/v1/risk/priorities/", endpoints.PriorityList.as_view(), name="v1_priorities"),
    # Last: whatever else starts with api/v1/ is a 404 in the API's own format.
    re_path(r"^api/v1/", endpoints.not_found),
]
