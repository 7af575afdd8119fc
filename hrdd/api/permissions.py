"""What a key may do: each endpoint names the scope it needs per method."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

SAFE = permissions.SAFE_METHODS


class HasScope(permissions.BasePermission):
    """The view's `read_scope` for safe methods, its `write_scope` for the others."""

    message = _("This API key does not have the scope this request needs.")

    def has_permission(self, request, view) -> bool:
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "scopes"):
            return False
        needed = view.read_scope if request.method in SAFE else view.write_scope
        if needed is None:
            return False
        self.message = _("This API key does not have the scope %(scope)s.") % {"scope": needed}
        return needed in token.scopes
