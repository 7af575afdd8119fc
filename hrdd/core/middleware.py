"""Error pages a user understands.

When the database is briefly unavailable, say so and ask to try again: never a stack trace.

A restart, a failover or a full connection pool makes queries fail for a few seconds. The
supplier answering at that moment must not see a server error: every save is one transaction,
so what was saved before is intact and the same button can simply be pressed again (saving and
submitting are safe to repeat). The page is rendered without touching the database, and the
broken connection is closed so that the next request opens a new one.
"""

import contextlib
import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.defaults import page_not_found

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _database_errors() -> tuple[type[BaseException], ...]:
    """Django's wrapped errors, and the drivers' own in case one escapes the wrapper."""
    errors: list[type[BaseException]] = [OperationalError, InterfaceError]
    for alias in connections:
        database = connections[alias].Database
        errors += [database.OperationalError, database.InterfaceError]
    return tuple(dict.fromkeys(errors))


class DatabaseUnavailableMiddleware:
    """Turn a database connection error raised by a view into a 503 "try again" page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.errors = _database_errors()

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, self.errors):
            return None
        logger.error(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
        )
        for connection in connections.all(initialized_only=True):
            # The next request on this worker opens a new connection rather than reusing
            # one that may be broken (with persistent connections, Django's health check
            # would also catch it; closing now is sooner and sure).
            if not connection.in_atomic_block:
                with contextlib.suppress(*self.errors):
                    connection.close()
        # No request context: the usual context processors would read the session and the
        # user from the database that just failed.
        response = HttpResponse(
            render_to_string("503.html", {"retry_url": request.get_full_path()}), status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every page, and no copy of any page in a cache.

    Pages and files show answers (reports, exports, receipts, supplier lists) or carry a
    resume code in their address: none may be kept by the browser's cache, a shared
    computer's history cache or a proxy. Every response made here gets `no-store` unless
    the view chose its own caching; static files (served by WhiteNoise, above this) keep
    theirs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        elif "no-store" not in response["Cache-Control"]:
            patch_cache_control(response, no_store=True, private=True)
        return response


class FriendlyNotFoundMiddleware:
    """The project's own "not found" page, even with DEBUG on.

    With DEBUG (as `./dev start` runs), Django answers an unknown address with its technical
    page: the list of URL patterns, in English. A supplier who mistypes or half-copies its
    link, and a newcomer trying the supplier side, should see what a supplier sees in
    production: the page in its language that says what to check. The developer loses
    nothing: runserver logs every "Not Found" with its path. Errors (500) keep Django's
    debug page under DEBUG: that one is for the developer.
    """

    # Django's technical 404 page carries this tag; the project's pages never do.
    TECHNICAL_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not response.streaming
            and self.TECHNICAL_MARK in response.content
        ):
            return page_not_found(request, Http404())
        return response
