from django.urls import path

from hrdd.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/<int:organisation_id>/", views.endpoint_list, name="endpoints"),
    path(
        "webhooks/<int:organisation_id>/<int:endpoint_id>/test/",
        views.endpoint_test,
        name="endpoint_test",
    ),
    path(
        "webhooks/<int:organisation_id>/<int:endpoint_id>/rotate/",
        views.endpoint_rotate,
        name="endpoint_rotate",
    ),
    path(
        "webhooks/<int:organisation_id>/<int:endpoint_id>/enable/",
        views.endpoint_enable,
        name="endpoint_enable",
    ),
    path(
        "webhooks/<int:organisation_id>/<int:endpoint_id>/disable/",
        views.endpoint_disable,
        name="endpoint_disable",
    ),
    path(
        "webhooks/<int:organisation_id>/<int:endpoint_id>/delete/",
        views.endpoint_delete,
        name="endpoint_delete",
    ),
]
