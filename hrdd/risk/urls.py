from django.urls import path

from hrdd.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.heat_map, name="heat_map"),
    path("map/", views.world_map, name="world_map"),
    path("compute/", views.compute, name="compute"),
    path("countries/<str:code>/", views.country, name="country"),
    path("<int:organisation_id>/priorities/", views.priorities, name="priorities"),
    path(
        "<int:organisation_id>/priorities/compute/",
        views.priorities_compute,
        name="priorities_compute",
    ),
    path(
        "<int:organisation_id>/priorities/export.<str:fmt>",
        views.priorities_export,
        name="priorities_export",
    ),
    path(
        "<int:organisation_id>/priorities/<int:supplier_id>/",
        views.priority_detail,
        name="priority_detail",
    ),
    path(
        "<int:organisation_id>/priorities/<int:supplier_id>/adjust/",
        views.adjustment_add,
        name="adjustment_add",
    ),
    path(
        "<int:organisation_id>/priorities/<int:supplier_id>/withdraw/",
        views.adjustment_remove,
        name="adjustment_withdraw",
    ),
    path("bans/", views.bans_home, name="bans_home"),
    path("bans/<int:organisation_id>/", views.bans_list, name="bans"),
    path("bans/<int:organisation_id>/bans.csv", views.bans_csv, name="bans_csv"),
]
