from django.urls import path

from hrdd.invitations import views

app_name = "invitations"
urlpatterns = [
    path("", views.links, name="links"),
    path("invite/", views.invite, name="invite"),
    path("remind/", views.remind, name="remind"),
    path("reminders/", views.set_reminders, name="set_reminders"),
    path("<int:invitation_id>/resend/", views.resend, name="resend"),
    path("<int:invitation_id>/revoke/", views.revoke, name="revoke"),
]
