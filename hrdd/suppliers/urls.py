from django.urls import path

from hrdd.suppliers import views

app_name = "suppliers"
urlpatterns = [
    path("template.csv", views.import_template_csv, name="import_template"),
    path("changes/", views.operator_supplier_change_log, name="operator_changes"),
    path("<int:organisation_id>/changes/", views.supplier_change_log, name="changes"),
    path("<int:organisation_id>/", views.supplier_list, name="list"),
    path("<int:organisation_id>/add/", views.supplier_add, name="add"),
    path("<int:organisation_id>/<int:supplier_id>/edit/", views.supplier_edit, name="edit"),
    path("<int:organisation_id>/<int:supplier_id>/delete/", views.supplier_remove, name="delete"),
    path("<int:organisation_id>/map/", views.supply_map, name="map"),
    path("<int:organisation_id>/<int:supplier_id>/", views.supplier_detail, name="detail"),
    path("<int:organisation_id>/<int:supplier_id>/sites/add/", views.site_add, name="site_add"),
    path(
        "<int:organisation_id>/<int:supplier_id>/sites/<int:site_id>/delete/",
        views.site_remove,
        name="site_delete",
    ),
    path("<int:organisation_id>/<int:supplier_id>/links/add/", views.link_add, name="link_add"),
    path(
        "<int:organisation_id>/<int:supplier_id>/links/<int:link_id>/delete/",
        views.link_remove,
        name="link_delete",
    ),
    path("<int:organisation_id>/import/", views.import_upload, name="import"),
    path(
        "<int:organisation_id>/import/<int:import_id>/",
        views.import_preview,
        name="import_preview",
    ),
    path(
        "<int:organisation_id>/import/<int:import_id>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path(
        "<int:organisation_id>/import/<int:import_id>/cancel/",
        views.import_cancel,
        name="import_cancel",
    ),
    path(
        "<int:organisation_id>/import/<int:import_id>/problems.csv",
        views.import_problems_csv,
        name="import_problems",
    ),
]
