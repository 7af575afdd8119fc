from django.urls import path

from hrdd.questionnaires import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("drafts/<int:draft_id>/", views.draft_detail, name="draft"),
    path("drafts/<int:draft_id>/download/", views.draft_download, name="draft_download"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/new-draft/", views.version_new_draft, name="new_draft"),
    path("versions/<int:version_id>/reviewed/", views.version_mark_reviewed, name="reviewed"),
    path("versions/<int:version_id>/export/<str:fmt>/", views.version_export, name="export"),
    path(
        "versions/<int:version_id>/translations/",
        views.version_import_translations,
        name="import_translations",
    ),
    path("versions/<int:version_id>/diff/", views.version_diff, name="diff"),
    path("preview/<str:kind>/<int:pk>/", views.preview, name="preview"),
]
