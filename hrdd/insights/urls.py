from django.urls import path

from hrdd.insights import views

app_name = "insights"
urlpatterns = [
    path("operator/insights/", views.insight_index, name="index"),
    path("operator/insights/<slug:code>/", views.insight_detail, name="detail"),
    path("operator/insights/<slug:code>/publish/", views.insight_publish, name="publish"),
    path(
        "operator/insights/published/<slug:slug>/withdraw/", views.insight_withdraw, name="withdraw"
    ),
    path("insights/<slug:slug>/", views.insight_public, name="public"),
]
