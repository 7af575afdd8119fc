from django.urls import path

from hrdd.responses import views

app_name = "responses"
urlpatterns = [
    path("r/<str:slug>/", views.landing, name="landing"),
    path("r/<str:slug>/a/<str:code>/", views.answer, name="answer"),
    path("r/<str:slug>/a/<str:code>/p/<int:page>/", views.answer, name="answer_page"),
    path("r/<str:slug>/a/<str:code>/email/", views.email_link, name="email_link"),
    path("r/<str:slug>/a/<str:code>/reuse/", views.reuse, name="reuse"),
    path("r/<str:slug>/a/<str:code>/receipt/", views.receipt, name="receipt"),
]
