from django.urls import path

from hrdd.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.heat_map, name="heat_map"),
    path("map/", views.world_map, name="world_map"),
    path("compute/", views.compute, name="compute"),
]
