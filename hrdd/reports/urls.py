from django.urls import path

from hrdd.reports import views

app_name = "reports"
urlpatterns = [
    path("campaigns/<int:campaign_id>/summary/", views.summary, name="summary"),
    path("campaigns/<int:campaign_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path(
        "campaigns/<int:campaign_id>/summary.<str:fmt>",
        views.summary_export,
        name="summary_export",
    ),
]
