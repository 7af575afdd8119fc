from django.urls import path

from hrdd.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:campaign_id>/", views.detail, name="detail"),
    path("<int:campaign_id>/dates/", views.edit_dates, name="edit_dates"),
    path("new/<int:organisation_id>/", views.create, name="create"),
]
