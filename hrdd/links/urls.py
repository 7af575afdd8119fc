from django.urls import path

from hrdd.links import views as link_views

app_name = "links"
urlpatterns = [
    path("i/<str:token>/", link_views.invitation, name="invitation"),
    path("o/<str:token>/", link_views.opt_out, name="opt_out"),
    path("r/<str:slug>/a/<str:code>/share/", link_views.share, name="share"),
]
