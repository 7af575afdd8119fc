"""Who calls: an API key in the Authorization header, acting for its organisation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from hrdd.api.services import token_use


class ApiKeyUser:
    """Stands for the organisation's system behind a key: not a person, no session."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, token):
        self.token = token
        self.organisation = token.organisation
        self.pk = None

    def __str__(self) -> str:
        return str(self.token)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hrdd_…`. An unknown, revoked or expired key is a 401 that says
    only that the key is not valid (never which of the three)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key after the word Bearer."))
        token = token_use(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid any more."))
        return ApiKeyUser(token), token

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "hrdd.api.authentication.TokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "hrdd_… (an API key)"}
