from django.urls import path

from hrdd.impact import views

app_name = "impact"
project = "<int:organisation_id>/<int:project_id>/"
urlpatterns = [
    path("<int:organisation_id>/", views.project_list, name="list"),
    path("<int:organisation_id>/new/", views.project_create, name="create"),
    path(project, views.project_detail, name="detail"),
    path(f"{project}edit/", views.project_edit, name="edit"),
    path(f"{project}status/", views.project_status, name="status"),
    path(f"{project}notes/add/", views.note_add, name="note_add"),
    path(f"{project}notes/<int:note_id>/edit/", views.note_edit, name="note_edit"),
    path(f"{project}plan/add/", views.activity_add, name="activity_add"),
    path(f"{project}interviews/add/", views.interview_add, name="interview_add"),
    path(
        f"{project}interviews/<int:interview_id>/",
        views.interview_detail,
        name="interview",
    ),
    path(
        f"{project}interviews/<int:interview_id>/edit/",
        views.interview_edit,
        name="interview_edit",
    ),
    path(f"{project}findings/add/", views.finding_add, name="finding_add"),
    path(
        f"{project}findings/<int:impact_finding_id>/salient/",
        views.finding_salient,
        name="finding_salient",
    ),
    path(f"{project}recommendations/add/", views.recommendation_add, name="recommendation_add"),
    path(f"{project}report/", views.report, name="report"),
    path(f"{project}report.pdf", views.report_pdf, name="report_pdf"),
]
