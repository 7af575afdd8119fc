"""The passkey ceremonies under the names django-otp-webauthn's scripts and template tags look
up (namespace `otp_webauthn`), served by this app's adaptations of the library's views."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from hrdd.accounts import views

app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        views.PasskeyRegisterBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        views.PasskeyRegisterCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views.PasskeyLoginBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        views.PasskeyLoginCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    # The scripts' messages: the library's own catalogue, and ours (locale/) for Japanese.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
