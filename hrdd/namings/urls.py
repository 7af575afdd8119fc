from django.urls import path

from hrdd.namings import views

app_name = "namings"
urlpatterns = [
    path("n/<str:token>/", views.answer, name="answer"),
    path("suppliers/<int:organisation_id>/<int:supplier_id>/ask/", views.ask, name="ask"),
    path("suppliers/<int:organisation_id>/named/", views.naming_list, name="list"),
    path("suppliers/<int:organisation_id>/named/<int:naming_id>/", views.review, name="review"),
    path(
        "suppliers/<int:organisation_id>/named/<int:naming_id>/dismiss/",
        views.dismiss,
        name="dismiss",
    ),
]
