from django.urls import path

from hrdd.detailed import views

app_name = "detailed"
urlpatterns = [
    path("campaigns/<int:campaign_id>/suppliers/", views.supplier_list, name="suppliers"),
    path(
        "campaigns/<int:campaign_id>/suppliers/<int:response_id>/",
        views.supplier_detail,
        name="supplier",
    ),
    path(
        "campaigns/<int:campaign_id>/suppliers/<int:response_id>.pdf",
        views.supplier_pdf,
        name="supplier_pdf",
    ),
    path("campaigns/<int:campaign_id>/answers.csv", views.export_csv, name="export_csv"),
    path("campaigns/<int:campaign_id>/answers.xlsx", views.export_xlsx, name="export_xlsx"),
    path("campaigns/<int:campaign_id>/audit/", views.audit_log, name="audit"),
    path("audit/", views.operator_audit_log, name="operator_audit"),
]
