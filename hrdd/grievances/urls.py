from django.urls import path

from hrdd.grievances import views

app_name = "grievances"
urlpatterns = [
    path("g/<slug:channel_slug>/", views.report, name="report"),
    path("g/<slug:channel_slug>/r/", views.receipt, name="receipt"),
    path("g/<slug:channel_slug>/help/", views.help_page, name="help"),
    path("grievances/", views.operator_index, name="operator"),
    path("grievances/statistics/", views.program_statistics, name="program_statistics"),
    path(
        "grievances/<int:organisation_id>/statistics/",
        views.case_statistics,
        name="statistics",
    ),
    path(
        "grievances/<int:organisation_id>/channels/<int:channel_id>/effectiveness/",
        views.channel_effectiveness,
        name="effectiveness",
    ),
    path("grievances/help/", views.help_directory, name="help_directory"),
    path("grievances/help/new/", views.help_contact_edit, name="help_contact_new"),
    path("grievances/help/<int:contact_id>/", views.help_contact_edit, name="help_contact"),
    path("grievances/<int:organisation_id>/", views.index, name="index"),
    path("grievances/<int:organisation_id>/key/", views.key, name="key"),
    path(
        "grievances/<int:organisation_id>/channels/<int:channel_id>/poster/",
        views.channel_poster,
        name="poster",
    ),
    path("grievances/<int:organisation_id>/unlock/", views.unlock, name="unlock"),
    path("grievances/<int:organisation_id>/cases/<int:case_id>/", views.case_detail, name="case"),
    path(
        "grievances/<int:organisation_id>/cases/<int:case_id>/files/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
]
