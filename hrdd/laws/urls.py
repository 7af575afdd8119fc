from django.urls import path

from hrdd.laws import views

app_name = "laws"
urlpatterns = [
    path("", views.library, name="library"),
    path("applies/<int:organisation_id>/", views.applies, name="applies"),
    path("<slug:law_code>/", views.law_detail, name="detail"),
    path("<slug:law_code>/edit/", views.law_edit, name="edit"),
]
