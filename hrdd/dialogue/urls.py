from django.urls import path

from hrdd.dialogue import views

app_name = "dialogue"
urlpatterns = [
    path("<int:organisation_id>/", views.engagement_list, name="list"),
    path("<int:organisation_id>/new/", views.engagement_new, name="create"),
    path("<int:organisation_id>/<int:engagement_id>/", views.engagement_detail, name="detail"),
    path("<int:organisation_id>/<int:engagement_id>/edit/", views.engagement_edit, name="edit"),
    path(
        "<int:organisation_id>/<int:engagement_id>/participants/",
        views.participant_new,
        name="participant_add",
    ),
    path(
        "<int:organisation_id>/<int:engagement_id>/commitments/",
        views.commitment_new,
        name="commitment_add",
    ),
    path(
        "<int:organisation_id>/<int:engagement_id>/documents/",
        views.document_new,
        name="document_add",
    ),
    path(
        "<int:organisation_id>/commitments/<int:commitment_id>/",
        views.commitment_edit,
        name="commitment",
    ),
    path(
        "<int:organisation_id>/files/<int:dialogue_file_id>.pdf",
        views.document_file,
        name="document_file",
    ),
]
