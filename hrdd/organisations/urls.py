from django.urls import path

from hrdd.organisations import views

app_name = "organisations"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_done, name="apply_done"),
    path("operator/applications/", views.operator_applications, name="operator_applications"),
    path(
        "operator/applications/<int:application_id>/",
        views.operator_application_detail,
        name="operator_application",
    ),
]
