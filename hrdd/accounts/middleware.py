"""Two rules every logged-in request passes: the second factor, and the idle timeout."""

import time

from django.contrib.auth import SESSION_KEY
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from hrdd.accounts import selectors

# Pages a logged-in user can open before giving the second factor: logging in and out,
# setting it up, and choosing a language. The passkey ceremonies too: logging in with one, and
# registering a first one (the library refuses registration to a user who has a second factor
# and has not given it in this session).
OPEN_BEFORE_TWO_FACTOR = {
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:js-i18n-catalog",
    "accounts:login",
    "accounts:login_code",
    "accounts:logout",
    "accounts:two_factor_setup",
    "accounts:recovery_codes",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "set_language",
}
# Remembers, for the session, that its user has no second factor and needs none, so that
# ordinary requests of buyers' analysts and viewers cost no query.
TWO_FACTOR_NOT_NEEDED = "two_factor_not_needed"
IDLE_SECONDS = "idle_seconds"
LAST_SEEN = "last_seen"
# The expiry is pushed forward at most once a minute, not with a write on every request.
REFRESH_EVERY_SECONDS = 60


def prepare_session(sender, request, user, **kwargs) -> None:
    """At login (receiver of `user_logged_in`), decide what the session's later requests
    would otherwise each look up: its idle timeout, and whether its user may go without a
    second factor. The first page after login then costs no more than the others."""
    session = request.session
    session[IDLE_SECONDS] = selectors.session_idle_seconds(user=user)
    session[LAST_SEEN] = int(time.time())
    session.set_expiry(session[IDLE_SECONDS])
    if not selectors.user_has_two_factor(user=user) and not selectors.user_needs_two_factor(
        user=user
    ):
        session[TWO_FACTOR_NOT_NEEDED] = user.pk


class TwoFactorMiddleware:
    """A user with an authenticator must have given a code in this session (whatever login
    page they came through, the administration site's included); operator staff and owners
    without one are taken to set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.session.get(SESSION_KEY) is None:
            return None
        user = request.user
        if request.session.get(TWO_FACTOR_NOT_NEEDED) == user.pk or user.is_verified():
            return None
        if request.resolver_match and request.resolver_match.view_name in OPEN_BEFORE_TWO_FACTOR:
            return None
        query = "?" + urlencode({"next": request.get_full_path()})
        if selectors.user_has_two_factor(user=user):
            return redirect(reverse("accounts:login_code") + query)
        if selectors.user_needs_two_factor(user=user):
            return redirect(reverse("accounts:two_factor_setup") + query)
        request.session[TWO_FACTOR_NOT_NEEDED] = user.pk
        return None


class IdleTimeoutMiddleware:
    """A logged-in session ends after SESSION_IDLE_MINUTES_OPERATOR (operator staff) or
    SESSION_IDLE_MINUTES_BUYER (everyone else) without a request.

    Django's own session expiry does the work: each request (at most once a minute) sets the
    session to expire that many seconds later, so an idle session is gone from the database
    and the next request finds nobody logged in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: the request that logs in gets its timeout at once.
        session = getattr(request, "session", None)
        if session is None or session.get(SESSION_KEY) is None:
            return response
        seconds = session.get(IDLE_SECONDS)
        if seconds is None:
            seconds = session[IDLE_SECONDS] = selectors.session_idle_seconds(user=request.user)
        now = int(time.time())
        if now - session.get(LAST_SEEN, 0) >= REFRESH_EVERY_SECONDS:
            session[LAST_SEEN] = now
            session.set_expiry(seconds)
        return response
