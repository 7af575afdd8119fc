"""Rate limits per API key (DRF's throttle, which answers 429 with Retry-After)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Counted per key, not per address: one ERP behind a proxy is one caller."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"key-{token.pk}"}

    def get_rate(self):
        # Read when asked, not when the class was defined, so that the setting can change.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
