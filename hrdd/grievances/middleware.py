"""The grievance channel's public pages never see who is asking.

For every request to /g/ (the report form, the receipt page), before any other code runs,
the visitor's address, browser (User-Agent) and forwarding headers are removed from the
request. What the rate limits need is kept instead: a keyed hash of the address and the
day (HMAC-SHA256 with the site's secret), in request.META["HRDD_REPORTER_BUCKET"]. It is
never stored in the database nor logged: django-ratelimit hashes it again into a cache key
that expires with its window. Keyed and changing every day, it cannot be turned back into
the address from a copy of the cache, nor link one day's visits to another's.
"""

import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from hrdd.core.ratelimit import client_address

PREFIX = "/g/"
BUCKET = "HRDD_REPORTER_BUCKET"
# Headers that name or fingerprint the visitor or its network.
REMOVED = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_PLATFORM",
    "HTTP_SEC_CH_UA_MOBILE",
)


def reporter_bucket(request) -> str:
    day = timezone.now().date().isoformat()
    message = f"grievance-bucket:{day}:{client_address(request)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class AnonymousChannelMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PREFIX):
            request.META[BUCKET] = reporter_bucket(request)
            for name in REMOVED:
                request.META.pop(name, None)
            # Some code reads the address without checking it is there.
            request.META["REMOTE_ADDR"] = "0.0.0.0"  # noqa: S104 - a value, not a bind
        return self.get_response(request)
