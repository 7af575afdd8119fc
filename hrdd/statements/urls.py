from django.urls import path

from hrdd.statements import views

app_name = "statements"
urlpatterns = [
    path("<int:organisation_id>/", views.statement_list, name="list"),
    path("<int:organisation_id>/<int:statement_id>/", views.builder, name="builder"),
    path(
        "<int:organisation_id>/<int:statement_id>/versions/",
        views.version_list,
        name="versions",
    ),
    path(
        "<int:organisation_id>/<int:statement_id>/versions/<int:number>/",
        views.version_detail,
        name="version",
    ),
    path(
        "<int:organisation_id>/<int:statement_id>/versions/<int:number>/statement.docx",
        views.export_docx,
        name="export_docx",
    ),
    path(
        "<int:organisation_id>/<int:statement_id>/versions/<int:number>/statement.pdf",
        views.export_pdf,
        name="export_pdf",
    ),
]
