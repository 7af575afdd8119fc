from django.urls import path

from hrdd.cycle import views

app_name = "cycle"
urlpatterns = [
    path("<int:organisation_id>/", views.cycle, name="cycle"),
    path("<int:organisation_id>/documents/add/", views.document_new, name="document_add"),
    path(
        "<int:organisation_id>/documents/<int:document_id>/file.pdf",
        views.document_file,
        name="document_file",
    ),
    path(
        "<int:organisation_id>/documents/<int:document_id>/delete/",
        views.document_remove,
        name="document_delete",
    ),
]
