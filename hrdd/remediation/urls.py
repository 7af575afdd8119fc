from django.urls import path

from hrdd.remediation import views

app_name = "remediation"
urlpatterns = [
    path("c/<str:token>/", views.supplier_page, name="supplier"),
    path("operator/remediation/", views.operator_overview, name="operator"),
    path("operator/remediation/export.csv", views.operator_export, name="operator_export"),
    path("remediation/<int:organisation_id>/", views.finding_list, name="list"),
    path("remediation/<int:organisation_id>/new/", views.finding_create, name="create"),
    path("remediation/<int:organisation_id>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "remediation/<int:organisation_id>/dashboard/export.<str:fmt>",
        views.dashboard_export,
        name="dashboard_export",
    ),
    path("remediation/<int:organisation_id>/timelines/", views.timelines, name="timelines"),
    path(
        "remediation/<int:organisation_id>/from-recommendation/<int:recommendation_id>/",
        views.from_recommendation,
        name="from_recommendation",
    ),
    path(
        "remediation/<int:organisation_id>/<int:finding_id>/",
        views.finding_detail,
        name="detail",
    ),
    path(
        "remediation/<int:organisation_id>/<int:finding_id>/step/",
        views.finding_step,
        name="step",
    ),
    path(
        "remediation/<int:organisation_id>/<int:finding_id>/files/<int:file_id>/",
        views.evidence_file,
        name="file",
    ),
]
