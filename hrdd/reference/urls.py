from django.urls import path

from hrdd.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("load/", views.upload, name="upload"),
]
